"""Tag the delivery attempts written during a reseller send with the reseller's client.

``services.delivery.messaging`` writes the attempt rows and knows nothing of resellers;
rather than thread a client through every sending function, the delivery worker sends a
reseller's queued message inside ``attributed_to(row.api_client_id)``
(``services.delivery.tasks``) and ``messaging.record_many`` (the one writer of gateway
attempts) reads :func:`current` for each row it inserts meanwhile (in this thread or task
only: a context variable).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[int | None] = ContextVar("herald_reseller_client", default=None)


@contextmanager
def attributed_to(api_client_id: int) -> Iterator[None]:
    token = _current.set(api_client_id)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> int | None:
    """The reseller client the attempts written now are sent for, if any."""
    return _current.get()
