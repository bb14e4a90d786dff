"""Small readers and senders shared by the queue's integration tests."""

from __future__ import annotations

from extensions import db
from models import DeliveryAttempt
from models.queue import Outgoing
from services.codes import sending
from services.codes.issue import CodeRequest


def send_code(number: str, n: int = 1) -> sending.Sent:
    """A register code to the mainland ``number`` (11 digits), from its own session and
    address so that no send limit gets in the way."""
    return sending.send(CodeRequest("register", "+86" + number, f"s:queue-{number}",
                                    ip=f"198.51.100.{n}"), "zh_CN")


def outgoing_of(sent: sending.Sent) -> Outgoing:
    return db.session.scalar(db.select(Outgoing).where(Outgoing.code_id == sent.issued.id))


def attempts_to(destination: str) -> list[DeliveryAttempt]:
    return list(db.session.scalars(db.select(DeliveryAttempt).where(
        DeliveryAttempt.destination == destination).order_by(DeliveryAttempt.id)))
