"""Notification templates and event dispatch (``notify()``, the CLI, ``POST /api/events``)."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "unknown_event",
        N_("Unknown event"),
        N_("Use an event name listed under System → Notification templates (e.g. "
           "server_opened); verification-code scenes are sent by the code service, not as "
           "events."),
    ),
    CatalogEntry(
        "missing_variables",
        N_("Event variables are missing"),
        N_("Give every variable the event lists under Notification templates and retry; nothing "
           "was sent."),
    ),
    CatalogEntry(
        "unknown_variables",
        N_("The event does not have some of the variables given"),
        N_("Remove the variables the event does not list (check the spelling) and retry; "
           "nothing was sent."),
    ),
    CatalogEntry(
        "member_not_found",
        N_("Member not found"),
        N_("Check the member ID, phone (E.164, e.g. +8613800138000) or email address."),
    ),
    CatalogEntry(
        "member_disabled",
        N_("The member is disabled"),
        N_("Enable the member under Site → Members before notifying them."),
    ),
    CatalogEntry(
        "template_invalid",
        N_("The template is invalid and was not saved"),
        N_("Fix the template at the line given: use only the event's listed variables and "
           "simple filters, no attribute access, calls or arithmetic."),
    ),
    CatalogEntry(
        "no_destination",
        N_("Skipped: the member has no address on this channel"),
        N_("Not a fault: the member has no phone, email or WeChat bound. Ask them to bind one "
           "in the member centre if this channel matters."),
    ),
    CatalogEntry(
        "not_bound",
        N_("Skipped: the member has not bound WeChat"),
        N_("Not a fault: the member never bound WeChat, unbound it or unfollowed the official "
           "account. Ask them to press Bind WeChat on their account page and scan the QR code "
           "with WeChat."),
    ),
    CatalogEntry(
        "wechat_bind_expired",
        N_("The WeChat binding QR code has expired or was already used"),
        N_("Press Bind WeChat again on the account page and scan the new QR code within ten "
           "minutes."),
    ),
    CatalogEntry(
        "wechat_openid_taken",
        N_("This WeChat account is already bound to another member"),
        N_("Unbind it on the other account's page first, or scan with another WeChat account."),
    ),
)
