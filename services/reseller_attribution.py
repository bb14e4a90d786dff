"""Tag the delivery attempts written during a reseller send with the reseller's client.

``services.messaging.send`` writes the attempt rows and knows nothing of resellers; rather
than thread a client through every sending function, the reseller API sends inside
``attributed_to(client_id)`` and every ``DeliveryAttempt`` inserted meanwhile (in this
thread or task only: a context variable) gets ``api_client_id`` set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event

from models import DeliveryAttempt

_current: ContextVar[int | None] = ContextVar("herald_reseller_client", default=None)


@contextmanager
def attributed_to(api_client_id: int) -> Iterator[None]:
    token = _current.set(api_client_id)
    try:
        yield
    finally:
        _current.reset(token)


@event.listens_for(DeliveryAttempt, "before_insert")
def _tag(_mapper, _connection, attempt: DeliveryAttempt) -> None:
    client = _current.get()
    if client is not None and attempt.api_client_id is None:
        attempt.api_client_id = client
