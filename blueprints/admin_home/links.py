"""Where each Overview figure leads: the log filtered to exactly the rows it counts."""

from __future__ import annotations

from flask import url_for


def notification_log(days: tuple[str, str], _anchor: str | None = None, **filters: str) -> str:
    """The notification log over ``days`` (first, last), code sends included: the
    Overview counts every attempt of a gateway, whatever it carried."""
    first, last = days
    chosen = {key: value for key, value in filters.items() if value}
    return url_for("admin_logs.notifications", include_codes="1", date_from=first,
                   date_to=last, _anchor=_anchor, **chosen)


def code_log(days: tuple[str, str], **filters: str) -> str:
    """The verification-code log over ``days`` (first, last)."""
    first, last = days
    return url_for("admin_logs.codes", date_from=first, date_to=last, **filters)
