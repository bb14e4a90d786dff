"""The SMS tab's block beside the active gateway: what the provider holds about our
signature, templates and balance (the last known answer, and a "Check now" button), and the
check a save runs first.

At save, only what the provider answered for certain blocks it: a signature it refused or
does not have cannot send a single message, and it is a field of this tab. A signature under
review, a template problem (templates are edited elsewhere) or a provider that cannot be
reached only warns: the save must never wait on the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from core import catalog, settings
from core.i18n import site_zone_label
from gateways.balance import SUPPORTED
from gateways.base import REGISTRY
from gateways.records import MISSING, REFUSED, Record
from services.delivery import balance as balances
from services.delivery import messaging
from services.diagnostics import provider_records

SIGN_CODES = {REFUSED: "sign_refused", MISSING: "sign_not_found"}
TEMPLATE_CODES = {REFUSED: "template_refused", MISSING: "template_not_found"}


@dataclass(frozen=True)
class ProviderStatus:
    gateway: str
    records: provider_records.Snapshot | None
    reading: balances.Reading | None
    reads_records: bool
    reads_balance: bool
    threshold: float = 0.0
    zone: str = ""  # the site's time zone, named beside the time of the last check

    @property
    def checkable(self) -> bool:
        return self.reads_records or self.reads_balance

    @property
    def balance_text(self) -> str:
        reading = self.reading
        return balances.shown(reading.balance) if reading and reading.balance else ""

    @property
    def low(self) -> bool:
        return self.reading is not None and self.reading.low(self.threshold)

    @property
    def checked_at(self):
        moments = [x.checked_at for x in (self.records, self.reading) if x is not None]
        return max(moments) if moments else None


def current() -> ProviderStatus:
    """The last known answers about the active SMS gateway (no network)."""
    name = settings.get("sms.gateway")
    records = name in provider_records.CHECKED
    return ProviderStatus(name, provider_records.last(name) if records else None,
                          balances.last(name) if name in SUPPORTED else None,
                          records, name in SUPPORTED,
                          float(settings.get("sms.balance_low_threshold")), site_zone_label())


def check_now() -> ProviderStatus:
    """Ask the provider about the active gateway now and keep the answers."""
    name = settings.get("sms.gateway")
    if name in provider_records.CHECKED or name in SUPPORTED:
        gateway = messaging.build_gateway("sms", name, test=True)
        if not gateway.missing_fields():
            if name in provider_records.CHECKED:
                provider_records.remember(provider_records.take(
                    gateway, provider_records.codes_of(provider_records.usages()),
                    provider_records.sign_id()))
            if name in SUPPORTED:
                balances.remember(balances.read(gateway))
    return current()


def before_save(clean: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """(errors by setting, warnings) for a submitted SMS tab: the provider's word on the
    signature and templates the new settings would send with."""
    name = str(clean.get("sms.gateway", settings.get("sms.gateway")))
    if name not in provider_records.CHECKED or not _touches(clean, name):
        return {}, []
    cls = REGISTRY["sms"][name]
    config = {spec.name: clean.get(f"sms.{name}.{spec.name}",
                                   settings.get(f"sms.{name}.{spec.name}"))
              for spec in cls.fields}
    gateway = cls(config, messaging.options("sms", test=True))
    if gateway.missing_fields():
        return {}, []  # not_configured is the tab's own refusal
    sign_id = str(clean.get("sms.tencent.sign_id", provider_records.sign_id()) or "")
    snapshot = provider_records.take(gateway, provider_records.codes_of(
        provider_records.usages()), sign_id if name == "tencent" else "")
    provider_records.remember(snapshot)
    if snapshot.failure is not None:
        failure = snapshot.failure
        return {}, [_("%(gateway)s could not be asked about the signature and templates "
                      "([%(code)s] %(message)s); the settings were saved unchecked.",
                      gateway=name, code=failure.error, message=catalog.message(failure.error))]
    return _sign_errors(snapshot.sign, name), _warnings(snapshot)


def _touches(clean: dict[str, Any], name: str) -> bool:
    """Whether the submission changes the gateway or any of its settings."""
    keys = [k for k in clean if k == "sms.gateway" or k.startswith(f"sms.{name}.")]
    return any(settings.lookup(k).secret or clean[k] != settings.get(k) for k in keys)


def _sign_errors(sign: Record | None, name: str) -> dict[str, str]:
    if sign is None or sign.status not in SIGN_CODES:
        return {}
    code = SIGN_CODES[sign.status]
    text = f"[{code}] {catalog.message(code)}"
    if sign.reason:
        text += " " + _("The provider's reason: %(reason)s", reason=sign.reason)
    return {f"sms.{name}.sign_name": text}


def _warnings(snapshot: provider_records.Snapshot) -> list[str]:
    found = []
    for record in snapshot.problems:
        if record.kind == "sign" and record.status in SIGN_CODES:
            continue  # refused above
        code = {"sign": "sign_reviewing"}.get(record.kind) or \
            TEMPLATE_CODES.get(record.status, "template_reviewing")
        found.append(f"{record.key}: [{code}] {catalog.message(code)}"
                     + (" " + _("The provider's reason: %(reason)s", reason=record.reason)
                        if record.reason else ""))
    return found
