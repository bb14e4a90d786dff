"""Diagnostics, delivery reports, blocks and callbacks (System → Diagnostics, abuse view)."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "clock_skew",
        N_("The server clock is off from the provider's clock"),
        N_("Turn on NTP time sync (chrony or systemd-timesyncd) and correct the server clock; "
           "providers refuse signed requests more than 5 minutes off (token and auth failures)."),
    ),
    CatalogEntry(
        "check_timeout",
        N_("The check did not finish in time"),
        N_("Check the server's network and DNS, then run the diagnostics again."),
    ),
    CatalogEntry(
        "template_missing",
        N_("No template for this channel"),
        N_("Fill in and save this event's template for the channel under System → Notification "
           "templates."),
    ),
    CatalogEntry(
        "channel_off",
        N_("This channel is not ticked for the event"),
        N_("Tick the event's SMS (or other channel) box under System → Notification templates "
           "and save; nothing is sent on a channel that is not ticked."),
    ),
    CatalogEntry(
        "event_disabled",
        N_("The event is turned off"),
        N_("Turn the event on under System → Notification templates and save."),
    ),
    CatalogEntry(
        "undelivered",
        N_("Sent by the platform, but not delivered to the phone"),
        N_("Ask the customer to check the phone's signal; restart a phone that has not been "
           "turned off for long; swap the SIM cards of a dual-SIM phone; delete messages if the "
           "inbox is full; check for SMS-blocking apps; try another phone. The remark holds the "
           "carrier's reason."),
    ),
    CatalogEntry(
        "status_unsupported",
        N_("This gateway offers no delivery-status query"),
        N_("Alibaba Cloud and Tencent Cloud can be queried and Twilio reports through its "
           "status callback; for other gateways read the send log in the provider's console."),
    ),
    CatalogEntry(
        "callback_signature_invalid",
        N_("The callback signature is invalid; the request was refused"),
        N_("Make the site URL under Global settings → Basic match the callback URL configured "
           "at the provider exactly (scheme and port included) and check the Auth Token under "
           "Global settings → SMS."),
    ),
    CatalogEntry(
        "blocked",
        N_("This number or IP address is blocked from receiving codes"),
        N_("If it was blocked by mistake, remove the block under System → Abuse."),
    ),
)
