"""Site → Admins: roles, create / disable / reset, own profile."""

import pytest

from core.admins import make_admin
from extensions import db
from models import Admin, AuditEntry, LoginSession, Outgoing
from tests.conftest import ADMIN_PASSWORD


@pytest.fixture
def operator(app):
    return make_admin("ops", "operator-password", role="operator", email="ops@example.com")


def login_as(client, username, password):
    return client.post("/admin/login", data={"username": username, "password": password})


def test_super_admin_creates_an_admin(client, auth):
    auth.login()
    auth.confirm_protection()
    response = client.post("/admin/admins/new", data={
        "username": "newbie", "password": "a-long-password", "phone": "13900139000",
        "email": "n@example.com", "role": "operator"})
    assert response.status_code == 302
    created = db.session.scalar(db.select(Admin).where(Admin.username == "newbie"))
    assert created.role == "operator" and created.phone == "+8613900139000"
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "admin.create"))


def test_create_refuses_bad_input_inline(client, auth):
    auth.login()
    auth.confirm_protection()
    html = client.post("/admin/admins/new", data={"username": "x", "password": "short",
                                                  "role": "super"},
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "is-invalid" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Admin)) == 1


def test_operators_cannot_manage_admins(client, admin, operator):
    login_as(client, "ops", "operator-password")
    assert client.get("/admin/admins/").status_code == 200
    assert client.get("/admin/admins/new").status_code == 403
    assert client.post(f"/admin/admins/{admin.id}", data={"role": "operator"}).status_code == 403
    assert client.post(f"/admin/admins/{admin.id}/password",
                       data={"password": "x" * 12, "confirm": "x" * 12}).status_code == 403


def test_disabling_an_admin_ends_their_sessions(client, auth, operator, app):
    other = app.test_client()
    other.post("/admin/login", data={"username": "ops", "password": "operator-password"},
               headers={})  # no CSRF token: refused, so sign in properly below
    from tests.conftest import HeraldClient

    app.test_client_class = HeraldClient
    ops_client = app.test_client()
    login_as(ops_client, "ops", "operator-password")
    assert ops_client.get("/admin/").status_code == 200
    auth.login()
    auth.confirm_protection()
    client.post(f"/admin/admins/{operator.id}", data={
        "role": "operator", "email": "ops@example.com"})  # "active" unticked
    assert ops_client.get("/admin/").status_code == 302
    assert db.session.get(Admin, operator.id).active is False


def test_the_last_super_admin_cannot_be_demoted(client, auth):
    auth.login()
    auth.confirm_protection()
    html = client.post(f"/admin/admins/{auth.admin.id}", data={
        "role": "operator", "active": "y"}, headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "At least one active super admin must remain." in html
    assert db.session.get(Admin, auth.admin.id).role == "super"


def test_reset_password_ends_sessions_and_audits_without_the_password(client, auth, operator):
    auth.login()
    auth.confirm_protection()
    response = client.post(f"/admin/admins/{operator.id}/password", data={
        "password": "brand-new-password", "confirm": "brand-new-password"})
    assert response.status_code == 302
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "admin.password_reset"))
    assert "brand-new-password" not in str(entry.changes)
    client.post("/admin/logout")
    assert login_as(client, "ops", "brand-new-password").status_code == 302


def test_own_profile_and_password(client, auth):
    auth.login()
    auth.confirm_protection()
    old_phone, old_email = auth.admin.phone, auth.admin.email
    response = client.post("/admin/admins/me", data={"phone": "13700137000",
                                                     "email": "me@example.com"})
    assert response.status_code == 302
    assert db.session.get(Admin, auth.admin.id).phone == "+8613700137000"
    # The old and the new addresses are told, through the queue (the log gateway here).
    told = db.session.execute(db.select(Outgoing.channel, Outgoing.destination, Outgoing.status)
                              .where(Outgoing.purpose == "admin_contact_changed")).all()
    assert sorted(told) == sorted([("sms", old_phone, "sent"), ("sms", "+8613700137000", "sent"),
                                   ("email", "me@example.com", "sent")] +
                                  ([("email", old_email, "sent")] if old_email else []))
    response = client.post("/admin/admins/me/password", data={
        "password": "another-password", "confirm": "another-password"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200  # this session survives
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession).where(
        LoginSession.revoked_at.is_(None))) == 1
    client.post("/admin/logout")
    assert login_as(client, "root", ADMIN_PASSWORD).status_code == 200  # old one refused


def test_the_new_admin_form_has_a_submit_button_and_preselects_the_operator_role(client, auth):
    """Filled and submitted as a browser would: the page's own fields and button."""
    import re

    auth.login()
    auth.confirm_protection()
    html = client.get("/admin/admins/new", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    start = html.rindex("<form", 0, html.index('name="username"'))
    form = html[start:html.index("</form>", start)]
    button = re.search(r'<input[^>]*type="submit"[^>]*value="([^"]+)"', form)
    assert button and button.group(1) == "Create admin"
    assert re.search(r'<option selected value="operator">|<option value="operator" selected',
                     form)
    assert 'selected value="super"' not in form and 'value="super" selected' not in form
    response = client.post("/admin/admins/new", data={
        "username": "helper", "password": "a-long-password", "email": "h@example.com",
        "role": "operator", "submit": button.group(1)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/admins/")
    listed = client.get("/admin/admins/").get_data(as_text=True)
    assert "helper" in listed and "h@example.com" in listed
    assert db.session.scalar(db.select(Admin.role).where(Admin.username == "helper")) == \
        "operator"
