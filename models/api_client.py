"""Machine clients of the signed APIs: the business system (events) and resellers (SMS)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime
from models.replay import ReplayKey

KIND_EVENTS = "events"  # POST /api/events
KIND_RESELLER = "reseller"  # POST /api/sms/send
NONCES = "api_nonce"  # the replay store's namespace of used nonces (``core.api_auth``)


class ApiClient(db.Model):
    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)  # the "member ID"
    name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(16), index=True)
    # API keys are long random strings, so a plain SHA-256 is enough to store them;
    # the key itself is shown once, at creation.
    api_key_hash: Mapped[str] = mapped_column(String(64))
    # Fernet token of the HMAC key
    sign_key: Mapped[str] = mapped_column(String(500), info={"encrypted": True})
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)



def nonce_key(client_pk: int, nonce: str) -> str:
    """A used nonce's key in the replay store: nonces are unique per client, not site-wide."""
    return f"{client_pk}:{nonce}"


@event.listens_for(ApiClient, "after_delete")
def _forget_nonces(_mapper, connection, client: ApiClient) -> None:
    # The nonces went with their client by a foreign key's ON DELETE CASCADE while they had a
    # table of their own; in the shared replay store this listener does the same, whichever
    # service deletes the client, in the same transaction.
    keys = ReplayKey.__table__
    connection.execute(keys.delete().where(
        keys.c.namespace == NONCES,
        keys.c.key.startswith(nonce_key(client.id, ""), autoescape=True)))
