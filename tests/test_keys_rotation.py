"""Key rotation (issue 17 item 1): ``keys rotate`` re-encrypts every encrypted column found
from the models, and a value no configured key reads is a catalog error, never a 500."""

from __future__ import annotations

import re

import pytest
from cryptography.fernet import Fernet

from core import crypto, rotation, settings
from extensions import db
from gateways.base import Message
from models import ApiClient, OutboxMessage, SettingValue
from services.delivery import messaging
from services.diagnostics import stored_secrets
from services.notify import api_clients as event_clients
from tests.notify.conftest import make_member
from tests.notify.test_api import event
from tests.notify.test_api import post as post_event
from tests.reseller.conftest import body, make_reseller, make_template
from tests.reseller.conftest import post as post_sms

SECRET = "sms.aliyun.access_key_secret"
EN = {"Accept-Language": "en"}


@pytest.fixture
def keys(app):
    """Set HERALD_ENCRYPTION_KEYS as a restart would; the original keys come back after."""
    original = app.config["HERALD_ENCRYPTION_KEYS"]

    def use(*values: str) -> None:
        app.config["HERALD_ENCRYPTION_KEYS"] = ",".join(values)
        app.extensions.pop("herald_fernet", None)
        settings.invalidate()

    yield use
    use(original)


@pytest.fixture
def stored(app):
    """One of everything encrypted: a reseller, an events client, an Outbox row, a secret."""
    make_template()
    _account, reseller = make_reseller()
    events = event_clients.create("billing")
    messaging.send("sms", Message(to="+8613800138000", content="您的验证码是654321",
                                  purpose="register"))
    settings.update({SECRET: "gateway-secret", "basic.site_name": "Plain value"})
    return reseller, events


def outbox_page(client) -> str:
    response = client.get("/admin/outbox/", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def counts(output: str) -> dict[str, tuple[int, int]]:
    return {name: (int(done), int(lost)) for name, done, lost in
            re.findall(r"^(\w+\.\w+): (\d+) re-encrypted, (\d+) unreadable", output, re.M)}


def test_the_encrypted_columns_are_found_from_the_models():
    found = {f"{t.name}.{c.name}" for t, c in rotation.encrypted_columns()}
    assert found == {"api_clients.sign_key", "outbox.content", "outgoing.payload",
                     "jobs.variables", "pending_actions.form", "settings.value"}


def test_rotate_then_drop_the_old_key_and_everything_still_works(
        app, client, auth, runner, keys, stored):
    reseller, events = stored
    old = app.config["HERALD_ENCRYPTION_KEYS"]
    new = Fernet.generate_key().decode()
    keys(new, old)
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    found = counts(result.output)
    assert found["api_clients.sign_key"] == (2, 0)  # the reseller and the events client
    assert found["outbox.content"] == (1, 0)
    assert found["settings.value"] == (1, 0)  # the secret only: the plain value is JSON
    assert "Re-encrypted" in result.output and "Old keys can now be removed" in result.output
    assert db.session.get(SettingValue, "basic.site_name").value == '"Plain value"'

    keys(new)  # the old key dropped, after a restart
    for row in db.session.scalars(db.select(ApiClient)):
        Fernet(new).decrypt(row.sign_key.encode())
    assert settings.get(SECRET) == "gateway-secret"
    sent = post_sms(client, reseller, body())
    assert sent.status_code == 202, sent.get_json()
    fired = post_event(client, events, event(make_member()))
    assert fired.status_code == 202, fired.get_json()
    auth.login()
    html = outbox_page(client)
    assert "您的验证码是654321" in html and "outbox-unreadable" not in html


def test_rotating_twice_is_safe(app, runner, keys, stored):
    reseller, _events = stored
    new = Fernet.generate_key().decode()
    keys(new, app.config["HERALD_ENCRYPTION_KEYS"])
    first = runner.invoke(args=["keys", "rotate"])
    second = runner.invoke(args=["keys", "rotate", "--batch-size", "1"])
    assert first.exit_code == second.exit_code == 0
    assert counts(first.output) == counts(second.output)
    keys(new)
    row = db.session.scalar(db.select(ApiClient).where(ApiClient.client_id == reseller.client_id))
    assert crypto.decrypt(row.sign_key) == reseller.sign_key
    assert all(r.unreadable == 0 for r in rotation.unreadable())


def test_rotation_walks_in_batches(app, keys):
    for n in range(5):
        messaging.send("sms", Message(to="+8613800138000", content=f"m{n}", purpose="register"))
    new = Fernet.generate_key().decode()
    keys(new, app.config["HERALD_ENCRYPTION_KEYS"])
    [report] = [rotation.rotate_column(t, c, size=2) for t, c in rotation.encrypted_columns()
                if t.name == "outbox"]
    assert (report.rotated, report.unreadable) == (5, 0)
    keys(new)
    assert sorted(crypto.decrypt(r.content) for r in db.session.scalars(
        db.select(OutboxMessage))) == [f"m{n}" for n in range(5)]


def test_a_value_under_a_removed_key_is_a_catalog_error_not_a_500(
        app, client, auth, runner, keys, stored):
    reseller, events = stored
    keys(Fernet.generate_key().decode())  # the old key removed before any rotation
    sent = post_sms(client, reseller, body(), **EN)
    answer = sent.get_json()
    assert sent.status_code == 503 and answer["code"] == "secret_unreadable", answer
    assert "removed" in answer["message"] and "keys rotate" in answer["fix"]
    fired = post_event(client, events, event(make_member()), headers=EN)
    assert (fired.status_code, fired.get_json()["code"]) == (503, "secret_unreadable")

    auth.login()
    assert "outbox-unreadable" in outbox_page(client)

    results = {str(r.target): r for r in stored_secrets.checks(None)}
    assert results["api_clients.sign_key"].code == "secret_unreadable"
    assert "2" in str(results["api_clients.sign_key"].hint)
    assert {"outbox.content", "settings.value"} <= set(results)
    html = client.get("/admin/diagnostics/", headers=EN).get_data(as_text=True)
    assert "Stored secrets in api_clients.sign_key" in html

    first = db.select(OutboxMessage).order_by(OutboxMessage.id).limit(1)
    before = db.session.scalar(first).content
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and counts(result.output)["outbox.content"][1] == 1
    assert counts(result.output)["api_clients.sign_key"] == (0, 2)
    assert "was removed" in result.output
    db.session.expire_all()
    assert db.session.scalar(first).content == before  # left as it was


def test_diagnostics_says_so_when_every_secret_reads(app, stored):
    [result] = stored_secrets.checks(None)
    assert result.ok and result.code == ""


def test_any_page_meeting_an_unreadable_secret_answers_the_catalog_error(
        app, client, auth, monkeypatch):
    def reads_a_lost_secret():
        raise crypto.SecretUnreadable("settings.value")  # e.g. a parked form, a setting

    auth.login()
    monkeypatch.setitem(app.view_functions, "admin_outbox.index", reads_a_lost_secret)
    page = client.get("/admin/outbox/", headers=EN)
    assert page.status_code == 503 and "secret_unreadable" in page.get_data(as_text=True)
    answer = client.get("/admin/outbox/", headers={**EN, "Accept": "application/json"})
    assert answer.status_code == 503 and answer.get_json()["code"] == "secret_unreadable"
