"""Default templates, per (event or scene, channel, language).

Each value maps a template's parts to Jinja text: ``text`` (SMS content, email text body,
in-site body), ``subject`` (email subject, in-site title), ``html`` (email HTML body) and
``params`` (WeChat field mapping: template field -> Jinja text). They are what a fresh
install sends and what "restore default" restores: no template row is stored until an admin
saves one, so a default improved in a release reaches every template nobody customised.

The words are English gettext msgids, translated in each language's ``messages.po`` (keep
every ``{{ variable }}``; ``%(purpose)s``, ``%(line)s`` and ``%(title)s`` take the translated
phrase), so a language with a catalog has its defaults and one without gets the English.

WeChat defaults carry no template id: it comes from the official account's own template
library, so the admin fills it in (a send without one is ``template_number_missing``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

from core.translation import N_, NP_, supported, translations

# Verification-code scenes: what the code is for, put into each part's sentence.
_SCENE_PURPOSE = {
    "register": N_("create your account"),
    "login": N_("sign in"),
    "reset_password": N_("reset your password"),
    "change_email": N_("change your email address"),
    "change_phone": N_("change your bound phone"),
    "change_protection": N_("change your password protection"),
    "change_phone_new": N_("bind this phone number to your account"),
    "change_email_new": N_("bind this email address to your account"),
    "operation_protection": N_("confirm a sensitive action"),
    "admin_login": N_("sign in to the admin panel"),
}
# No 【signature】 in the SMS: providers add the approved signature themselves.
_SCENE_PARTS = {
    "sms": {
        "text": N_("{{ site_name }}: to %(purpose)s, your verification code is {{ code }}. It "
                   "is valid for {{ minutes }} minutes. Do not share it."),
    },
    "email": {
        "subject": N_("{{ site_name }}: your code to %(purpose)s"),
        "text": N_("You asked to %(purpose)s.\n\nYour verification code is {{ code }}. It is "
                   "valid for {{ minutes }} minutes. Do not share it.\n\nIf this was not you, "
                   "ignore this email."),
        "html": N_("<p>You asked to %(purpose)s.</p><p>Your verification code is <strong>"
                   "{{ code }}</strong>. It is valid for {{ minutes }} minutes. Do not share "
                   "it.</p><p>If this was not you, ignore this email.</p>"),
    },
}

# Business events: (title, sentence). Every channel's default is built from these, so an
# event reads the same on SMS, email, in-site and WeChat. The titles carry a context: the
# admin's event labels share their English but not always their translation.
_EVENT_TEXT = {
    "server_opened": (
        NP_("message title", "Server opened"),
        N_("Your server {{ server_name }} ({{ server_ip }}) is ready. Product: {{ product }}; "
           "it expires on {{ expires_at }}.")),
    "server_renewed": (
        NP_("message title", "Server renewed"),
        N_("Your server {{ server_name }} ({{ server_ip }}) was renewed for {{ amount }}; it "
           "now expires on {{ expires_at }}.")),
    "server_reinstalled": (
        NP_("message title", "Server reinstalled"),
        N_("Your server {{ server_name }} ({{ server_ip }}) was reinstalled with {{ os }}.")),
    "server_upgraded": (
        NP_("message title", "Server upgraded"),
        N_("Your server {{ server_name }} ({{ server_ip }}) was upgraded to {{ product }}.")),
    "cloud_refund": (
        NP_("message title", "Cloud server refund"),
        N_("Your cloud server {{ server_name }} ({{ server_ip }}) was refunded: "
           "{{ amount }}.")),
    "expiry_reminder": (
        NP_("message title", "Cloud server expiry reminder"),
        N_("Your cloud server {{ server_name }} ({{ server_ip }}) expires on "
           "{{ expires_at }}. Renew it in time to keep it running.")),
    "expiry_reminder_2": (
        NP_("message title", "Cloud server expiry reminder 2"),
        N_("Second reminder: your cloud server {{ server_name }} ({{ server_ip }}) expires on "
           "{{ expires_at }} and stops then. Please renew it soon.")),
    # The admin writes the whole notice: nothing to translate.
    "push_notice": ((None, "{{ title }}"), "{{ body }}"),
    "baremetal_autorenew_failed": (
        NP_("message title", "Bare-metal auto-renewal failed"),
        N_("Auto-renewal of your bare-metal server {{ server_name }} ({{ server_ip }}) failed "
           "({{ amount }} due); it expires on {{ expires_at }}. Top up your balance and renew "
           "it manually.")),
    "baremetal_downgrade_scheduled": (
        NP_("message title", "Bare-metal downgrade scheduled"),
        N_("A downgrade of your bare-metal server {{ server_name }} ({{ server_ip }}) is "
           "scheduled for {{ expires_at }}.")),
    "admin_login_notice": (
        NP_("message title", "Admin sign-in notice"),
        N_("Admin {{ admin_name }} signed in to the admin panel at {{ login_time }} from "
           "{{ login_ip }}. If this was not you, change the password now.")),
    "sms_balance_low": (
        NP_("message title", "SMS balance low"),
        N_("The balance of SMS gateway {{ gateway }} is down to {{ balance }}, below the alert "
           "threshold of {{ threshold }}. Top up the provider account before sending stops.")),
    "account_changed": (
        NP_("message title", "Account changed"),
        N_("The {{ change }} of your account was changed at {{ time }} (IP {{ ip }}). If this "
           "was not you, contact support at once.")),
}
_EVENT_SMS = N_("{{ site_name }}: %(line)s")
_EVENT_SUBJECT = N_("{{ site_name }}: %(title)s")
_GREETING = N_("Dear {{ member_name }},")
# Variables a WeChat default maps onto keyword1..N, in order (the template's own fields).
_WECHAT_KEYWORDS = {
    "push_notice": ("title",),
    "admin_login_notice": ("admin_name", "login_time", "login_ip"),
}


def _scene_templates(words, scene: str) -> dict:
    purpose = words.gettext(_SCENE_PURPOSE[scene])
    return {channel: {part: words.gettext(text) % {"purpose": purpose}
                      for part, text in parts.items()}
            for channel, parts in _SCENE_PARTS.items()}


def _event_templates(words, event: str, keywords: tuple[str, ...]) -> dict:
    (context, title), line = _EVENT_TEXT[event]
    title = words.pgettext(context, title) if context else title
    line = words.gettext(line)
    # The admin notice goes to an admin, who has no member name to greet.
    greeting = "" if event == "admin_login_notice" else words.gettext(_GREETING)
    fields = {"first": line}
    fields.update({f"keyword{i}": "{{ " + name + " }}" for i, name in enumerate(keywords, 1)})
    fields["remark"] = "{{ site_name }}"
    return {
        "sms": {"text": words.gettext(_EVENT_SMS) % {"line": line}},
        "email": {
            "subject": words.gettext(_EVENT_SUBJECT) % {"title": title},
            "text": (greeting + "\n\n" if greeting else "") + line + "\n\n{{ site_name }}",
            "html": (f"<p>{greeting}</p>" if greeting else "") + f"<p>{line}</p>"
                    "<p>{{ site_name }}</p>",
        },
        "insite": {"subject": title, "text": line},
        "wechat": {"params": fields},
    }


@lru_cache(maxsize=16)
def _table(words) -> dict[tuple[str, str], dict]:
    """Every default in the language of the catalog ``words``, by (purpose, channel)."""
    from services.notify import events

    table = {(scene, channel): parts for scene in _SCENE_PURPOSE
             for channel, parts in _scene_templates(words, scene).items()}
    for event in events.EVENTS.values():
        if event.scene:
            continue
        keywords = _WECHAT_KEYWORDS.get(event.name) or tuple(
            name for name in event.variable_names() if name not in ("site_name", "member_name"))
        for channel, parts in _event_templates(words, event.name, keywords).items():
            if channel in event.channels:
                table[(event.name, channel)] = parts
    return table


class _Defaults(Mapping):
    """``DEFAULTS[(purpose, channel, locale)]``: the default parts in any language; iterating
    gives those of the offered languages."""

    def __getitem__(self, key: tuple[str, str, str]) -> dict:
        purpose, channel, locale = key
        return _table(translations(locale))[(purpose, channel)]

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        for locale in supported():
            for purpose, channel in _table(translations(locale)):
                yield purpose, channel, locale

    def __len__(self) -> int:
        return sum(1 for _ in self)


DEFAULTS: Mapping[tuple[str, str, str], dict] = _Defaults()


def default(purpose: str, channel: str, locale: str) -> dict | None:
    """The default template parts in ``locale`` (English where it has no translation)."""
    return DEFAULTS.get((purpose, channel, locale))
