"""The log pages show delivery status, the "check delivery" button and the export link."""

from core import clock
from extensions import db
from models import DeliveryAttempt, VerificationCode

EN = {"Accept-Language": "en"}


def sent_attempt(**fields):
    row = DeliveryAttempt(channel="sms", gateway="aliyun", destination="+8613800138000",
                          status="sent", message_id="123^0", **fields)
    db.session.add(row)
    db.session.commit()
    return row


def test_notification_log_shows_delivery_and_the_poll_button(client, auth):
    sent_attempt(purpose="server_opened")
    sent_attempt(purpose="server_renewed", delivery_status="undelivered",
                 delivery_error="MOBILE_NOT_ON_SERVICE")
    auth.login()
    html = client.get("/admin/logs/notifications", headers=EN).get_data(as_text=True)
    assert "Check delivery" in html and "Undelivered" in html
    assert "MOBILE_NOT_ON_SERVICE" in html
    assert "/admin/logs/export/notifications.csv" in html


def test_code_log_shows_the_delivery_of_its_attempt(client, auth):
    attempt = sent_attempt(purpose="register", delivery_status="delivered",
                           delivered_at=clock.now())
    db.session.add(VerificationCode(scene="register", channel="sms",
                                    destination="+8613800138000", status="sent",
                                    gateway="aliyun", attempt_id=attempt.id,
                                    expires_at=clock.now()))
    db.session.commit()
    auth.login()
    html = client.get("/admin/logs/codes", headers=EN).get_data(as_text=True)
    assert "Delivered" in html and "/admin/logs/export/codes.csv" in html


def test_operators_see_no_export_link(client, admin):
    from core.admins import make_admin

    make_admin("ops", "operator-password", role="operator")
    client.post("/admin/login", data={"username": "ops", "password": "operator-password"})
    html = client.get("/admin/logs/codes", headers=EN).get_data(as_text=True)
    assert "/admin/logs/export/" not in html
    assert client.get("/admin/logs/export/codes.csv").status_code == 403
