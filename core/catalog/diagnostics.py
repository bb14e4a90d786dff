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
    # The provider's own records of the signature, the templates and the balance
    # (services.diagnostics.provider_records, the SMS tab, services.delivery.balance).
    CatalogEntry(
        "sign_reviewing",
        N_("The SMS signature is still under review at the provider"),
        N_("Wait for the provider's review to finish, or enter an approved signature under "
           "Global settings → SMS; no message goes out with it until it is approved."),
    ),
    CatalogEntry(
        "sign_refused",
        N_("The provider refused the SMS signature"),
        N_("Read the provider's reason, correct the signature or its documents in the "
           "provider's console and submit it again; meanwhile enter an approved signature "
           "under Global settings → SMS."),
    ),
    CatalogEntry(
        "template_reviewing",
        N_("The SMS template is still under review at the provider"),
        N_("Wait for the provider's review to finish, or enter the number of an approved "
           "template in this event's SMS template under Notification templates."),
    ),
    CatalogEntry(
        "template_refused",
        N_("The provider refused the SMS template"),
        N_("Read the provider's reason, edit the template in the provider's console and submit "
           "it again, or enter the number of an approved template under Notification "
           "templates."),
    ),
    CatalogEntry(
        "template_not_found",
        N_("The provider has no SMS template with this number"),
        N_("Copy the template number from the provider's console (Alibaba Cloud: SMS_…, "
           "Tencent Cloud: digits) into this event's SMS template under Notification templates, "
           "and check that the gateway's credentials belong to the same account."),
    ),
    CatalogEntry(
        "template_params_mismatch",
        N_("The approved template's variables do not match the parameters Herald sends"),
        N_("Make the parameter names of this event's SMS template under Notification templates "
           "the variables of the approved template: ${name} for Alibaba Cloud, {1}, {2}… in "
           "order for Tencent Cloud."),
    ),
    CatalogEntry(
        "balance_low",
        N_("The provider balance is below the alert threshold"),
        N_("Top up the provider account or buy an SMS package now, before sending stops with "
           "insufficient_balance; the threshold is under Global settings → SMS."),
    ),
)
