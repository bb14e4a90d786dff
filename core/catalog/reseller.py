"""The reseller API (``POST /api/sms/send``).

Written for the downstream admin who reads them, since the upstream gateway hands them on
unchanged."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "quota_exhausted",
        N_("The message quota is used up"),
        N_("Ask the upstream's admin to add quota to this member ID (Site → Reseller clients), "
           "then retry."),
    ),
    CatalogEntry(
        "template_not_allowed",
        N_("This template number is not allowed for this member ID"),
        N_("Use a template number this member ID may use, or ask the upstream's admin to allow "
           "this one."),
    ),
    CatalogEntry(
        "unknown_template",
        N_("The template number does not exist or is disabled"),
        N_("Check that the SMS template's template number is one the upstream publishes for "
           "resellers."),
    ),
    CatalogEntry(
        "template_params_invalid",
        N_("Template parameters are missing or malformed"),
        N_("Give every variable of the upstream template (text or numbers, at most 200 "
           "characters each, no control characters); check the SMS template's parameter "
           "mapping."),
    ),
    CatalogEntry(
        "idempotency_key_reused",
        N_("The idempotency key was already used for a different request"),
        N_("Use a new idempotency key for every new message; repeat a key only to retry the "
           "same request."),
    ),
    CatalogEntry(
        "request_in_progress",
        N_("A request with the same idempotency key is still being processed"),
        N_("Wait a few seconds and retry with the same idempotency key to get the first answer."),
    ),
)
