"""The admin navigation of SPEC section 2. An entry shows once its page exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l

from core.help_text import code_spans
from core.i18n import site_zone_id, site_zone_label


@dataclass(frozen=True)
class NavItem:
    label: Any
    endpoint: str
    icon: str = ""
    # A group's pages (System → Logs → its four logs, as in the seed's 日志管理), listed
    # under the group's own link, which opens the group's landing page.
    children: tuple[NavItem, ...] = ()

    def active(self) -> bool:
        if self.children:
            return request.endpoint == self.endpoint
        blueprint = self.endpoint.split(".")[0]
        return request.endpoint is not None and (
            request.endpoint == self.endpoint
            or (request.blueprint == blueprint and self.endpoint.endswith(".index"))
        )

LOGS = NavItem(_l("Logs"), "admin_logs.index", "journal-text", (
    NavItem(_l("Verification-code log"), "admin_logs.codes", "shield-lock"),
    NavItem(_l("Notification log"), "admin_logs.notifications", "send"),
    NavItem(_l("Admin operation log"), "admin_logs.audit", "person-gear"),
    NavItem(_l("Login log"), "admin_logs.logins", "box-arrow-in-right"),
))


NAVIGATION: tuple[tuple[Any, tuple[NavItem, ...]], ...] = (
    (_l("System"), (
        NavItem(_l("Overview"), "admin_home.index", "speedometer2"),
        NavItem(_l("Global settings"), "admin_settings.index", "gear"),
        NavItem(_l("Notification templates"), "admin_templates.index", "envelope-paper"),
        LOGS,
        NavItem(_l("Outbox"), "admin_outbox.index", "inbox"),
        NavItem(_l("Functions"), "admin_functions.index", "tools"),
        NavItem(_l("Diagnostics"), "admin_diagnostics.index", "activity"),
        NavItem(_l("Abuse"), "admin_abuse.index", "shield-exclamation"),
    )),
    (_l("Site"), (
        NavItem(_l("In-site messages"), "admin_messages.index", "chat-left-text"),
        NavItem(_l("Members"), "admin_members.index", "people"),
        NavItem(_l("Reseller clients"), "admin_resellers.index", "diagram-3"),
        NavItem(_l("Event API clients"), "admin_api_clients.index", "key"),
        NavItem(_l("Admins"), "admin_admins.index", "person-badge"),
    )),
)


def visible_navigation() -> list[tuple[Any, list[NavItem]]]:
    views = current_app.view_functions
    sections = []
    for title, items in NAVIGATION:
        present = [item for item in items if item.endpoint in views]
        if present:
            sections.append((title, present))
    return sections


def init_app(app: Flask) -> None:
    app.jinja_env.globals["admin_navigation"] = visible_navigation
    # The admin pages name the site's time zone beside times a reader could doubt.
    app.jinja_env.globals["site_zone"] = site_zone_label
    app.jinja_env.globals["site_zone_id"] = site_zone_id
    # Help text sets commands, variables and raw values as code (core/help_text.py).
    app.jinja_env.filters["code_spans"] = code_spans
