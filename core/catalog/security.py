"""Admin sign-in lockout, operation protection and secrets stored encrypted."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "login_locked",
        N_("Too many failed sign-ins; try again later"),
        N_("Wait for the lockout to end; if the password is lost, ask a super admin to reset "
           "it. The threshold and duration are Basic settings."),
    ),
    CatalogEntry(
        "protection_no_destination",
        N_("Operation protection cannot send a code: this admin has no phone or email"),
        N_("Open Secure your account (offered after sign-in and on the confirmation page), "
           "enter a phone or email and the code sent to it; with the log gateway the code is in "
           "System → Outbox. A super admin can also add one under Site → Admins. Then try "
           "again: sensitive actions cannot skip this check."),
    ),
    CatalogEntry(
        "secret_unreadable",
        N_("A stored secret cannot be decrypted: the key that encrypted it was removed"),
        N_("Put the removed key back in HERALD_ENCRYPTION_KEYS (after the first key), restart, "
           "and run `flask --app app keys rotate` before removing it again. If that key is "
           "lost, replace the value: for an API client, Reset its keys and give the client the "
           "new ones. System → Diagnostics lists every unreadable value."),
    ),
)
