"""Business events: the catalog, the notification matrix and dispatch (SPEC 5).

``events`` lists every business event and verification-code scene with its channels and
variables; ``matrix`` holds the admin's switches per event and channel. ``jobs.notify``
queues one event for one member (Python call, ``flask notify`` and ``POST /api/events``),
now or at ``send_at``; ``jobs.notify_all`` queues it for all members, a list or a search
(``audience``). The worker runs a job through ``dispatch.deliver_to`` (one recipient) or
``fanout`` (many, in batches); ``progress`` reports how far a job got. ``api_clients``
manages the callers of ``POST /api/events``.
"""
