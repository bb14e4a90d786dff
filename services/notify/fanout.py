"""One event to many members: ``notify_many``, the bulk path of ``services.notify.dispatch``.

Same rules as ``notify`` (matrix, language, skips, SMS in-site copies, variables refused
before anything is sent), with the per-message costs taken out: the variables are checked
and the templates looked up once, and the database work is committed once per batch.
When a channel's gateways all stay on this box (the ``log`` sink), it is sent here and its
records join the batch; a channel that calls a provider is queued for the delivery worker
instead (``services.delivery.outgoing``), so no network call holds the batch up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from extensions import db
from gateways.base import Message
from models import DeliveryAttempt, InsiteMessage, Member
from models.delivery import STATUS_FAILED, STATUS_SENT, STATUS_SKIPPED
from models.message import ORIGIN_INSITE, ORIGIN_SMS
from models.queue import KIND_EVENT
from services.delivery import messaging, outgoing
from services.notify import dispatch as notify
from services.notify import events
from services.notify import matrix as event_settings
from services.notify.events import INSITE, SMS
from services.templates import rendering

BATCH_SIZE = 500


class Recipient(NamedTuple):
    """What fan-out needs of a member, read once: ORM rows expire at every batch commit."""

    id: int
    phone: str
    email: str
    wechat_openid: str
    language: str
    active: bool

    @classmethod
    def of(cls, member: Member) -> Recipient:
        return cls(member.id, member.phone or "", member.email or "",
                   member.wechat_openid or "", member.language or "", member.active)

    def destination(self, channel: str) -> str:
        if channel == INSITE:
            return f"member:{self.id}"
        return {"sms": self.phone, "email": self.email, "wechat": self.wechat_openid}[channel]


@dataclass
class FanoutSummary:
    members: int = 0
    disabled: int = 0  # members left out because they are disabled
    counts: Counter = field(default_factory=Counter)  # (channel, status) -> messages

    @property
    def sent(self) -> int:
        return sum(n for (_channel, status), n in self.counts.items() if status == STATUS_SENT)


def notify_many(event: str, members: Iterable[Member], batch_size: int = BATCH_SIZE,
                **variables: Any) -> FanoutSummary:
    """Send ``event`` to every member in ``members``; raises NotifyError before sending."""
    spec = notify.business_event(event)
    shared = notify.prepare_variables(spec, variables, member=None)
    switches = event_settings.get(spec.name)
    summary = FanoutSummary()
    if not switches.enabled:
        return summary
    batch = Fanout(spec, shared, summary)
    for recipient in [Recipient.of(member) for member in members]:
        batch.add(recipient)
        if batch.size >= batch_size:
            outgoing.hand_over(batch.commit())
    outgoing.hand_over(batch.commit())
    return summary


class Fanout:
    """Members handled since the last commit, and the rows waiting for it."""

    def __init__(self, spec: events.Event, shared: Mapping[str, str], summary: FanoutSummary,
                 job_id: str | None = None) -> None:
        self.spec, self.shared, self.summary, self.job_id = spec, shared, summary, job_id
        switches = event_settings.get(spec.name)
        self.channels = tuple(c for c in spec.channels if c in switches.channels)
        self.local = {c: all(n == messaging.LOG_GATEWAY for n in messaging.chain(c))
                      for c in self.channels if c != INSITE}
        self.parts: dict[tuple[str, str], dict] = {}
        self.titles: dict[str, str] = {}
        self.inbox: list[InsiteMessage] = []  # in-site notices, logged once they have ids
        self.records: list[tuple[str, Message, list]] = []  # local sends, recorded at commit
        self.queued: list[int] = []  # messages for the worker, handed over after the commit
        self.size = 0

    def add(self, member: Recipient) -> None:
        self.summary.members += 1
        if not member.active:
            self.summary.disabled += 1
            return
        self.size += 1
        locale = notify.member_locale(member)
        values = {**self.shared, "member_name": self.shared.get("member_name")
                  or notify.display_name(member)}
        for channel in self.channels:
            rendered = rendering.render_parts(self._parts(channel, locale), values)
            self._deliver(channel, member, rendered, locale)

    def _parts(self, channel: str, locale: str) -> dict:
        key = (channel, locale)
        if key not in self.parts:
            try:
                self.parts[key] = rendering.template_parts(self.spec.name, channel, locale)
            except rendering.TemplateMissing as exc:
                raise notify.NotifyError("template_invalid", str(exc)) from exc
        return self.parts[key]

    def _title(self, locale: str) -> str:
        if locale not in self.titles:
            self.titles[locale] = notify.event_title(self.spec, locale)
        return self.titles[locale]

    def _deliver(self, channel: str, member: Recipient, rendered: rendering.Rendered,
                 locale: str) -> None:
        to = member.destination(channel)
        if not to:
            code, reason = notify.skip_reason(channel)
            db.session.add(DeliveryAttempt(
                channel=channel, gateway="-", destination=f"member:{member.id}",
                purpose=self.spec.name, status=STATUS_SKIPPED, error=code, raw_message=reason))
            self.summary.counts[(channel, STATUS_SKIPPED)] += 1
            return
        if channel == INSITE:
            self.inbox.append(InsiteMessage(
                member_id=member.id, title=rendered.subject[:255], body=rendered.text,
                origin_channel=ORIGIN_INSITE, origin_event=self.spec.name))
            self.summary.counts[(INSITE, STATUS_SENT)] += 1
            return
        message = Message(to=to, content=rendered.text, subject=rendered.subject,
                          html=rendered.html, template_code=rendered.template_code,
                          params=rendered.params, purpose=self.spec.name)
        if not self.local[channel]:  # a provider's network call: the worker makes it
            copy = {"member_id": member.id, "title": self._title(locale),
                    "in_inbox": INSITE not in self.channels} if channel == SMS else None
            self.queued.append(outgoing.add(
                channel, message, kind=KIND_EVENT, job_id=self.job_id, member_id=member.id,
                extra={"copy": copy} if copy else None))
            self.summary.counts[(channel, notify.STATUS_QUEUED)] += 1
            return
        delivery = messaging.deliver(channel, message)
        self.records.append((channel, message, delivery.attempts))
        result = delivery.result
        self.summary.counts[(channel, STATUS_SENT if result.ok else STATUS_FAILED)] += 1
        if channel == SMS and result.ok:
            self.inbox.append(InsiteMessage(
                member_id=member.id, title=self._title(locale), body=rendered.text,
                origin_channel=ORIGIN_SMS, origin_event=self.spec.name,
                in_inbox=INSITE not in self.channels))

    def commit(self) -> list[int]:
        """Commit the batch; the queued messages' ids, for ``outgoing.hand_over``."""
        messaging.record_many(self.records, commit=False)
        if self.inbox:
            db.session.add_all(self.inbox)
            db.session.flush()  # one multi-row INSERT; the ids name the log rows below
            db.session.add_all([DeliveryAttempt(
                channel=INSITE, gateway=notify.INSITE_GATEWAY, destination=f"member:{m.member_id}",
                purpose=self.spec.name, status=STATUS_SENT, message_id=str(m.id),
                raw_message="stored in the inbox")
                for m in self.inbox if m.origin_channel == ORIGIN_INSITE])
        db.session.commit()
        queued = self.queued
        self.inbox, self.records, self.queued, self.size = [], [], [], 0
        return queued
