"""System → Functions: settings export (secrets behind operation protection), rotation."""

import json

import pytest
from cryptography.fernet import Fernet

from core import settings
from core.admins import make_admin
from extensions import db
from models import AuditEntry, PendingAction, SettingValue

SECRET = "sms.aliyun.access_key_secret"


def exports() -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "settings.export")))


@pytest.mark.parametrize("form, action", [({}, "settings.export"),
                                          ({"with_secrets": "1"}, "settings.export_secrets")])
def test_every_export_is_parked_until_a_code_is_confirmed(client, auth, form, action):
    settings.update({SECRET: "kept-secret", "basic.site_name": "Parked"})
    auth.login()
    response = client.post("/admin/functions/export", data=form)
    assert response.status_code == 302 and "/admin/confirm/" in response.headers["Location"]
    body = response.get_data(as_text=True)
    assert "Parked" not in body and "kept-secret" not in body and exports() == []
    parked = db.session.scalar(db.select(PendingAction))
    assert (parked.action, parked.path) == (action, "/admin/functions/export")


def test_a_confirmed_code_runs_the_parked_export(client, auth):
    from tests.test_protection import confirm_with_code

    settings.update({SECRET: "never-exported", "basic.site_name": "Exported"})
    auth.login()
    confirm_url = client.post("/admin/functions/export").headers["Location"]
    response = confirm_with_code(client, confirm_url)
    data = json.loads(response.get_data(as_text=True))
    assert data["basic.site_name"] == "Exported" and SECRET not in data
    assert [entry.changes for entry in exports()] == [{"with_secrets": [None, False]}]


def test_export_without_secrets(client, auth):
    settings.update({SECRET: "never-exported", "basic.site_name": "Exported"})
    auth.login()
    auth.confirm_protection()
    response = client.post("/admin/functions/export")
    data = json.loads(response.get_data(as_text=True))
    assert data["basic.site_name"] == "Exported" and SECRET not in data
    assert "never-exported" not in response.get_data(as_text=True)


def test_export_with_secrets_needs_a_code(client, auth):
    settings.update({SECRET: "exported-secret"})
    auth.login()
    response = client.post("/admin/functions/export", data={"with_secrets": "1"})
    assert "/admin/confirm/" in response.headers["Location"]
    auth.confirm_protection()
    response = client.post("/admin/functions/export", data={"with_secrets": "1"})
    assert json.loads(response.get_data(as_text=True))[SECRET] == "exported-secret"
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "settings.export").order_by(AuditEntry.id.desc()))
    assert entry.changes == {"with_secrets": [None, True]}


def test_operators_cannot_export_or_rotate(client, admin):
    make_admin("ops", "operator-password", role="operator")
    client.post("/admin/login", data={"username": "ops", "password": "operator-password"})
    assert client.post("/admin/functions/export").status_code == 403
    assert client.post("/admin/functions/rotate-secrets").status_code == 403


def test_rotate_secrets_from_the_page(client, auth, app, base_config):
    from app import create_app

    settings.update({SECRET: "rotate-me"})
    new_key = Fernet.generate_key().decode()
    rotated = create_app({**base_config, "HERALD_ENCRYPTION_KEYS":
                          f"{new_key},{base_config['HERALD_ENCRYPTION_KEYS']}"})
    rotated.test_client_class = type(client)
    browser = rotated.test_client()
    browser.post("/admin/login", data={"username": "root", "password": "correct-horse-battery"})
    response = browser.post("/admin/functions/rotate-secrets")
    assert "/admin/confirm/" in response.headers["Location"]
    auth.confirm_protection()
    assert browser.post("/admin/functions/rotate-secrets").status_code == 302
    token = db.session.get(SettingValue, SECRET).value
    assert Fernet(new_key).decrypt(token.encode()) == b'"rotate-me"'
