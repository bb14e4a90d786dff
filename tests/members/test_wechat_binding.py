"""A member binds WeChat: QR code on the account page, the official account's signed push to
/wechat/callback (plaintext and safe mode), unbind, unfollow, and dispatch to bound members."""

from __future__ import annotations

import pytest

from core import settings
from extensions import db
from models import Member, WechatBinding
from services.notify import matrix as event_settings
from services.notify.fanout import notify_many
from services.notify.jobs import notify
from services.templates import store as template_store
from tests.fakes.httpserver import FakeServer
from tests.fakes.wechat_mp import APP_ID, APP_SECRET, FakeWechatQr
from tests.fakes.wechat_push import FakeOfficialAccount
from tests.notify.conftest import SERVER_VARS, attempts, make_member, sign_in_member

TOKEN, KEY = "herald2026token", "c2FmZS1tb2RlLWtleS1mb3ItaGVyYWxkLXRlc3RzLTE"
OPENID, OTHER_OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "oXyZ0aBcDeFgHiJkLmNoPqRsTuVw"


@pytest.fixture
def wechat(app):
    with FakeServer() as server:
        fake = FakeWechatQr(server)
        settings.update({"wechat.gateway": "mp", "wechat.mp.app_id": APP_ID,
                         "wechat.mp.app_secret": APP_SECRET, "wechat.mp.token": TOKEN,
                         "wechat.mp.endpoint": server.url})
        yield fake


@pytest.fixture
def account():
    return FakeOfficialAccount(TOKEN, APP_ID)


@pytest.fixture
def safe_account(wechat):
    settings.update({"wechat.mp.encoding_aes_key": KEY})
    return FakeOfficialAccount(TOKEN, APP_ID, KEY)


@pytest.fixture
def member(app):
    return make_member(language="en")


def start_binding(client, member, wechat) -> str:
    """The member presses Bind WeChat; the scene inside the QR code they are shown."""
    sign_in_member(client, member)
    page = client.post("/account/wechat/bind").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and "data-wechat-poll" in page
    return wechat.scenes[-1]


def reload(member: Member) -> Member:
    db.session.expire_all()
    return db.session.get(Member, member.id)


def test_the_console_url_check_echoes_only_when_signed_with_the_token(client, wechat, account):
    query, _ = account.signed("<xml/>")
    good = client.get(f"/wechat/callback?{query}&echostr=5837397520767627345")
    assert (good.status_code, good.get_data(as_text=True)) == (200, "5837397520767627345")
    forged = FakeOfficialAccount("wrong-token", APP_ID).signed("<xml/>")[0]
    assert client.get(f"/wechat/callback?{forged}&echostr=1").status_code == 403
    stale = account.signed("<xml/>", timestamp="1500000000")[0]
    assert client.get(f"/wechat/callback?{stale}&echostr=1").status_code == 403


