"""Messages waiting for the worker: queue one, claim it, settle it.

A request adds an ``outgoing`` row (state ``queued``) in its own transaction, commits, and
only then hands the row's id to the queue (:func:`hand_over`), so the answer never waits
for a gateway and a message is never enqueued for a row that was rolled back. The worker
claims the row with one conditional UPDATE; whoever does not win the claim sends nothing.

Rooms that need to act on a settled message (the code row, a job's counters, a reseller's
quota) register a hook per kind with :func:`on_settled`; the hooks run in the settling
transaction, so a message and its consequences are committed together.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam

from core import clock, crypto
from core.queue import QueueUnavailable
from extensions import db, queue
from gateways.base import Message, SendResult
from models.base import UTCDateTime
from models.queue import KIND_MESSAGE, OUT_QUEUED, OUT_SENDING, Outgoing

log = logging.getLogger(__name__)

DELIVER_TASK = "deliver"


@dataclass(frozen=True)
class Settled:
    """How an outgoing message ended: its row, final status, result and last attempt."""

    row: Outgoing
    status: str  # models.queue.OUT_SENT / OUT_FAILED / OUT_UNKNOWN
    error: str = ""
    result: SendResult | None = None  # None: no gateway answered (expired, worker died)
    attempt_id: int | None = None
    extra: dict[str, Any] | None = None  # what the queuing room put beside the message


_HOOKS: dict[str, list[Callable[[Settled], None]]] = {}


def on_settled(kind: str) -> Callable[[Callable[[Settled], None]], Callable[[Settled], None]]:
    def register(hook: Callable[[Settled], None]) -> Callable[[Settled], None]:
        _HOOKS.setdefault(kind, []).append(hook)
        return hook
    return register


def add(channel: str, message: Message, *, kind: str = KIND_MESSAGE, due_at: datetime | None =
        None, expires_at: datetime | None = None, extra: dict[str, Any] | None = None,
        **links: Any) -> int:
    """Add a queued row in the caller's transaction (not committed); its id.

    ``links`` are the row's foreign keys: ``code_id``, ``job_id``, ``member_id``,
    ``api_client_id``. ``extra`` travels encrypted with the message to the settle hooks.
    """
    now = clock.now()
    row = {"created_at": now, "due_at": clock.whole_second(due_at or now),
           "expires_at": expires_at,
           "status": OUT_QUEUED, "kind": kind, "channel": channel,
           "destination": message.to[:254], "purpose": message.purpose[:64],
           "payload": crypto.encrypt(json.dumps(_fields(message, extra), ensure_ascii=False)),
           "tries": 0, "claimed_by": "", "error": "",
           "code_id": None, "job_id": None, "member_id": None, "api_client_id": None, **links}
    return db.session.execute(_INSERT, row).inserted_primary_key[0]


def hand_over(ids: Iterable[int], due_at: datetime | None = None) -> None:
    """Enqueue the committed rows ``ids`` (at ``due_at`` when that is later than now).

    A queue that cannot take them now (Redis restarting) is logged, not raised: the rows
    are committed, their callers have answered for them, and the sweep hands them over.
    """
    eta = due_at if due_at is not None and due_at > clock.now() else None
    for outgoing_id in ids:
        try:
            queue.enqueue(DELIVER_TASK, outgoing_id, eta=eta)
        except QueueUnavailable:
            log.exception("outgoing message %s waits for the sweep", outgoing_id)


def claim(outgoing_id: int, worker: str) -> Outgoing | None:
    """Take the row for sending (``queued`` → ``sending``, one try more) if it is due and
    nobody took it; commit; the row, or None when there was nothing to take."""
    now = clock.now()
    taken = db.session.execute(_CLAIM, {"outgoing_id": outgoing_id, "now": now, "worker": worker})
    db.session.commit()
    if taken.rowcount != 1:
        return None
    return db.session.get(Outgoing, outgoing_id)


def still_mine(row: Outgoing, worker: str) -> bool:
    """Lock the row for its last write if ``worker`` still holds it; False when the sweep
    has settled it meanwhile (it took this worker for gone): then only the attempts are
    recorded, and its outcome_unknown stands."""
    held = db.session.execute(_HOLD, {"outgoing_id": row.id, "worker": worker})
    return held.rowcount == 1


def message_of(row: Outgoing) -> tuple[Message, dict[str, Any]]:
    """The message a row carries, and the extra its room put beside it."""
    fields = json.loads(crypto.decrypt(row.payload))
    extra = fields.pop("extra", None) or {}
    return Message(**fields), extra


def settle(outcome: Settled) -> None:
    """Write the end of a message and run its room's hooks (the caller commits).

    The hooks run without autoflush: their statements would flush the row's new state
    first and clearing the payload after them would take a second UPDATE; this way the
    row is written once, by the commit. No hook reads the row back from the database.
    """
    row = outcome.row
    row.status = outcome.status
    row.error = (outcome.error or "")[:40]
    row.finished_at = clock.now()
    row.attempt_id = outcome.attempt_id
    with db.session.no_autoflush:
        for hook in _HOOKS.get(row.kind, ()):
            hook(outcome)
    row.payload = ""  # nothing reads it again, and a code should not outlive its use


def _fields(message: Message, extra: dict[str, Any] | None) -> dict[str, Any]:
    return {"to": message.to, "content": message.content, "subject": message.subject,
            "html": message.html, "template_code": message.template_code,
            "params": dict(message.params), "purpose": message.purpose, "link": message.link,
            "extra": extra or {}}


# Built once: every send runs them.
_TABLE = Outgoing.__table__
_INSERT = _TABLE.insert()
_CLAIM = (_TABLE.update()
          .where(_TABLE.c.id == bindparam("outgoing_id"), _TABLE.c.status == OUT_QUEUED,
                 _TABLE.c.due_at <= bindparam("now", type_=UTCDateTime))
          .values(status=OUT_SENDING, claimed_by=bindparam("worker"),
                  claimed_at=bindparam("now", type_=UTCDateTime), tries=_TABLE.c.tries + 1))
_HOLD = (_TABLE.update()
         .where(_TABLE.c.id == bindparam("outgoing_id"), _TABLE.c.status == OUT_SENDING,
                _TABLE.c.claimed_by == bindparam("worker"))
         .values(claimed_by=bindparam("worker")))
