"""Business events: the catalog, the notification matrix and dispatch (SPEC 5).

``events`` lists every business event and verification-code scene with its channels and
variables; ``matrix`` holds the admin's switches per event and channel. ``dispatch.notify``
sends one event to one member (Python call, ``flask notify`` and ``POST /api/events``);
``fanout.notify_many`` sends one event to many. ``api_clients`` manages the callers of
``POST /api/events``.
"""
