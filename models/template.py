"""Admin-edited message templates and the per-event channel switches (the seed 000 matrix).

A :class:`MessageTemplate` row exists only once an admin saved one; until then (and after
"restore default", which deletes the row) ``services.templates.defaults`` supplies the text.
An :class:`EventSetting` row likewise exists only once the matrix was saved; the event
catalog (``services.notify.events``) holds the defaults.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime


class MessageTemplate(db.Model):
    """One channel's template of one event or scene in one language.

    Which parts a channel uses:
      sms     ``text`` (content), ``template_code`` (provider template number),
              ``params`` (provider parameter -> Jinja text, for Alibaba / Tencent / upstream)
      email   ``subject``, ``html``, ``text``
      insite  ``subject`` (title), ``text`` (body)
      wechat  ``template_code`` (template id), ``params`` (template field -> Jinja text)
    """

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("purpose", "channel", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    template_code: Mapped[str] = mapped_column(String(64), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    updated_by: Mapped[str] = mapped_column(String(64), default="")

    def parts(self) -> dict[str, Any]:
        return {"subject": self.subject, "text": self.text, "html": self.html,
                "template_code": self.template_code, "params": dict(self.params or {})}


class EventSetting(db.Model):
    """Whether an event is sent at all, and on which channels (one matrix row)."""

    __tablename__ = "event_settings"

    purpose: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    sms: Mapped[bool] = mapped_column(default=False)
    email: Mapped[bool] = mapped_column(default=False)
    insite: Mapped[bool] = mapped_column(default=False)
    wechat: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
