"""Admin sign-in, server-side sessions, rotation and sign-out."""


from extensions import db
from models import LoginSession
from tests.conftest import ADMIN_PASSWORD


def session_cookie(client):
    cookie = client.get_cookie("herald_session")
    return cookie.value if cookie else None


def test_login_page_renders(client):
    page = client.get("/admin/login")
    assert page.status_code == 200
    assert 'name="password"' in page.get_data(as_text=True)


def test_admin_pages_need_login(client, admin):
    response = client.get("/admin/settings/basic")
    assert response.status_code == 302
    assert "/admin/login?next=" in response.headers["Location"]


def test_login_with_the_right_password(client, auth):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    row = db.session.scalar(db.select(LoginSession))
    assert row.admin_id == auth.admin.id and row.revoked_at is None


def test_wrong_password_and_unknown_user_get_the_same_answer(client, auth):
    wrong = auth.login(password="not-the-password")
    unknown = auth.login(username="ghost", password=ADMIN_PASSWORD)
    assert wrong.status_code == unknown.status_code == 200

    def error_of(response):
        text = response.get_data(as_text=True)
        return text[text.index('alert-danger'):].split("</div>")[0]

    assert error_of(wrong) == error_of(unknown)
    assert "用户名或密码错误" in error_of(wrong)


def test_disabled_admin_cannot_log_in(client, auth):
    auth.admin.active = False
    db.session.commit()
    assert auth.login().status_code == 200
    assert client.get("/admin/").status_code == 302


def test_login_rotates_the_session(client, auth):
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    before = session_cookie(client)
    auth.login()
    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == db.session.scalar(db.select(LoginSession.key))


def test_logout_ends_the_server_side_session(client, auth, app):
    auth.login()
    stolen = session_cookie(client)
    assert auth.logout().status_code == 302
    assert db.session.scalar(db.select(LoginSession.revoked_at)) is not None
    # Replaying the cookie captured before sign-out no longer opens the panel.
    client.set_cookie("herald_session", stolen, domain="localhost")
    assert client.get("/admin/").status_code == 302


def test_idle_sessions_expire(client, auth, frozen):
    auth.login()
    frozen.move(minutes=121)  # the default idle limit is 120
    assert client.get("/admin/").status_code == 302


def test_next_parameter_cannot_leave_the_site(client, auth):
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        client.post("/admin/logout")
        response = client.post(f"/admin/login?next={target}", data={
            "username": auth.admin.username, "password": ADMIN_PASSWORD})
        assert response.headers["Location"].endswith("/admin/"), target
    client.post("/admin/logout")
    response = client.post("/admin/login?next=/admin/settings/member", data={
        "username": auth.admin.username, "password": ADMIN_PASSWORD})
    assert response.headers["Location"].endswith("/admin/settings/member")


def test_passwords_are_stored_as_argon2id(admin):
    assert admin.password_hash.startswith("$argon2id$")


def test_session_cookie_flags(client, auth):
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(base_config):
    from app import create_app

    config = {k: v for k, v in base_config.items() if k != "SESSION_COOKIE_SECURE"}
    app = create_app({**config, "HERALD_ENV": "production", "HERALD_PASSWORD_PROFILE": "default"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
