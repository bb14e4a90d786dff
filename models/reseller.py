"""Reseller clients of ``POST /api/sms/send``: their account, the published templates and
the idempotency record of every request that reached a gateway.

A reseller is an :class:`~models.api_client.ApiClient` of kind ``reseller`` (member ID, API
key hash, encrypted sign key) plus one :class:`ResellerAccount` row holding what only
resellers have: a message quota, the templates and countries they may use, usage counters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from extensions import db
from models.api_client import ApiClient
from models.base import UTCDateTime

DEFAULT_RATE_PER_MINUTE = 60


class ResellerAccount(db.Model):
    __tablename__ = "reseller_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    api_client_id: Mapped[int] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), unique=True)
    # Messages left. Only ever changed by one conditional UPDATE (services.reseller.quota),
    # so two concurrent sends can never both take the last message.
    quota: Mapped[int] = mapped_column(default=0)
    # Template numbers this client may use; empty means every enabled template.
    allowed_templates: Mapped[list[str]] = mapped_column(JSON, default=list)
    # ISO country codes; empty means the upstream's own Member setting.
    allowed_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate_per_minute: Mapped[int] = mapped_column(default=DEFAULT_RATE_PER_MINUTE)
    sent_count: Mapped[int] = mapped_column(default=0)
    failed_count: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    client: Mapped[ApiClient] = relationship(lazy="joined")


class ResellerTemplate(db.Model):
    """A numbered template the upstream publishes; downstream SMS templates name its number.

    ``content`` is sandboxed Jinja text (``您的验证码是{{ code }}``); ``variables`` lists the
    names it uses, derived at save, so a request's parameters are checked without parsing.
    ``provider_template_code`` is what the upstream's own template-only gateway needs
    (an Alibaba TemplateCode, a Tencent TemplateId, the next upstream's number).
    """

    __tablename__ = "reseller_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    variables: Mapped[list[str]] = mapped_column(JSON, default=list)
    provider_template_code: Mapped[str] = mapped_column(String(64), default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ResellerRequest(db.Model):
    """The first answer to an idempotency key; a repeat of the key gets it back unchanged.

    A row is written as ``pending`` before the gateway is called (the unique constraint
    makes that claim atomic) and completed with the answer afterwards.
    """

    __tablename__ = "reseller_requests"
    __table_args__ = (UniqueConstraint("api_client_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_client_id: Mapped[int] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))  # the same key with another body is refused
    status: Mapped[int | None] = mapped_column(nullable=True)  # None while pending
    answer: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
