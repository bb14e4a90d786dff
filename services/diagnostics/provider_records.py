"""What Alibaba Cloud and Tencent Cloud hold about the signature and the templates Herald
sends with: approved, under review, refused (with the reviewer's reason) or unknown.

``usages()`` reads, in the request's thread, which template numbers the SMS templates of
the enabled events use; ``take()`` asks the provider (network only, any thread) and
``remember()`` keeps the answer in the shared cache, where the SMS tab shows it as the
last known state beside the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core import clock, settings
from core.last_known import LastKnown
from core.translation import supported
from gateways.base import Gateway
from gateways.records import Record
from gateways.result import SendResult
from gateways.status import StatusQueryFailed
from services.notify import events
from services.notify import matrix as event_settings
from services.templates import rendering

CHECKED = ("aliyun", "tencent")  # the providers whose records Herald can read


@dataclass(frozen=True)
class Usage:
    """One SMS template (event and language) that sends with a provider template number."""

    event: str
    locale: str
    template_code: str
    mapping: dict[str, Any]  # provider parameter -> Jinja text; empty: every variable
    variables: tuple[str, ...] = ()  # the event's variables, sent by name when no mapping


@dataclass
class Snapshot:
    gateway: str
    checked_at: datetime
    sign: Record | None = None  # None: the provider cannot be asked (Tencent without id)
    templates: list[Record] = field(default_factory=list)
    failure: SendResult | None = None  # the query itself failed: nothing above is known

    @property
    def problems(self) -> list[Record]:
        found = [self.sign] if self.sign is not None and not self.sign.usable else []
        return found + [t for t in self.templates if not t.usable]


def usages() -> list[Usage]:
    """The SMS templates of every enabled event with SMS on, in every language."""
    found = []
    for name, switches in event_settings.matrix().items():
        if not switches.on(events.SMS):
            continue
        event = events.get(name)
        for locale in supported():
            try:
                parts = rendering.template_parts(name, events.SMS, locale)
            except rendering.TemplateMissing:
                continue  # the templates family reports it
            code = str(parts.get("template_code") or "").strip()
            if code:
                found.append(Usage(name, locale, code, dict(parts.get("params") or {}),
                                   event.variable_names()))
    return found


def sign_id() -> str:
    return str(settings.get("sms.tencent.sign_id") or "")


def take(gateway: Gateway, codes: list[str], tencent_sign_id: str = "") -> Snapshot:
    """Ask the provider now. Network only: safe in a worker thread without a database."""
    snapshot = Snapshot(gateway.name, clock.now())
    try:
        if gateway.name == "aliyun":
            from gateways import aliyun_records

            snapshot.sign = aliyun_records.query_sign(gateway, str(gateway.config["sign_name"]))
            snapshot.templates = [aliyun_records.query_template(gateway, code)
                                  for code in codes]
        elif gateway.name == "tencent":
            from gateways import tencent_records

            if tencent_sign_id:
                snapshot.sign = tencent_records.describe_sign(gateway, tencent_sign_id)
            snapshot.templates = tencent_records.describe_templates(gateway, codes)
    except StatusQueryFailed as exc:
        snapshot.failure = exc.result
        snapshot.sign, snapshot.templates = None, []
    return snapshot


def codes_of(found: list[Usage]) -> list[str]:
    return list(dict.fromkeys(u.template_code for u in found))


_SNAPSHOTS = LastKnown("provider_records", Snapshot)


def remember(snapshot: Snapshot) -> None:
    _SNAPSHOTS.remember(snapshot.gateway, snapshot)


def last(gateway: str) -> Snapshot | None:
    return _SNAPSHOTS.last(gateway)
