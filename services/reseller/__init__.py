"""The reseller (upstream) side of ``POST /api/sms/send`` (SPEC 7).

``send.handle`` is the API's entry point once the signature checked out: validate,
claim the idempotency key (``requests``), charge the quota (``quota``) under the
upstream's own limits (``limits``) and queue the message for the delivery worker, which
tags its attempts with the client (``attribution``). ``messages`` settles the quota when
the worker is done and answers ``GET /api/sms/messages/<id>``. ``clients`` and
``templates`` are what the admin's Resellers pages change.
"""
