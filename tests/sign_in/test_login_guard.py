"""Login log, lockout per account and per IP, and session timeouts from settings."""


from core import settings
from extensions import db
from models import LoginEvent, LoginSession
from tests.conftest import ADMIN_PASSWORD


def errors(response) -> str:
    text = response.get_data(as_text=True)
    return text[text.index("alert-danger"):].split("</div>")[0] if "alert-danger" in text else ""


def test_every_attempt_lands_in_the_login_log(client, auth):
    auth.login(password="wrong-password")
    auth.login()
    events = db.session.scalars(db.select(LoginEvent).order_by(LoginEvent.id)).all()
    assert [(e.who, e.username, e.success, e.reason) for e in events] == [
        ("admin", "root", False, "login_failed"), ("admin", "root", True, "")]
    assert events[1].account_id == auth.admin.id


def test_lockout_after_the_threshold_with_the_same_answer_for_unknown_users(client, auth):
    settings.update({"basic.lockout_threshold": 3})
    for _ in range(3):
        auth.login(password="wrong-password")
        client.post("/admin/login", data={"username": "ghost", "password": "whatever-pass"},
                    environ_base={"REMOTE_ADDR": "10.9.9.9"})
    known = auth.login()  # right password, but locked
    unknown = client.post("/admin/login", data={"username": "ghost", "password": "x" * 12},
                          environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert known.status_code == unknown.status_code == 200
    assert errors(known) == errors(unknown) != ""
    assert "登录失败次数过多" in errors(known)
    assert client.get("/admin/").status_code == 302


def test_lockout_per_ip_across_usernames(client, auth):
    settings.update({"basic.lockout_threshold": 3})
    for name in ("a-user", "b-user", "c-user"):
        client.post("/admin/login", data={"username": name, "password": "wrong-password"})
    assert "登录失败次数过多" in errors(auth.login())


def test_lockout_ends_after_the_window(client, auth, frozen):
    settings.update({"basic.lockout_threshold": 3, "basic.lockout_minutes": 5})
    for _ in range(3):
        auth.login(password="wrong-password")
    frozen.move(minutes=6)
    assert auth.login().status_code == 302


def test_login_log_page(client, auth):
    auth.login(password="wrong-password")
    auth.login()
    html = client.get("/admin/logs/logins?result=failed",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Wrong username or password" in html and "Total 1," in html


def test_absolute_session_timeout_from_settings(client, auth, frozen):
    settings.update({"basic.session_absolute_hours": 1})
    auth.login()
    frozen.move(hours=1, minutes=1)
    assert client.get("/admin/").status_code == 302
    assert db.session.scalar(db.select(LoginSession.revoked_at)) is not None


def test_idle_timeout_from_settings(client, auth, frozen):
    settings.update({"basic.session_idle_minutes": 10})
    auth.login()
    frozen.move(minutes=11)
    assert client.get("/admin/").status_code == 302


def test_right_password_after_failures_resets_the_account_count(client, auth):
    settings.update({"basic.lockout_threshold": 3})
    auth.login(password="wrong-password")
    auth.login(password="wrong-password")
    assert auth.login(password=ADMIN_PASSWORD).status_code == 302
    auth.logout()
    # Two more failures from a fresh IP: the account count restarted at the success.
    for _ in range(2):
        client.post("/admin/login", data={"username": "root", "password": "nope-nope"},
                    environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert client.post("/admin/login", data={"username": "root", "password": ADMIN_PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 302
