"""Delivery reports: Twilio status callbacks (signature verified) and the Alibaba /
Tencent status pulls, by the CLI and by the log row's button."""

from __future__ import annotations

from extensions import db
from gateways.twilio import twilio_signature
from models import DeliveryAttempt
from services.delivery import status as delivery_status
from tests.diagnostics.conftest import PHONE
from tests.diagnostics.helpers import send_sms

CALLBACK = "http://127.0.0.1:5000/api/callbacks/twilio"  # from basic.site_url's default


def attempt() -> DeliveryAttempt:
    return db.session.scalar(db.select(DeliveryAttempt).order_by(DeliveryAttempt.id.desc()))


def callback(client, form: dict, token: str = "tw-token", url: str = CALLBACK):
    signature = twilio_signature(token, url, form)
    return client.post("/api/callbacks/twilio", data=form, csrf=False,
                       headers={"X-Twilio-Signature": signature})


def test_twilio_send_asks_for_status_callbacks(app, twilio):
    assert send_sms(PHONE).ok
    assert twilio.sent[0]["StatusCallback"] == CALLBACK


def test_twilio_callback_with_a_good_signature_stores_undelivered(app, client, twilio):
    send_sms(PHONE)
    sid = attempt().message_id
    response = callback(client, {"MessageSid": sid, "MessageStatus": "undelivered",
                                 "ErrorCode": "30003", "To": PHONE, "AccountSid": "AC123"})
    assert response.status_code == 204
    row = attempt()
    assert (row.delivery_status, row.delivery_error) == ("undelivered",
                                                         "30003 Unreachable destination handset")


def test_twilio_callbacks_never_move_a_message_backwards(app, client, twilio):
    send_sms(PHONE)
    sid = attempt().message_id
    callback(client, {"MessageSid": sid, "MessageStatus": "delivered"})
    callback(client, {"MessageSid": sid, "MessageStatus": "sent"})  # arrives late
    row = attempt()
    assert row.delivery_status == "delivered" and row.delivered_at is not None


def test_twilio_callback_with_a_bad_signature_is_refused(app, client, twilio):
    send_sms(PHONE)
    form = {"MessageSid": attempt().message_id, "MessageStatus": "delivered"}
    forged = callback(client, form, token="not-the-token")
    assert forged.status_code == 403
    assert forged.get_json()["code"] == "callback_signature_invalid"
    assert forged.get_json()["fix"]
    missing = client.post("/api/callbacks/twilio", data=form, csrf=False)
    assert missing.status_code == 403
    other_url = callback(client, form, url="https://evil.example/api/callbacks/twilio")
    assert other_url.status_code == 403
    assert attempt().delivery_status == ""


def test_twilio_callback_without_a_configured_token_is_refused(app, client):
    response = client.post("/api/callbacks/twilio", data={"MessageSid": "SM1"}, csrf=False)
    assert response.status_code == 403 and response.get_json()["code"] == "not_configured"


def test_aliyun_query_send_details_by_the_cli(app, runner, aliyun):
    send_sms(PHONE)
    send_sms("+8613912340000")
    first, second = db.session.scalars(db.select(DeliveryAttempt).order_by(DeliveryAttempt.id))
    aliyun.receipts[first.message_id] = (3, "DELIVERED", "2026-11-23 18:00:05")
    aliyun.receipts[second.message_id] = (2, "IC:0015", "")
    result = runner.invoke(args=["delivery", "poll"])
    assert result.exit_code == 0, result.output
    assert "aliyun: checked 2, updated 2" in result.output
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.delivery_status == "delivered"
    assert first.delivered_at.isoformat() == "2026-11-23T10:00:05+00:00"  # Beijing -> UTC
    assert (second.delivery_status, second.delivery_error) == ("undelivered", "IC:0015")
    assert {q["PhoneNumber"] for q in aliyun.queries} == {"13912345678", "13912340000"}
    assert all(len(q["SendDate"]) == 8 for q in aliyun.queries)


def test_aliyun_waiting_receipt_stays_pending(app, aliyun):
    send_sms(PHONE)
    summary = delivery_status.poll_recent()["aliyun"]
    assert (summary.checked, summary.failures) == (1, [])
    assert attempt().delivery_status == "sent"  # with the carrier: asked again next run
    assert len(delivery_status.pending("aliyun", 48)) == 1


def test_a_failing_status_query_stops_and_is_reported(app, runner, aliyun):
    send_sms(PHONE)
    send_sms("+8613912340000")
    aliyun.keys.clear()  # the key was deleted at Alibaba
    result = runner.invoke(args=["delivery", "poll"])
    assert result.exit_code == 1
    assert "[auth_failed]" in result.output and "InvalidAccessKeyId.NotFound" in result.output
    assert "s3cr3t" not in result.output


def test_tencent_pull_send_status(app, runner, tencent):
    send_sms(PHONE)
    row = attempt()
    tencent.receipt(row.message_id, PHONE, ok=False, description="DB:0141 黑名单")
    tencent.receipt("5000:unknown", "+8613800000000", ok=True)  # sent by another system
    result = runner.invoke(args=["delivery", "poll"])
    assert result.exit_code == 0, result.output
    assert "tencent: checked 2, updated 1" in result.output
    db.session.refresh(row)
    assert (row.delivery_status, row.delivery_error) == ("undelivered", "DB:0141 黑名单")
    assert tencent.pulls == 2  # pulled until the queue was empty


def test_the_button_polls_one_attempt(app, client, auth, tencent):
    send_sms(PHONE)
    row = attempt()
    tencent.receipt(row.message_id, PHONE, ok=True)
    auth.login()
    response = client.post(f"/admin/diagnostics/attempts/{row.id}/poll",
                           data={"next": "/admin/logs/notifications"})
    assert response.headers["Location"].endswith("/admin/logs/notifications")
    db.session.refresh(row)
    assert row.delivery_status == "delivered"


def test_the_button_refuses_gateways_without_a_status_query(app, client, auth):
    send_sms(PHONE)  # the log gateway
    auth.login()
    response = client.post(f"/admin/diagnostics/attempts/{attempt().id}/poll",
                           data={"next": "https://evil.example/"}, follow_redirects=True)
    assert "status_unsupported" in response.get_data(as_text=True)
