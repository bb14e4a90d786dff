"""The machine APIs, fed hostile bodies: never a 5xx, never a forged log line.

Bodies are signed correctly (HMAC for ``/api/events`` and ``/api/sms/send``, Twilio's
signature for the status callback) so they get past the signature check to the parsing
behind it; unsigned ones are tried too. ``tests/reseller/test_fuzz.py`` checks the reseller
API's answers against its OpenAPI document; here every API also gets the log checks.
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import settings as herald_settings
from core.signing import signed_headers
from gateways.twilio import twilio_signature
from services.notify import api_clients as event_clients
from tests.fuzz.conftest import forged_records, single_line_columns
from tests.fuzz.strategies import dumps, field_value, json_value, raw_bytes, text_value
from tests.reseller.conftest import make_reseller, make_template

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
EN = {"Accept-Language": "en"}


def check(response, caplog, before: int) -> None:
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    assert not forged_records(caplog.records[before:])
    assert not single_line_columns()


def signed_post(client, credentials, path: str, body: bytes):
    headers = signed_headers(credentials.client_id, credentials.api_key, credentials.sign_key,
                             "POST", path, body, nonce=uuid.uuid4().hex)
    return client.post(path, data=body, headers={**headers, **EN,
                                                 "Content-Type": "application/json"})


member_key = st.sampled_from(["member_id", "phone", "email"])
event_bodies = st.one_of(
    st.fixed_dictionaries({}, optional={
        "event": st.one_of(st.sampled_from(["server_opened", "push_notice", "register"]),
                           text_value),
        "member_id": st.one_of(st.integers(min_value=-(10**30), max_value=10**30), json_value),
        "phone": field_value("phone"), "email": field_value("email"),
        "variables": st.one_of(st.dictionaries(text_value, json_value, max_size=5),
                               json_value),
    }).map(dumps),
    json_value.map(dumps),
    raw_bytes,
)


def test_the_events_api_takes_hostile_bodies(app, client, reset_limits, caplog):
    credentials = event_clients.create("fuzz")

    @FUZZ
    @given(body=event_bodies, signed=st.booleans())
    def run(body, signed):
        reset_limits()
        before = len(caplog.records)
        if signed:
            response = signed_post(client, credentials, "/api/events", body)
        else:
            response = client.post("/api/events", data=body, headers=EN)
        check(response, caplog, before)

    run()


sms_bodies = st.one_of(
    st.fixed_dictionaries({}, optional={
        "phone": field_value("phone"), "template_number": field_value("number"),
        "params": st.one_of(st.dictionaries(st.sampled_from(["code", "minutes", "x"]),
                                            json_value, max_size=3), json_value),
        "idempotency_key": field_value("key"),
    }).map(dumps),
    raw_bytes,
)


def test_the_reseller_api_takes_hostile_bodies(app, client, reset_limits, caplog):
    make_template()
    credentials = make_reseller(quota=10**6, rate=6000)[1]

    @FUZZ
    @given(body=sms_bodies)
    def run(body):
        reset_limits()
        before = len(caplog.records)
        check(signed_post(client, credentials, "/api/sms/send", body), caplog, before)

    run()


TWILIO_TOKEN = "twilio-fuzz-token-0123456789abcdef"
twilio_forms = st.fixed_dictionaries({}, optional={
    name: field_value(name) for name in
    ("MessageSid", "MessageStatus", "ErrorCode", "ErrorMessage", "To", "From", "AccountSid")})


def test_the_twilio_callback_takes_hostile_forms(app, client, reset_limits, caplog):
    herald_settings.update({"sms.twilio.auth_token": TWILIO_TOKEN,
                            "basic.site_url": "https://notify.example.com"})
    url = "https://notify.example.com/api/callbacks/twilio"

    @FUZZ
    @given(form=twilio_forms, signed=st.booleans())
    def run(form, signed):
        reset_limits()
        pairs = {k: v if isinstance(v, list) else [v] for k, v in form.items()}
        clean = {k: [x.encode("utf-8", "replace").decode() for x in v] for k, v in pairs.items()}
        headers = {**EN}
        if signed:
            headers["X-Twilio-Signature"] = twilio_signature(TWILIO_TOKEN, url, clean)
        before = len(caplog.records)
        check(client.post("/api/callbacks/twilio", data=clean, headers=headers, csrf=False),
              caplog, before)

    run()


WECHAT_TOKEN, WECHAT_KEY = "wechat-fuzz-token", "c2FmZS1tb2RlLWtleS1mb3ItaGVyYWxkLXRlc3RzLTE"
WECHAT_FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "EventKey",
                 "Encrypt", "Content")
wechat_fields = st.fixed_dictionaries({}, optional=dict.fromkeys(WECHAT_FIELDS, text_value))


def wechat_xml(fields: dict) -> str:
    from xml.sax.saxutils import escape

    text = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    return f"<xml>{text}</xml>".encode("utf-8", "replace").decode()


def test_the_wechat_callback_takes_hostile_pushes(app, client, reset_limits, caplog):
    """Signed pushes (plaintext and safe mode) with hostile fields and raw bodies."""
    from tests.fakes.wechat_push import FakeOfficialAccount

    herald_settings.update({"wechat.mp.token": WECHAT_TOKEN, "wechat.mp.app_id": "wx0000fuzz"})

    @FUZZ
    @given(fields=wechat_fields, raw=st.one_of(st.none(), raw_bytes), safe=st.booleans())
    def run(fields, raw, safe):
        reset_limits()
        herald_settings.update({"wechat.mp.encoding_aes_key": WECHAT_KEY if safe else ""})
        account = FakeOfficialAccount(WECHAT_TOKEN, "wx0000fuzz", WECHAT_KEY if safe else "")
        query, body = account.signed(wechat_xml(fields))
        before = len(caplog.records)
        check(client.post(f"/wechat/callback?{query}", data=raw if raw is not None else body,
                          csrf=False), caplog, before)

    run()
