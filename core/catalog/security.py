"""Admin sign-in lockout and operation protection."""

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
        N_("Add a phone or email under Admins → My profile (or ask a super admin to), then try "
           "again. Sensitive actions cannot skip this check."),
    ),
)
