"""Verification codes, from the request to the code log (SPEC 4).

``sending.send(CodeRequest, locale)`` is the one way a code is made and sent, for every
scene: member registration and sign-in, account changes, the admin's sign-in code and
operation protection. It makes the code with ``issue.issue`` and queues its delivery;
``issue.check`` consumes a code. Before a code is made the request passes
``blocks`` (phones, prefixes, IPs an admin blocked), ``destinations`` (a phone or an email
that may receive one), ``captcha`` (ALTCHA) and ``limits`` (the send caps). ``code_log``
serves System → Logs → Code log and ``abuse`` the abuse view's numbers.
"""