def test_a_scan_binds_the_member_and_answers_in_wechat(client, wechat, account, member):
    scene = start_binding(client, member, wechat)
    assert client.get("/account/wechat/status").get_json()["bound"] is False

    response = account.push(client, account.scan_event(OPENID, scene))

    assert response.status_code == 200
    assert "now bound to your Herald account" in account.reply_text(response.get_data(
        as_text=True))
    assert reload(member).wechat_openid == OPENID
    answer = client.get("/account/wechat/status").get_json()
    assert answer == {"bound": True, "status": "active", "openid": "o6_b…fL2M"}
    card = client.get("/account/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-wechat-state="bound"' in card and "o6_b…fL2M" in card


def test_safe_mode_push_and_encrypted_reply(client, wechat, safe_account, member):
    scene = start_binding(client, member, wechat)

    response = safe_account.push(client, safe_account.scan_event(OPENID, scene, following=True))

    assert "<Encrypt>" in response.get_data(as_text=True)
    assert "now bound" in safe_account.reply_text(response.get_data(as_text=True))
    assert reload(member).wechat_openid == OPENID


def test_a_plaintext_push_is_refused_once_safe_mode_is_configured(client, wechat, safe_account,
                                                                  member):
    scene = start_binding(client, member, wechat)
    plaintext = FakeOfficialAccount(TOKEN, APP_ID)
    assert plaintext.push(client, plaintext.scan_event(OPENID, scene)).status_code == 403
    assert reload(member).wechat_openid == ""


def test_a_push_encrypted_with_another_key_or_mode_is_refused(client, wechat, safe_account,
                                                               member, caplog):
    scene = start_binding(client, member, wechat)
    other_key = "b3RoZXIta2V5LW9mLWFub3RoZXItb2ZmaWNpYWwtYWM"
    stranger = FakeOfficialAccount(TOKEN, APP_ID, other_key)
    assert stranger.push(client, stranger.scan_event(OPENID, scene)).status_code == 403
    assert "[wechat_decrypt_failed]" in caplog.text
    settings.update({"wechat.mp.encoding_aes_key": ""})  # plaintext mode here, safe at WeChat
    assert safe_account.push(client, safe_account.scan_event(OPENID, scene)).status_code == 403
    assert "[wechat_mode_mismatch]" in caplog.text
    assert reload(member).wechat_openid == ""


def test_a_forged_or_stale_push_binds_nothing(client, wechat, account, member):
    scene = start_binding(client, member, wechat)
    forger = FakeOfficialAccount("guessed-token", APP_ID)
    assert forger.push(client, forger.scan_event(OPENID, scene)).status_code == 403
    stale = account.push(client, account.scan_event(OPENID, scene), timestamp="1500000000")
    assert stale.status_code == 403
    assert reload(member).wechat_openid == ""


def test_the_qr_code_works_once_and_expires(client, wechat, account, member, frozen):
    scene = start_binding(client, member, wechat)
    account.clock = frozen.now.timestamp()
    account.push(client, account.scan_event(OPENID, scene))
    again = account.push(client, account.scan_event(OTHER_OPENID, scene))
    # No member is known from a spent scene: the reply is in the site's language (zh_CN).
    assert "已过期或已使用" in account.reply_text(again.get_data(as_text=True))
    assert reload(member).wechat_openid == OPENID

    other = make_member(phone="+8613900139000", email="b@example.com")
    late_scene = start_binding(client, other, wechat)
    frozen.move(minutes=11)
    account.clock = frozen.now.timestamp()
    late = account.push(client, account.scan_event(OTHER_OPENID, late_scene))
    assert "已过期" in account.reply_text(late.get_data(as_text=True))
    assert reload(other).wechat_openid == ""


def test_one_openid_binds_one_member(client, wechat, account, member):
    account.push(client, account.scan_event(OPENID, start_binding(client, member, wechat)))
    other = make_member(phone="+8613900139000", email="b@example.com")

    response = account.push(client, account.scan_event(OPENID, start_binding(client, other,
                                                                               wechat)))

    assert "已绑定另一个" in account.reply_text(response.get_data(as_text=True))
    assert reload(other).wechat_openid == "" and reload(member).wechat_openid == OPENID


def test_unfollowing_makes_the_binding_inactive_and_dispatch_skips_it(client, wechat, account,
                                                                     member):
    account.push(client, account.scan_event(OPENID, start_binding(client, member, wechat)))

    response = account.push(client, account.event(OPENID, "unsubscribe"))

    assert response.get_data(as_text=True) == "success"
    binding = db.session.scalar(db.select(WechatBinding))
    assert (binding.status, binding.active_openid, reload(member).wechat_openid) == (
        "unsubscribed", None, "")
    card = client.get("/account/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-wechat-state="inactive"' in card and "data-wechat-bind" in card
    event_settings.save({"server_opened": event_settings.Switches(True, ("wechat",))})
    outcome = wechat_outcome(notify("server_opened", reload(member), **SERVER_VARS))
    assert (outcome.status, outcome.error) == ("skipped", "not_bound")
    [skip] = attempts(channel="wechat")
    assert skip.error == "not_bound" and skip.destination == f"member:{member.id}"


def test_the_member_unbinds(client, wechat, account, member):
    account.push(client, account.scan_event(OPENID, start_binding(client, member, wechat)))

    response = client.post("/account/wechat/unbind", follow_redirects=True)

    assert response.status_code == 200 and reload(member).wechat_openid == ""
    assert db.session.scalar(db.select(WechatBinding)) is None
    assert client.get("/account/wechat/status").get_json()["bound"] is False


def test_a_bound_member_receives_wechat_notifications(client, wechat, account, member):
    account.push(client, account.scan_event(OPENID, start_binding(client, member, wechat)))
    template_store.save(events_opened(), "wechat", "en", {
        "template_code": "TPL-opened", "params": {"first": "{{ server_name }} ready"}})
    event_settings.save({"server_opened": event_settings.Switches(True, ("wechat",))})

    outcome = wechat_outcome(notify("server_opened", reload(member), **SERVER_VARS))

    assert outcome.status == "sent"
    [sent] = wechat.sent
    assert sent["touser"] == OPENID and sent["data"]["first"]["value"] == "hk-web-01 ready"


def test_fan_out_logs_unbound_members_as_not_bound(app, wechat):
    unbound = make_member()
    event_settings.save({"server_opened": event_settings.Switches(True, ("wechat",))})
    notify_many("server_opened", [unbound], **SERVER_VARS)
    [skip] = attempts(channel="wechat")
    assert (skip.status, skip.error) == ("skipped", "not_bound")


@pytest.mark.parametrize("body", [
    b"<xml><not-closed></xml>",
    b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><MsgType>&a;</MsgType></xml>',
    b"<xml><MsgType><![CDATA[text]]></MsgType><Content>hi</Content></xml>",
    b"<xml><Content>" + b"a" * 70000 + b"</Content></xml>",
])
def test_anything_unexpected_is_answered_success(client, wechat, account, body):
    query, _ = account.signed("<xml/>")
    response = client.post(f"/wechat/callback?{query}", data=body, csrf=False)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "success")


def test_a_failure_inside_herald_is_still_success_to_wechat(client, wechat, account, member,
                                                            monkeypatch):
    from services.members import wechat_binding

    scene = start_binding(client, member, wechat)
    monkeypatch.setattr(wechat_binding, "scan", lambda *a: 1 / 0)
    response = account.push(client, account.scan_event(OPENID, scene))
    assert (response.status_code, response.get_data(as_text=True)) == (200, "success")


def test_a_retried_push_is_handled_once(client, wechat, account, member):
    scene = start_binding(client, member, wechat)
    query, body = account.signed(account.scan_event(OPENID, scene))
    first = client.post(f"/wechat/callback?{query}", data=body, csrf=False)
    second = client.post(f"/wechat/callback?{query}", data=body, csrf=False)
    assert "now bound" in account.reply_text(first.get_data(as_text=True))
    assert second.get_data(as_text=True) == "success"  # not "expired": WeChat's retry


def test_without_wechat_the_card_hides_and_binding_is_refused(client, member):
    sign_in_member(client, member)
    assert "wechat-binding" not in client.get("/account/").get_data(as_text=True)
    page = client.post("/account/wechat/bind", follow_redirects=True,
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "WeChat binding is not available right now" in page


def test_a_refused_qr_code_tells_the_member_and_binds_nothing(client, wechat, member):
    wechat.qr_error = {"errcode": 48001, "errmsg": "api unauthorized"}
    sign_in_member(client, member)
    page = client.post("/account/wechat/bind", follow_redirects=True,
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "WeChat binding is not available right now" in page
    assert "data-wechat-poll" not in page


def wechat_outcome(outcomes):
    [outcome] = [o for o in outcomes if o.channel == "wechat"]
    return outcome


def events_opened():
    from services.notify import events

    return events.get("server_opened")


def test_a_mistyped_encoding_aes_key_is_refused_at_save(app):
    from core.settings.store import SettingsInvalid

    with pytest.raises(SettingsInvalid) as refused:
        settings.update({"wechat.mp.encoding_aes_key": KEY[:-1]})
    assert "wechat.mp.encoding_aes_key" in refused.value.errors
    settings.update({"wechat.mp.encoding_aes_key": KEY})
    assert settings.get("wechat.mp.encoding_aes_key") == KEY
