"""The one small interface every provider module implements.

A gateway turns a :class:`Message` into a :class:`SendResult`. It never raises to its caller:
whatever goes wrong becomes a failed result with a catalog code (``core.catalog``), the
provider's raw code and raw text, and whether another gateway could still help.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from gateways.errors import result_from_exception
from gateways.result import SendResult

# SendResult belongs to this interface; it is defined in gateways.result so that
# gateways.errors can build one without importing this module.
__all__ = ["CHANNELS", "REGISTRY", "Gateway", "GatewayField", "Message", "SendResult",
           "gateway_class", "register"]

CHANNELS = ("sms", "email", "wechat", "insite")


@dataclass(frozen=True)
class GatewayField:
    """One setting a gateway needs, e.g. Alibaba's AccessKeyId.

    The settings registry turns every field into the setting ``<channel>.<gateway>.<name>``,
    so adding a gateway module is all it takes to get its settings form.
    """

    name: str
    label: Any  # a lazy_gettext string
    secret: bool = False
    required: bool = True
    default: Any = ""
    kind: str = "str"  # str | int | float | bool | choice | url | text
    choices: tuple[tuple[str, Any], ...] = ()
    description: Any = ""


@dataclass(frozen=True)
class Message:
    """What to send. Each gateway reads the parts it understands.

    ``content`` is the rendered text (SMS body, email text body, in-site body);
    ``template_code`` and ``params`` serve template-only providers (Alibaba TemplateCode,
    Tencent TemplateId, an upstream Herald's template number, a WeChat template id).
    """

    to: str
    content: str = ""
    subject: str = ""
    html: str = ""
    template_code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    purpose: str = ""  # the verification scene or business event
    link: str = ""  # WeChat template message URL


class Gateway(ABC):
    """Base class: subclasses declare ``name``, ``channel``, ``fields`` and ``_send``."""

    name: ClassVar[str]
    channel: ClassVar[str]
    label: ClassVar[Any]
    fields: ClassVar[tuple[GatewayField, ...]] = ()
    # Public endpoint; an ``endpoint`` setting overrides it (regional endpoints, test fakes).
    default_endpoint: ClassVar[str] = ""

    def __init__(self, config: Mapping[str, Any], options: Mapping[str, Any] | None = None):
        self.config = dict(config)
        self.options = dict(options or {})

    def missing_fields(self) -> list[str]:
        """Names of required fields with no value: the ``not_configured`` case."""
        return [f.name for f in self.fields if f.required and not self.config.get(f.name)]

    def send(self, message: Message) -> SendResult:
        started = time.perf_counter()
        missing = self.missing_fields()
        if missing:
            result = SendResult.failed(self.name, "not_configured",
                                       raw_message="missing: " + ", ".join(missing))
        else:
            result = self._safe_send(message)
        result.raw_message = self.redact(result.raw_message)
        result.duration_ms = (time.perf_counter() - started) * 1000
        return result

    def redact(self, text: str) -> str:
        """Blank every secret value out of ``text``.

        requests puts the whole URL into its error messages, and some providers take a
        password in the query string, so a raw message could otherwise leak it into logs.
        """
        for spec in self.fields:
            value = str(self.config.get(spec.name) or "")
            if spec.secret and len(value) >= 4:
                text = text.replace(value, "******")
        return text

    def _safe_send(self, message: Message) -> SendResult:
        try:
            return self._send(message)
        except Exception as exc:  # a gateway must never raise to its caller
            return result_from_exception(self.name, exc)

    @abstractmethod
    def _send(self, message: Message) -> SendResult:
        """Talk to the provider. May raise; ``send`` turns exceptions into results."""


REGISTRY: dict[str, dict[str, type[Gateway]]] = {channel: {} for channel in CHANNELS}


def register(cls: type[Gateway]) -> type[Gateway]:
    """Class decorator: make a gateway selectable by its name on its channel."""
    REGISTRY[cls.channel][cls.name] = cls
    return cls


def gateway_class(channel: str, name: str) -> type[Gateway]:
    try:
        return REGISTRY[channel][name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY.get(channel, {}))) or "none"
        raise LookupError(f"unknown {channel} gateway {name!r} (known: {known})") from None
