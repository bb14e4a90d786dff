"""The seed's cases (SPEC section 4): what a gateway or provider answered."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "not_configured",
        N_("The gateway is not configured"),
        N_("Fill in the active gateway's credentials on its tab (SMS, Email or WeChat) under "
           "System → Global settings and press Save settings."),
    ),
    CatalogEntry(
        "wrong_channel",
        N_("Request parameter does not exist"),
        N_("Check that the gateway selected under System → Global settings → SMS matches the "
           "credentials entered."),
    ),
    CatalogEntry(
        "sign_mismatch",
        N_("The signature does not match"),
        N_("Make the SMS signature in settings equal to the one approved at the provider."),
    ),
    CatalogEntry(
        "sign_not_found",
        N_("SMS signature not found; submit it for review and retry after approval"),
        N_("Submit the signature for review in the provider's console and retry once approved."),
    ),
    CatalogEntry(
        "token_failed",
        N_("Failed to obtain the access_token"),
        N_("Check the server clock (Diagnostics shows the skew), the API credentials and the "
           "AppId / sign key, then clear the cache under System → Functions and retry."),
    ),
    CatalogEntry(
        "code_limit",
        N_("Sending failed: the daily verification-code limit was reached"),
        N_("Raise the caps in Member settings, check the code log for abuse and turn on the "
           "behaviour captcha if it is being pumped."),
    ),
    CatalogEntry(
        "template_number_missing",
        N_("The template number must not be empty"),
        N_("Fill in the template number of that event's SMS template under Notification "
           "templates."),
    ),
    CatalogEntry(
        "unreachable",
        N_("The gateway cannot be reached"),
        N_("Run the connectivity check under System → Diagnostics; check the server's network, "
           "DNS and firewall."),
    ),
    CatalogEntry(
        "timeout",
        N_("The gateway did not answer in time; the message may have been sent"),
        N_("Check the provider's send log before retrying; raise the read timeout in settings "
           "if it happens often."),
    ),
    CatalogEntry(
        "auth_failed",
        N_("The gateway rejected the credentials"),
        N_("Check the key, secret or password for typos or revocation, and the server clock."),
    ),
    CatalogEntry(
        "insufficient_balance",
        N_("The provider account has insufficient balance"),
        N_("Top up the provider account or buy an SMS package, then retry."),
    ),
    CatalogEntry(
        "invalid_phone",
        N_("The phone number is invalid or not in an allowed country"),
        N_("Check the number; allow its country under Member settings if it should be served."),
    ),
    CatalogEntry(
        "invalid_email",
        N_("The email address is invalid or was refused by the receiving server"),
        N_("Check the address for typos and that the mailbox exists; the remark holds the mail "
           "server's own reason."),
    ),
    CatalogEntry(
        "invalid_openid",
        N_("The WeChat OpenID is invalid or the user does not follow the official account"),
        N_("Ask the member to follow the official account and bind WeChat again in the member "
           "centre; make sure the OpenID belongs to the AppId configured under Global settings "
           "→ WeChat."),
    ),
    CatalogEntry(
        "wechat_signature_invalid",
        N_("A push to the WeChat server URL had a wrong signature and was refused"),
        N_("Make the Token under Global settings → WeChat exactly the Token of the server "
           "configuration in the official account's console, save both, and check that the "
           "console's server URL is <site>/wechat/callback."),
    ),
    CatalogEntry(
        "wechat_push_expired",
        N_("A push to the WeChat server URL was refused: its timestamp is too far from the "
           "server clock"),
        N_("Sync this server's clock (enable NTP); a push may differ from it by 300 seconds at "
           "most."),
    ),
    CatalogEntry(
        "wechat_decrypt_failed",
        N_("A safe-mode WeChat push could not be decrypted"),
        N_("Make the EncodingAESKey and AppId under Global settings → WeChat equal those in the "
           "official account's console; after resetting the key in the console, save the new "
           "one here."),
    ),
    CatalogEntry(
        "wechat_mode_mismatch",
        N_("A WeChat push did not use the message mode configured here"),
        N_("With an EncodingAESKey saved here, choose Safe mode in the official account's "
           "console; for plaintext mode, clear the EncodingAESKey here."),
    ),
    CatalogEntry(
        "provider_rate_limited",
        N_("The provider throttled the request"),
        N_("Retry later; adjust the provider's frequency limits or check for abuse."),
    ),
    CatalogEntry(
        "content_rejected",
        N_("The content or template was rejected by the provider"),
        N_("Get the template approved at the provider and make the content match it."),
    ),
    CatalogEntry(
        "unknown",
        N_("Unknown error"),
        N_("Read the provider's raw answer in the remark and check the account at the provider."),
    ),
)
