"""Operation protection: a code confirms a parked action, which then runs as submitted."""

import re
import socket

import pytest
from flask_babel import force_locale

import config
from core import crypto, settings
from core.settings.forms import field_name
from extensions import db
from models import AuditEntry, LoginSession, OutboxMessage, PendingAction
from tests.conftest import ADMIN_PASSWORD, HeraldClient


def member_form(client, **values):
    from tests.test_settings_pages import tab_form

    form = tab_form(client, "member")
    form.update({field_name(k): v for k, v in values.items()})
    return form


def last_code() -> str:
    row = db.session.scalar(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    return re.search(r"\d{6}", crypto.decrypt(row.content)).group(0)


def park_member_change(client, length="8"):
    response = client.post("/admin/settings/member",
                           data=member_form(client, **{"member.code_length": length}))
    assert response.status_code == 302 and "/admin/confirm/" in response.headers["Location"]
    return response.headers["Location"]


@pytest.fixture
def signed_in(client, auth):
    auth.login()
    return client


def test_a_protected_change_waits_for_a_code(signed_in):
    confirm_url = park_member_change(signed_in)
    settings.invalidate()
    assert settings.get("member.code_length") == 6
    page = signed_in.get(confirm_url, headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "+86138****00" in page.get_data(as_text=True)


def test_the_right_code_runs_the_action_exactly_once(signed_in):
    confirm_url = park_member_change(signed_in, length="7")
    key = confirm_url.rsplit("/", 1)[1]
    assert signed_in.post(f"{confirm_url}/send", data={"channel": "sms"}).status_code == 302
    code = last_code()
    response = signed_in.post(confirm_url, data={"code": code, "confirm": "1"})
    assert response.status_code == 302  # the replayed settings view redirects back to its tab
    settings.invalidate()
    assert settings.get("member.code_length") == 7
    assert db.session.scalar(db.select(PendingAction.used_at).where(
        PendingAction.key == key)) is not None
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "protection.confirm" in actions and "settings.update" in actions
    # The parked action is spent: the same key and code do nothing again.
    assert signed_in.post(confirm_url, data={"code": code, "confirm": "1"}).status_code == 404


def test_a_wrong_code_changes_nothing(signed_in):
    confirm_url = park_member_change(signed_in)
    signed_in.post(f"{confirm_url}/send", data={"channel": "sms"})
    response = signed_in.post(confirm_url, data={"code": "000000" if last_code() != "000000"
                                                 else "111111", "confirm": "1"},
                              headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200 and "验证码错误或已失效" in response.get_data(as_text=True)
    settings.invalidate()
    assert settings.get("member.code_length") == 6


def test_a_used_code_cannot_confirm_another_action(signed_in, auth):
    first = park_member_change(signed_in, length="7")
    signed_in.post(f"{first}/send", data={"channel": "sms"})
    code = last_code()
    signed_in.post(first, data={"code": code, "confirm": "1"})
    # Close the window, then try to reuse the code on a new parked action.
    db.session.execute(db.update(LoginSession).values(protected_until=None))
    db.session.commit()
    second = park_member_change(signed_in, length="8")
    response = signed_in.post(second, data={"code": code, "confirm": "1"})
    assert response.status_code == 200
    settings.invalidate()
    assert settings.get("member.code_length") == 7


def test_the_window_covers_this_session_only(signed_in, auth, app):
    confirm_url = park_member_change(signed_in, length="7")
    signed_in.post(f"{confirm_url}/send", data={"channel": "sms"})
    signed_in.post(confirm_url, data={"code": last_code(), "confirm": "1"})
    # Within the window the same session changes protected settings without a new code.
    response = signed_in.post("/admin/settings/member",
                              data=member_form(signed_in, **{"member.code_length": "8"}))
    assert response.headers["Location"].endswith("/admin/settings/member")
    # Another browser of the same admin still needs its own code.
    app.test_client_class = HeraldClient
    other = app.test_client()
    other.post("/admin/login", data={"username": "root", "password": ADMIN_PASSWORD})
    response = other.post("/admin/settings/member",
                          data=member_form(other, **{"member.code_length": "5"}))
    assert "/admin/confirm/" in response.headers["Location"]


def test_the_window_expires(signed_in, auth):
    auth.confirm_protection(minutes=-1)
    assert "/admin/confirm/" in park_member_change(signed_in)


def test_no_phone_and_no_email_refuses_with_the_fix(signed_in, auth):
    auth.admin.phone = auth.admin.email = ""
    db.session.commit()
    confirm_url = park_member_change(signed_in)
    html = signed_in.get(confirm_url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "protection_no_destination" in html and "操作保护时短信发送失败" in html
    response = signed_in.post(f"{confirm_url}/send", data={"channel": "sms"},
                              follow_redirects=True, headers={"Accept-Language": "zh-CN"})
    assert "protection_no_destination" in response.get_data(as_text=True)
    settings.invalidate()
    assert settings.get("member.code_length") == 6


def test_a_failing_gateway_refuses_with_the_catalog_code(signed_in):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.update({"sms.gateway": "aliyun", "sms.aliyun.access_key_id": "id",
                     "sms.aliyun.access_key_secret": "secret", "sms.aliyun.sign_name": "Herald",
                     "sms.aliyun.endpoint": f"http://127.0.0.1:{port}/"})
    confirm_url = park_member_change(signed_in)
    response = signed_in.post(f"{confirm_url}/send", data={"channel": "sms"},
                              follow_redirects=True, headers={"Accept-Language": "zh-CN"})
    html = response.get_data(as_text=True)
    assert "发送验证码失败" in html or "Sending the code failed" in html
    assert "template_number_missing" in html or "unreachable" in html
    settings.invalidate()
    assert settings.get("member.code_length") == 6


def test_email_code_works_too(signed_in):
    confirm_url = park_member_change(signed_in, length="4")
    signed_in.post(f"{confirm_url}/send", data={"channel": "email"})
    signed_in.post(confirm_url, data={"code": last_code(), "confirm": "1"})
    settings.invalidate()
    assert settings.get("member.code_length") == 4


def test_another_admins_parked_action_is_not_reachable(signed_in, app):
    from core.admins import make_admin

    confirm_url = park_member_change(signed_in)
    make_admin("second", "second-password", phone="+8613900000000")
    app.test_client_class = HeraldClient
    other = app.test_client()
    other.post("/admin/login", data={"username": "second", "password": "second-password"})
    assert other.get(confirm_url).status_code == 404


def test_no_switch_turns_protection_off(app):
    from core.settings.registry import SETTINGS

    switches = [name for name, s in SETTINGS.items()
                if s.kind == "bool" and re.search(r"protect|confirm|sensitive", name)]
    assert switches == []
    names = set(config.DEFAULTS) | set(config.ENVIRONMENT) | set(app.config)
    assert [n for n in names if re.search(r"PROTECT", n)] == []
    from services.notify import events

    assert events.get("operation_protection").locked


def test_protected_admin_actions_need_a_code(signed_in, auth):
    for url, data in [("/admin/admins/new", {"username": "x-admin", "password": "p" * 12,
                                             "role": "operator"}),
                      (f"/admin/admins/{auth.admin.id}", {"role": "super", "active": "y"}),
                      (f"/admin/admins/{auth.admin.id}/password",
                       {"password": "p" * 12, "confirm": "p" * 12}),
                      ("/admin/admins/me", {"phone": "13700000000"}),
                      ("/admin/admins/me/password", {"password": "p" * 12, "confirm": "p" * 12})]:
        response = signed_in.post(url, data=data)
        assert "/admin/confirm/" in response.headers.get("Location", ""), url


# --- the replay: the parked submission runs as a request of its own --------------------

EN = {"Accept-Language": "en"}


@pytest.fixture
def spied_settings_view(app, monkeypatch):
    """Record what the settings view sees of its request each time it runs."""
    seen = []
    view = app.view_functions["admin_settings.tab"]

    def spy(**view_args):
        from flask import request

        seen.append({"method": request.method, "path": request.path,
                     "endpoint": request.endpoint, "view_args": dict(request.view_args),
                     "form": list(request.form.items(multi=True)),
                     "values": list(request.values.items(multi=True)),
                     "args": list(request.args.items(multi=True)),
                     "remote_addr": request.remote_addr})
        return view(**view_args)

    monkeypatch.setitem(app.view_functions, "admin_settings.tab", spy)
    return seen


def confirm_with_code(client, confirm_url, **kwargs):
    client.post(f"{confirm_url}/send", data={"channel": "sms"})
    return client.post(confirm_url, data={"code": last_code(), "confirm": "1"}, **kwargs)


def test_the_replayed_view_sees_the_parked_form_as_its_request(signed_in, spied_settings_view):
    confirm_url = park_member_change(signed_in, length="7")  # GETs the tab, then POSTs
    confirm_with_code(signed_in, confirm_url)
    [parked, replayed] = [seen for seen in spied_settings_view if seen["method"] == "POST"]
    assert replayed == {**parked, "remote_addr": replayed["remote_addr"]}
    assert (replayed["method"], replayed["path"], replayed["args"]) == (
        "POST", "/admin/settings/member", [])
    # Form and values agree, and hold nothing of the confirmation (its code, its button).
    assert replayed["values"] == replayed["form"]
    assert (field_name("member.code_length"), "7") in replayed["form"]
    assert not {"code", "confirm"} & {name for name, _value in replayed["values"]}


def test_the_replayed_action_is_audited_and_flashed_as_the_confirming_admin(signed_in, auth):
    confirm_url = park_member_change(signed_in, length="7")
    response = confirm_with_code(signed_in, confirm_url, headers=EN,
                                 environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.headers["Location"].endswith("/admin/settings/member")
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action.in_(["protection.confirm", "settings.update"]))).all()
    assert {(e.action, e.admin_id, e.ip) for e in entries} == {
        ("protection.confirm", auth.admin.id, "203.0.113.7"),
        ("settings.update", auth.admin.id, "203.0.113.7")}
    page = signed_in.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Settings saved: 1 changed." in page


def test_a_parked_path_that_leads_elsewhere_is_not_run(signed_in):
    confirm_url = park_member_change(signed_in, length="7")
    key = confirm_url.rsplit("/", 1)[1]
    db.session.execute(db.update(PendingAction).where(PendingAction.key == key).values(
        path="/admin/settings/basic"))  # the same view, for another group
    db.session.commit()
    assert confirm_with_code(signed_in, confirm_url).status_code == 404
    settings.invalidate()
    assert settings.get("member.code_length") == 6
    assert not db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.action == "settings.update")).all()


# --- where the code went -----------------------------------------------------------------

def test_the_page_says_the_log_gateway_keeps_the_code_in_the_outbox(signed_in):
    confirm_url = park_member_change(signed_in)
    assert "data-sent-to" not in signed_in.get(confirm_url, headers=EN).get_data(as_text=True)
    signed_in.post(f"{confirm_url}/send", data={"channel": "sms"})
    html = signed_in.get(confirm_url, headers=EN).get_data(as_text=True)
    assert "The code was sent to +86138****00 through the log gateway" in html
    assert "System → Outbox" in html and 'href="/admin/outbox/"' in html


def test_with_a_provider_the_page_names_only_the_masked_destination(app):
    from blueprints.admin_protection import where_it_went

    settings.update({"sms.gateway": "aliyun", "sms.aliyun.access_key_id": "id",
                     "sms.aliyun.access_key_secret": "secret", "sms.aliyun.sign_name": "Herald"})
    with app.test_request_context(headers=EN), force_locale("en"):
        assert where_it_went("+8613800138000") == {
            "text": "The code was sent to +86138****00.", "outbox": False}
        # Email still goes through its own log gateway here.
        assert where_it_went("root@example.com")["outbox"] is True
