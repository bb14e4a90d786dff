"""The reseller (upstream) side of ``POST /api/sms/send`` (SPEC 7).

``send.handle`` is the API's entry point once the signature checked out: validate,
claim the idempotency key (``requests``), charge the quota (``quota``), apply the
upstream's own limits (``limits``) and send, tagging the attempts with the client
(``attribution``). ``clients`` and ``templates`` are what the admin's Resellers pages change.
"""
