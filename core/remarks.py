"""Herald's own remarks in the delivery logs, shown in the reader's language.

A delivery row keeps the provider's raw answer in ``raw_message``; where Herald itself
decided (the log gateway, the inbox, a skipped recipient, a missing setting) it wrote a short
English remark there instead. Rows hold that English text for good (old rows too, and the
CSV export and the CLI read it), so it is recognised here and translated when a page shows
it. Anything not recognised is a provider's answer or an exception's text: the page shows it
as it came, marked as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime, gettext
from flask_babel import lazy_gettext as _l

from core.translation import N_

__all__ = ["Remark", "herald_remark"]


@dataclass(frozen=True)
class Remark:
    text: str  # translated
    detail: str = ""  # data to show as it is (field names, an exception's text)


_FIXED = {
    "logged only; not sent to a phone": N_("Logged only: not sent to a phone."),
    "logged only, not sent to a mailbox": N_("Logged only: not sent to a mailbox."),
    "stored in the inbox": N_("Stored in the member's inbox."),
    "the member has no destination on this channel":
        N_("The member has no address on this channel."),
    "the member has no active WeChat binding (never bound, unbound or unfollowed the "
    "official account)": N_("The member has no active WeChat binding (never bound, unbound "
                            "or no longer following the official account)."),
    "the SMS template has no TemplateCode": N_("The SMS template has no TemplateCode."),
    "the SMS template has no TemplateId": N_("The SMS template has no TemplateId."),
    "the SMS template has no template number":
        N_("The SMS template has no upstream template number."),
    "from_address is not a valid email address":
        N_("The sender address is not a valid email address."),
    "no gateway is configured": N_("No gateway is configured."),
    "no WeChat template id for this event": N_("No WeChat template ID is set for this event."),
}

CHANNEL_NAMES = {"sms": _l("SMS"), "email": _l("Email"), "insite": _l("In-site"),
                 "wechat": _l("WeChat")}


def _about_channel(msgid: str) -> Callable[[re.Match], Remark]:
    def build(match: re.Match) -> Remark:
        name = match.group(1)
        return Remark(gettext(msgid, channel=str(CHANNEL_NAMES.get(name, name))))
    return build


def _with_detail(msgid: str) -> Callable[[re.Match], Remark]:
    return lambda match: Remark(gettext(msgid), match.group(1))


def _breaker(match: re.Match) -> Remark:
    try:
        until = format_datetime(datetime.fromisoformat(match.group(2)), "yyyy-MM-dd HH:mm:ss")
    except ValueError:
        until = match.group(2)
    return Remark(gettext("Skipped: this gateway failed %(n)s times in a row; next try after "
                          "%(time)s.", n=match.group(1), time=until))


_PATTERNS: tuple[tuple[re.Pattern, Callable[[re.Match], Remark]], ...] = (
    (re.compile(r"the recipient has no (\w+) destination"),
     _about_channel(N_("The recipient has no %(channel)s address."))),
    (re.compile(r"no (\w+) gateway is active"),
     _about_channel(N_("No %(channel)s gateway is active."))),
    (re.compile(r"missing: (.+)"), _with_detail(N_("Required settings are missing:"))),
    (re.compile(r"accepted by (.+)"), _with_detail(N_("Accepted by the mail server:"))),
    (re.compile(r"no answer while connecting: (.*)"),
     _with_detail(N_("No answer while connecting to the mail server:"))),
    (re.compile(r"connection lost while sending: (.*)"),
     _with_detail(N_("The connection was lost while sending:"))),
    (re.compile(r"unknown security (.*)"), _with_detail(N_("Unknown connection security:"))),
    (re.compile(r"not an OpenID: (.*)"), _with_detail(N_("Not a WeChat OpenID:"))),
    (re.compile(r"skipped: circuit breaker open after (\d+) consecutive failures; next try "
                r"after (\S+)"), _breaker),
)


def herald_remark(raw_message: str | None) -> Remark | None:
    """The remark in the current language when Herald wrote ``raw_message``, else None."""
    if not raw_message:
        return None
    if raw_message in _FIXED:
        return Remark(gettext(_FIXED[raw_message]))
    for pattern, build in _PATTERNS:
        match = pattern.fullmatch(raw_message)
        if match:
            return build(match)
    return None
