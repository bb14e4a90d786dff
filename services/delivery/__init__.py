"""Sending a message on a channel, through the delivery queue, and what became of it.

Every message leaves a request as a queued row (``outgoing.add`` in the request's
transaction, ``outgoing.hand_over`` after its commit); the worker (``consumer``, run by
``flask --app app worker``) claims it once and sends it (``tasks.deliver``), retrying only
what certainly did not go out; ``sweep`` settles what a stopped worker held
(``outcome_unknown``) and finds what the queue lost; ``health`` says whether anyone works
the queue. ``messaging.deliver`` / ``send_through`` pick the gateways from settings, fail
over only when the message certainly did not go out, and record every attempt. ``status``
stores the providers' delivery reports (Twilio callbacks, Alibaba / Tencent polls).
"""
