"""Every form and page of the app, fed hostile input: never a 5xx, never a forged log line.

Every POST endpoint of the url_map gets form bodies made of its own fields (read from the
forms on the pages, some left out, strays added) holding overlong strings, control
characters, CRLF, huge numbers, several values per name, and raw bodies that are not
valid UTF-8; every GET endpoint gets such query strings, and URL ids that no database
column can hold. The fuzzing browser is signed in as an admin with the operation-protection
window open and as a member, so the submissions reach the code behind the guards.

After each request: the status is below 500; no log record the app wrote, and no audit,
login-log or code-log column meant to hold one line, holds a line break that came from
the input (the strategies put :data:`~tests.fuzz.strategies.MARK` right after each one).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import SETTINGS_GROUPS, SIGN_OUT, forged_records, single_line_columns
from tests.fuzz.strategies import forging_sweep, form_data, raw_bytes, text_value

FUZZ = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# The machine APIs (signed JSON) have their own fuzz tests in test_apis.py.
API = {"api_events.fire", "api_events.job_progress", "api_sms.send", "callbacks.twilio",
       "member_wechat.callback"}
FORMS = sorted([
    "admin_abuse.block", "admin_abuse.unblock", "admin_admins.create", "admin_admins.edit",
    "admin_admins.own_password", "admin_admins.profile", "admin_admins.reset_password",
    "admin_api_clients.create", "admin_api_clients.delete", "admin_api_clients.toggle",
    "admin_auth.code", "admin_auth.login", "admin_auth.secure", "admin_auth.secure_send",
    "admin_auth.send_code",
    "admin_diagnostics.poll", "admin_functions.clear_cache", "admin_functions.export",
    "admin_functions.rotate_secrets", "admin_logs.resolve_alert",
    "admin_logs.reveal_code", "admin_members.status", "admin_messages.broadcast",
    "admin_messages.broadcast_send", "admin_protection.confirm",
    "admin_protection.send", "admin_resellers.active", "admin_resellers.delete",
    "admin_resellers.new", "admin_resellers.quota", "admin_resellers.reset_keys",
    "admin_resellers.save", "admin_resellers.template_delete", "admin_resellers.template_new",
    "admin_resellers.template_save", "admin_settings.provider_check_now", "admin_settings.tab",
    "admin_settings.test",
    "admin_templates.edit", "admin_templates.index", "admin_templates.restore",
    "language.switch", "member_account.email", "member_account.phone",
    "member_account.new_email", "member_account.new_phone", "member_account.password",
    "member_account.send_new_email_code", "member_account.send_new_phone_code",
    "member_account.protection", "member_auth.forgot", "member_auth.login",
    "member_auth.login_code", "member_auth.register", "member_auth.send_code",
    "member_inbox.delete", "member_inbox.read_all",
    "member_wechat.bind", "member_wechat.unbind",
])
# Forms for visitors (a signed-in browser is sent on before the form is read).
ANONYMOUS = {"admin_auth.login", "admin_auth.code", "admin_auth.send_code", "member_auth.login",
             "member_auth.login_code", "member_auth.register", "member_auth.forgot"}
BROADCAST_FIELDS = {"event", "var_server_name", "var_server_ip", "var_product", "var_expires_at",
                    "audience", "q", "send_at", "review", "change"}
# Field names no page shows a signed-in browser (posted by JavaScript, or visitors' forms).
EXTRA_FIELDS = {
    "member_auth.send_code": {"scene", "destination", "via", "next", "altcha"},
    # Step two of a phone or email change shows its form only after step one's code.
    "member_account.new_phone": {"new_phone", "code"},
    "member_account.new_email": {"new_email", "code"},
    "member_account.send_new_phone_code": {"scene", "destination", "new_phone", "altcha"},
    "member_account.send_new_email_code": {"scene", "destination", "new_email", "altcha"},
    "admin_auth.login": {"username", "password"}, "admin_auth.code": {"code", "confirm"},
    "admin_auth.send_code": {"channel"}, "member_auth.login": {"account", "password"},
    # Shown only to an admin with no phone and no email (the fuzzing admin has both).
    "admin_auth.secure": {"code", "confirm"}, "admin_auth.secure_send": {"destination"},
    "member_auth.login_code": {"phone", "code"},
    "member_auth.register": {"phone", "code", "password", "confirm", "qq", "referral", "agree"},
    # The Outbox's reveal button says where to lead back to; only a code in the Outbox has it.
    "admin_logs.reveal_code": {"back"},
    # The broadcast form's fields follow the chosen event (server_opened's here, a value
    # the strategies offer); the page without an event shows only the chooser.
    "admin_messages.broadcast": BROADCAST_FIELDS, "admin_messages.broadcast_send": BROADCAST_FIELDS,
}
ID_PARTS = st.sampled_from([0, 1, 2**31 - 1, 2**31, 10**20, 99999999999999999999999999])


def rule_for(app, endpoint: str, method: str):
    return next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)


def test_every_endpoint_is_fuzzed(app):
    """A new endpoint must join the fuzz lists (or say why it is elsewhere)."""
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert posts - SIGN_OUT - API == set(FORMS)


def check(bench, response, caplog, before: int) -> None:
    body = response.get_data()[:300]
    assert response.status_code < 500, (response.status_code, body)
    assert not forged_records(caplog.records[before:])
    assert not single_line_columns()


def url_parts(data, rule) -> dict:
    """Seeded ids, or ids no column can hold, for the rule's integer parts."""
    ints = [name for name, converter in rule._converters.items()
            if type(converter).__name__.endswith("IntConverter")]
    if not ints or not data.draw(st.booleans(), label="wild ids"):
        return {}
    return {name: data.draw(ID_PARTS, label=name) for name in ints}


