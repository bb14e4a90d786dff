"""What the fuzz runs found, each pinned by a plain test: log forging, redirects with line
breaks, ids and page numbers no column holds, NUL characters."""

from __future__ import annotations

import json
import uuid

from core import settings
from core.signing import signed_headers
from extensions import db
from gateways.twilio import twilio_signature
from models import LoginEvent
from models.code import VerificationCode
from services.notify import api_clients as event_clients
from tests.fuzz.strategies import MARK
from tests.notify.conftest import make_member

FORGED = f"13800138000\r\n{MARK} 2026-11-23 12:00 login root ok"


def test_the_login_log_keeps_a_typed_username_on_one_line(client):
    client.post("/admin/login", data={"username": f"root\r\n{MARK}\u2028x", "password": "x"})
    db.session.rollback()
    usernames = db.session.scalars(db.select(LoginEvent.username)).all()
    assert usernames == [f"root\\r\\n{MARK}\\u2028x"]  # what was typed, escaped


def test_the_code_log_keeps_an_invalid_destination_on_one_line(client):
    answer = client.post("/codes/send", data={"scene": "register", "destination": FORGED},
                         headers={"Accept": "application/json"})
    assert answer.get_json()["code"] == "invalid_phone"
    db.session.rollback()
    [destination] = db.session.scalars(db.select(VerificationCode.destination)).all()
    assert "\n" not in destination and "\r" not in destination


def test_a_redirect_target_with_a_line_break_or_tab_goes_home(client):
    for target in ("/account/\r\nSet-Cookie: x=1", "/\t/evil.example"):
        answer = client.post("/language", data={"language": "en", "next": target})
        assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"
        # The member side's own check (send-code without JavaScript goes back to "next").
        answer = client.post("/codes/send", data={"scene": "nope", "next": target})
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/account/")


def test_ids_no_column_can_hold_are_not_found(client, auth):
    auth.login()
    for path in ("/admin/members/99999999999999999999", "/admin/members/2147483648",
                 "/admin/resellers/9223372036854775808"):
        assert client.get(path).status_code == 404
    assert client.get("/admin/members/?page=1000000000000000000").status_code == 200


def test_nul_in_a_form_or_query_is_a_bad_request(client, auth):
    auth.login()
    assert client.post("/admin/admins/new", data={"username": "ops\x00"}).status_code == 400
    assert client.get("/admin/logs/codes?phone=%00").status_code == 400


def test_nul_in_an_event_variable_is_a_bad_request(client):
    member = make_member()
    credentials = event_clients.create("regression")
    body = json.dumps({"event": "push_notice", "member_id": member.id,
                       "variables": {"title": "a\u0000b", "body": "x"}}).encode()
    headers = signed_headers(credentials.client_id, credentials.api_key, credentials.sign_key,
                             "POST", "/api/events", body, nonce=uuid.uuid4().hex)
    answer = client.post("/api/events", data=body, headers={
        **headers, "Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.get_json()["code"] == "bad_request"


def test_nul_in_a_signed_twilio_callback_is_a_bad_request(client):
    settings.update({"sms.twilio.auth_token": "twilio-token-0123456789",
                     "basic.site_url": "https://notify.example.com"})
    form = {"MessageSid": ["SM\x00"], "MessageStatus": ["delivered"]}
    signature = twilio_signature("twilio-token-0123456789",
                                 "https://notify.example.com/api/callbacks/twilio", form)
    answer = client.post("/api/callbacks/twilio", data=form, csrf=False,
                         headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 400 and answer.get_json()["code"] == "bad_request"
