"""Generic failures of Herald's own pages and APIs."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "invalid_input",
        N_("Some fields are invalid"),
        N_("Correct the marked fields and submit again."),
    ),
    CatalogEntry(
        "csrf_failed",
        N_("The page expired or the request did not come from this site"),
        N_("Reload the page and submit again."),
    ),
    CatalogEntry(
        "bad_request",
        N_("The request was malformed"),
        N_("Check the request and try again."),
    ),
    CatalogEntry(
        "login_required",
        N_("Please sign in first"),
        N_("Sign in, then open the page again."),
    ),
    CatalogEntry(
        "login_failed",
        N_("Wrong username or password"),
        N_("Check the username and password; repeated failures lock the account for a while."),
    ),
    CatalogEntry(
        "forbidden",
        N_("You are not allowed to do that"),
        N_("Use an admin account that holds the required role."),
    ),
    CatalogEntry(
        "not_found",
        N_("Page not found"),
        N_("Check the address."),
    ),
    CatalogEntry(
        "rate_limited",
        N_("Too many requests; please wait and try again"),
        N_("Wait a moment and try again."),
    ),
    # Member password sign-in throttled per account (services/sign_in/member_throttle.py).
    CatalogEntry(
        "member_signin_captcha",
        N_("Too many failed sign-ins for this account; solve the captcha or sign in with an "
           "SMS code"),
        N_("Tick the human check and sign in again, or use sign-in by SMS code."),
    ),
    CatalogEntry(
        "member_signin_delayed",
        N_("Too many failed sign-ins for this account; wait before trying the password again"),
        N_("Wait the time shown, or sign in with an SMS code at once; reset the password if "
           "you forgot it."),
    ),
    CatalogEntry(
        "member_signin_throttled",
        N_("Wrong password; the account owner was notified of repeated failures"),
        N_("If this was you, sign in with an SMS code or reset the password."),
    ),
    CatalogEntry(
        "server_error",
        N_("Internal server error"),
        N_("Try again later; if it persists, read the server log."),
    ),
    CatalogEntry(
        "service_unavailable",
        N_("The service is temporarily unavailable"),
        N_("Check that the database and Redis are running, then retry."),
    ),
)