@pytest.mark.parametrize("endpoint", FORMS)
def test_forms_take_hostile_input(endpoint, bench, reset_limits, caplog):
    rule = rule_for(bench.app, endpoint, "POST")
    names = sorted(bench.fields.get(endpoint, set()) | EXTRA_FIELDS.get(endpoint, set()))
    groups = SETTINGS_GROUPS if endpoint.startswith("admin_settings.") else (None,)
    browsers = [bench.anon] if endpoint in ANONYMOUS else [bench.client]
    if endpoint == "member_auth.send_code":
        browsers = [bench.anon, bench.client]  # visitors' scenes and members' scenes
    for browser in browsers:  # one sure try at forging a log line, on every form
        before = len(caplog.records)
        check(bench, bench.post(bench.url(rule), forging_sweep(names), client=browser), caplog,
              before)

    @FUZZ
    @given(data=st.data())
    def run(data):
        reset_limits()
        overrides = url_parts(data, rule)
        if groups != (None,):
            overrides["group"] = data.draw(st.sampled_from(groups), label="group")
        path = bench.url(rule, overrides)
        raw = data.draw(st.booleans(), label="raw body")
        payload = data.draw(raw_bytes if raw else form_data(names), label="body")
        browser = data.draw(st.sampled_from(browsers), label="browser")
        before = len(caplog.records)
        response = bench.post(path, payload, client=browser,
                              headers={"Accept-Language": "en"})
        check(bench, response, caplog, before)

    run()


GET_SKIP = {"static", "bootstrap.static"}


def get_endpoints(app) -> list[str]:
    return sorted({r.endpoint for r in app.url_map.iter_rules()
                   if "GET" in r.methods and r.endpoint not in GET_SKIP})


QUERY_NAMES = ["page", "phone", "scene", "result", "channel", "ip", "date_from", "date_to",
               "destination", "q", "next", "status", "sent", "per_page", "log", "kind",
               "gateway", "error", "delivery", "include_codes"]  # the Overview's log links


def test_pages_take_hostile_query_strings_and_ids(bench, reset_limits, caplog):
    endpoints = get_endpoints(bench.app)

    @settings(FUZZ, max_examples=4 * len(endpoints))
    @given(data=st.data())
    def run(data):
        reset_limits()
        endpoint = data.draw(st.sampled_from(endpoints), label="endpoint")
        rule = rule_for(bench.app, endpoint, "GET")
        path = bench.url(rule, url_parts(data, rule))
        query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), text_value,
                                          max_size=4), label="query")
        encoded = urlencode(query, encoding="utf-8", errors="surrogatepass")
        before = len(caplog.records)
        response = bench.client.get(f"{path}?{encoded}", headers={"Accept-Language": "en"})
        check(bench, response, caplog, before)

    run()


def test_sign_out_forms_take_hostile_input(bench, caplog):
    for endpoint in sorted(SIGN_OUT):
        rule = rule_for(bench.app, endpoint, "POST")
        before = len(caplog.records)
        check(bench, bench.post(bench.url(rule), b"\xff\xfe=\r\nFORGED"), caplog, before)
