"""Verification codes and the member pages (SPEC section 5)."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "code_interval",
        N_("A code was sent moments ago; wait before asking for another"),
        N_("Wait for the countdown to end; the interval is a Member setting."),
    ),
    CatalogEntry(
        "code_invalid",
        N_("The code is wrong or no longer valid"),
        N_("Ask for a new code and enter it while it is valid; a code dies after too many wrong "
           "tries."),
    ),
    CatalogEntry(
        "captcha_required",
        N_("Complete the human check first"),
        N_("Tick the human check and wait until it is verified, then retry; the captcha mode is "
           "a Member setting."),
    ),
    CatalogEntry(
        "member_login_failed",
        N_("Wrong phone / email or password"),
        N_("Check the account and password, or sign in with an SMS code or reset the password."),
    ),
    CatalogEntry(
        "phone_registered",
        N_("This phone number already has an account; sign in or reset the password"),
        N_("Sign in with this phone number, or reset the password under Forgot password."),
    ),
    CatalogEntry(
        "destination_taken",
        N_("This phone number or email is bound to another account"),
        N_("Use another phone number or email, or unbind it from the other account first."),
    ),
    CatalogEntry(
        "identity_unconfirmed",
        N_("Confirm it is you first, with a code to your current phone or email"),
        N_("Start the change again from My account: enter the code sent to your current phone "
           "or email, then the new one within 15 minutes."),
    ),
    CatalogEntry(
        "destination_unchanged",
        N_("This is already your bound phone number or email"),
        N_("Enter the new phone number or email you want to bind."),
    ),
    CatalogEntry(
        "current_password_wrong",
        N_("The current password is wrong"),
        N_("Type the password you sign in with now; if you forgot it, reset it with a code "
           "instead."),
    ),
    CatalogEntry(
        "password_unchanged",
        N_("The new password must differ from the current one"),
        N_("Choose a password you do not use now."),
    ),
)
