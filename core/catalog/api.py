"""The signed machine APIs (``POST /api/events``, ``POST /api/sms/send``): signature,
switches and caller addresses."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "request_expired",
        N_("The request expired (its timestamp is too far from the server clock)"),
        N_("Sync the caller's clock (enable NTP) and sign again with the current timestamp; the "
           "allowed difference (300 s by default) is set under System → Global settings → API "
           "on the receiving Herald, and the detail gives the actual one."),
    ),
    CatalogEntry(
        "nonce_replayed",
        N_("The request was replayed (its nonce was already used)"),
        N_("Use a fresh random nonce for every request, retries included, and sign again."),
    ),
    CatalogEntry(
        "client_disabled",
        N_("The API client is disabled"),
        N_("Ask the upstream's admin to enable this API client."),
    ),
    CatalogEntry(
        "api_disabled",
        N_("This API is switched off"),
        N_("Ask the receiving Herald's admin to turn this API on under System → Global settings "
           "→ API and save, then retry; nothing was sent. A downstream Herald sends its SMS "
           "through its fallback gateway, if it has one."),
    ),
    CatalogEntry(
        "query_not_allowed",
        N_("The signed APIs take no query string"),
        N_("Send everything in the signed JSON body and the X-Herald headers; never put keys in "
           "the URL, and remove the query string. Nothing was done."),
    ),
    CatalogEntry(
        "ip_not_allowed",
        N_("The caller's IP address is not allowed"),
        N_("Ask the receiving Herald's admin to add the calling server's outgoing address (the "
           "detail shows the address it saw) to Allowed caller addresses under System → Global "
           "settings → API; behind a reverse proxy it must also set HERALD_PROXY_COUNT."),
    ),
)
