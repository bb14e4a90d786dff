"""What an admin operation is called on a page, and how its recorded changes read.

The operation log and the operation-protection page name an action by its key
(``settings.member``, ``codes.reveal``); a page shows the label in the reader's language, with
the key beside it as a small code (SPEC 4 style), never the key alone.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from core.settings import lookup

ACTION_LABELS: dict[str, Any] = {
    "settings.basic": _l("Save settings: Basic"),
    "settings.sms": _l("Save settings: SMS"),
    "settings.email": _l("Save settings: Email"),
    "settings.wechat": _l("Save settings: WeChat"),
    "settings.member": _l("Save settings: Member"),
    "settings.api": _l("Save settings: API"),
    "settings.export": _l("Export settings"),
    "settings.export_secrets": _l("Export settings with secrets"),
    "templates.matrix": _l("Save the notification matrix"),
    "templates.save": _l("Save a notification template"),
    "templates.restore": _l("Restore a default template"),
    "codes.reveal": _l("Show a verification code"),
    "alert.resolve": _l("Mark a site alert as handled"),
    "abuse.block": _l("Block"),
    "abuse.unblock": _l("Unblock"),
    "cache.clear": _l("Clear the cache"),
    "keys.rotate": _l("Rotate the encryption keys"),
    "logs.export": _l("Export a log"),
    "member.disable": _l("Disable a member"),
    "member.enable": _l("Enable a member"),
    "messages.broadcast": _l("Send a broadcast"),
    "protection.confirm": _l("Confirm a protected operation"),
    "admin.create": _l("Create an admin"),
    "admins.create": _l("Create an admin"),
    "admins.update": _l("Edit an admin"),
    "admins.profile": _l("Edit my profile"),
    "admins.password": _l("Change my password"),
    "admins.password_reset": _l("Reset an admin's password"),
    "admins.secure": _l("Secure an admin account"),
    "admin.secure": _l("Secure an admin account"),
    "admin.password": _l("Change my password"),
    "admin.password_reset": _l("Reset an admin's password"),
    "admin.update": _l("Edit an admin"),
    "admin.profile": _l("Edit my profile"),
    "event_client.create": _l("Create an event API client"),
    "event_client.enable": _l("Enable an event API client"),
    "event_client.disable": _l("Disable an event API client"),
    "event_client.delete": _l("Delete an event API client"),
    "event_clients.create": _l("Create an event API client"),
    "event_clients.toggle": _l("Enable or disable an event API client"),
    "event_clients.delete": _l("Delete an event API client"),
    "reseller.create": _l("Create a reseller client"),
    "reseller.update": _l("Edit a reseller client"),
    "reseller.quota": _l("Change a reseller's quota"),
    "reseller.enable": _l("Enable a reseller client"),
    "reseller.disable": _l("Disable a reseller client"),
    "reseller.reset_keys": _l("Replace a reseller's keys"),
    "reseller.delete": _l("Delete a reseller client"),
    "resellers.create": _l("Create a reseller client"),
    "resellers.update": _l("Edit a reseller client"),
    "resellers.quota": _l("Change a reseller's quota"),
    "resellers.active": _l("Enable or disable a reseller client"),
    "resellers.reset_keys": _l("Replace a reseller's keys"),
    "resellers.delete": _l("Delete a reseller client"),
    "reseller_template.create": _l("Create a reseller template"),
    "reseller_template.update": _l("Edit a reseller template"),
    "reseller_template.delete": _l("Delete a reseller template"),
    "reseller_templates.create": _l("Create a reseller template"),
    "reseller_templates.update": _l("Edit a reseller template"),
    "reseller_templates.delete": _l("Delete a reseller template"),
}

# Targets written as English words rather than an id (old rows keep them too).
TARGET_LABELS: dict[str, Any] = {
    "notification matrix": _l("Notification matrix"),
    "every encrypted column": _l("Every encrypted column"),
    "web": _l("Web page"),
    "cli": _l("Command line"),
}

# Fields other than settings that operations record (reseller clients, admins, templates).
FIELD_LABELS: dict[str, Any] = {
    "name": _l("Name"), "quota": _l("Quota"), "allowed_templates": _l("Allowed templates"),
    "allowed_countries": _l("Allowed countries"), "rate_per_minute": _l("Requests per minute"),
    "api_key": _l("API key"), "sign_key": _l("Sign key"), "role": _l("Role"),
    "email": _l("Email"), "phone": _l("Phone"), "password": _l("Password"),
    "username": _l("Username"), "number": _l("Template number"), "content": _l("Content"),
    "variables": _l("Variables"), "enabled": _l("Enabled"), "status": _l("Status"),
    "language": _l("Language"), "with_secrets": _l("Export settings with secrets"),
    "prefix": _l("Number prefix"), "ip": _l("IP address or network"),  # a block's value
}


def action_label(action: str) -> str:
    """The action's name in the current language; an unknown key reads "Other operation"."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else gettext("Other operation")


# A block's target is "<kind>:<value>" (services.codes.blocks).
BLOCK_KINDS: dict[str, Any] = {"phone": _l("Phone number"), "prefix": _l("Number prefix"),
                               "ip": _l("IP address or network")}


def target_text(target: str) -> str:
    label = TARGET_LABELS.get(target)
    if label is not None:
        return str(label)
    kind, _sep, value = target.partition(":")
    if kind in BLOCK_KINDS and value:
        return f"{BLOCK_KINDS[kind]} {value}"
    return target


def change_name(name: str) -> str:
    """A changed field as the page calls it: a setting's or a known field's label, else the
    field's own name."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    try:
        return str(lookup(name).label)
    except KeyError:
        return name


def change_value(name: str, value: Any) -> str:
    """A recorded value as an admin reads it: "—" for none, yes / no, a choice's label."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    try:
        choices = lookup(name).choices
    except KeyError:
        return str(value)
    labels = dict(choices() if callable(choices) else choices)
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value) or "—"
    return str(labels.get(value, value))
