"""How the checks name channels, gateways and languages on the page: translated names, never
the stored ids ("sms", "aliyun", "zh_CN"), which stay in ``target`` and ``detail`` as data.

Names are lazy: a check may be built before the reader's language is known (a worker
thread), and the page turns them into words when it renders.
"""

from __future__ import annotations

from typing import Any

from flask_babel.speaklater import LazyString

from core.languages import name_of
from core.remarks import CHANNEL_NAMES
from gateways.base import gateway_class


def channel_name(channel: str) -> Any:
    """The channel's translated name, or the id of an unknown channel."""
    return CHANNEL_NAMES.get(channel, channel)


def gateway_name(channel: str, name: str) -> Any:
    """The gateway's label as its settings page shows it, or the id of an unknown one."""
    try:
        return gateway_class(channel, name).label
    except LookupError:
        return name


def gateway_names(channel: str, names: list[str]) -> Any:
    return LazyString(lambda: ", ".join(str(gateway_name(channel, n)) for n in names))


def language_names(codes: list[str]) -> Any:
    """Languages named in themselves ("简体中文, English"), not by their codes."""
    return LazyString(lambda: ", ".join(name_of(code) or code for code in codes))
