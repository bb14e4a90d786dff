"""Basic → Site URL: while the admin has not set one it is the address this server runs on
(``make run PORT=5123`` gave links to :5000); a stored address always wins."""

from __future__ import annotations

import pytest

from core import settings
from core.settings.forms import field_name
from core.settings.served import served_url
from extensions import db
from gateways.twilio import twilio_signature
from models import AuditEntry, SettingValue
from tests.test_settings_pages import tab_form

NAME = "basic.site_url"
CALLBACK_PATH = "/api/callbacks/twilio"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "http://127.0.0.1:5000"),
    ({"PORT": "5123"}, "http://127.0.0.1:5123"),
    ({"HOST": "0.0.0.0", "PORT": "8080"}, "http://127.0.0.1:8080"),  # noqa: S104
    ({"HOST": "192.0.2.7", "PORT": "5123"}, "http://192.0.2.7:5123"),
    ({"HOST": "::1", "PORT": "5123"}, "http://[::1]:5123"),
    ({"FLASK_RUN_HOST": "herald.lan", "FLASK_RUN_PORT": "5001"}, "http://herald.lan:5001"),
    ({"PORT": "not-a-port"}, "http://127.0.0.1:5000"),
    ({"PORT": "70000"}, "http://127.0.0.1:5000"),
    ({"HOST": "evil.example/path?", "PORT": "5123"}, "http://127.0.0.1:5123"),
])
def test_the_served_address_comes_from_host_and_port(environ, expected):
    assert served_url(environ) == expected


def test_unset_it_follows_the_port_and_a_stored_address_wins(app, monkeypatch):
    monkeypatch.setenv("PORT", "5123")
    monkeypatch.delenv("HOST", raising=False)
    assert settings.get(NAME) == "http://127.0.0.1:5123"
    settings.update({NAME: "https://notify.example.com"})
    assert settings.get(NAME) == "https://notify.example.com"
    settings.update({NAME: ""})  # emptied: back to following the server
    assert settings.get(NAME) == "http://127.0.0.1:5123"
    assert db.session.get(SettingValue, NAME) is None
    assert settings.export()[NAME] == ""  # an export does not pin this server's address


def test_the_twilio_callback_is_checked_against_the_served_address(app, client, monkeypatch):
    monkeypatch.setenv("PORT", "5123")
    monkeypatch.delenv("HOST", raising=False)
    settings.update({"sms.twilio.auth_token": "tw-token"})
    form = {"MessageSid": "SM1", "MessageStatus": "delivered"}

    def post(url: str):
        return client.post(CALLBACK_PATH, data=form, csrf=False, headers={
            "X-Twilio-Signature": twilio_signature("tw-token", url, form)})

    assert post("http://127.0.0.1:5123" + CALLBACK_PATH).status_code == 204
    assert post("http://127.0.0.1:5000" + CALLBACK_PATH).status_code == 403


def test_the_basic_tab_shows_it_and_saving_does_not_pin_it(client, auth, monkeypatch):
    monkeypatch.setenv("PORT", "5123")
    monkeypatch.delenv("HOST", raising=False)
    auth.login()
    auth.confirm_protection()
    html = client.get("/admin/settings/basic", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Left empty, it is the address this server runs on" in html
    form = tab_form(client, "basic")
    assert form[field_name(NAME)] == "http://127.0.0.1:5123"
    form[field_name("basic.site_name")] = "Renamed"
    assert client.post("/admin/settings/basic", data=form).status_code == 302
    assert settings.get("basic.site_name") == "Renamed"
    assert db.session.get(SettingValue, NAME) is None  # still following the server
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "settings.update"))
    assert list(entry.changes) == ["basic.site_name"]
