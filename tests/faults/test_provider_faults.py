"""The SMS provider misbehaves: it stalls, answers 500, resets the connection, has no DNS.

Each time, through the live app: the member's send-code answers as usual (the gateway runs
after the answer) and the code log records the catalog code; the admin's Test send shows
the catalog code and its fix; the reseller API queues the message and its status shows the
catalog code. Failover
to the fallback happens only when the message certainly did not go out (an outage, no DNS),
never after a read timeout or a dropped connection. A code sent before the fault still
works, and once the fault is gone the same app object sends again — no restart.
"""

from __future__ import annotations

import re

import pytest

from core import catalog, settings
from extensions import db
from models import DeliveryAttempt
from models.code import VerificationCode
from tests.faults.conftest import PHONE, TEMPLATE_CODES
from tests.reseller.conftest import body, get, make_reseller, make_template, post, quota_of

JSON = {"Accept": "application/json"}
EN = {"Accept-Language": "en"}

# fault -> (catalog code, provider raw code, whether the log fallback takes over)
FAULTS = {
    "stall": ("timeout", "read_timeout", False),
    "error500": ("unreachable", "HTTP 500", True),
    "reset": ("unreachable", "connection_dropped", False),
    "dns": ("unreachable", "dns_failure", True),
}


def inject(provider, fault: str) -> None:
    if fault == "dns":
        settings.update({"sms.aliyun.endpoint": "https://sms-provider.invalid/"})
    else:
        provider.mode = fault


def heal(provider) -> None:
    provider.mode = "ok"
    settings.update({"sms.aliyun.endpoint": provider.server.url + "/"})


def send_code(client, scene: str):
    response = client.post("/codes/send", data={"scene": scene, "destination": PHONE},
                           headers=JSON, buffered=True)
    response.close()  # the gateway runs here, after the answer
    return response


def code_row(scene: str) -> VerificationCode:
    db.session.rollback()
    return db.session.scalar(db.select(VerificationCode).where(
        VerificationCode.scene == scene).order_by(VerificationCode.id.desc()))


def admin_test_send(client, template_code: str = "SMS_800002"):
    return client.post("/admin/settings/sms/test-send", headers=EN, data={
        "destination": PHONE, "template_code": template_code, "params": '{"code": "123456"}'})


@pytest.fixture
def browser(app, client):
    """The member's own browser (the ``client`` fixture is the admin's)."""
    return app.test_client()


@pytest.mark.parametrize("fault", FAULTS)
def test_a_provider_fault_is_explained_and_recovered_from(fault, client, browser, auth, member,
                                                          provider):
    error, raw_code, fails_over = FAULTS[fault]
    # Before the fault: a sign-in code reaches the member and is not used yet.
    assert send_code(browser, "login").get_json()["code"] == "sent"
    [saved_code] = provider.codes_for(PHONE, "login")
    before = db.session.scalar(db.select(db.func.count()).select_from(DeliveryAttempt))

    inject(provider, fault)
    answer = send_code(browser, "reset_password")
    assert answer.status_code == 200 and answer.get_json()["code"] == "sent"
    row = code_row("reset_password")
    tried = [(a.gateway, a.error, a.raw_code) for a in db.session.scalars(
        db.select(DeliveryAttempt).order_by(DeliveryAttempt.id))][before:]
    assert tried[0] == ("aliyun", error, raw_code)
    if fails_over:  # certainly not sent: the fallback delivers it
        assert [gateway for gateway, *_ in tried] == ["aliyun", "log"]
        assert (row.status, row.gateway) == ("sent", "log")
    else:  # may have been sent: no second copy of a code, the failure is recorded
        assert len(tried) == 1
        assert (row.status, row.error) == ("failed", error)

    auth.login()
    page = admin_test_send(client)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Traceback" not in text
    assert f"<code>{error}</code>" in text
    assert catalog.fix(error, "en") in text.replace("&#39;", "'")

    heal(provider)  # the same app object, no restart
    assert send_code(browser, "register").get_json()["code"] == "sent"
    assert len(provider.codes_for(PHONE, "register")) == 1
    healed = admin_test_send(client).get_data(as_text=True)
    assert "Sending failed" not in healed and re.search(r"Sent\s*·\s*Alibaba Cloud SMS", healed)

    # Nothing saved before the fault was lost: the first code still signs the member in.
    signed_in = browser.post("/login/code", data={"phone": PHONE, "code": saved_code})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/account/")


@pytest.mark.parametrize("fault", FAULTS)
def test_the_reseller_api_answers_a_provider_fault_with_a_catalog_code(fault, client, provider):
    error, _raw_code, fails_over = FAULTS[fault]
    make_template(provider_template_code=TEMPLATE_CODES["login"])
    account, credentials = make_reseller()
    inject(provider, fault)
    answer = post(client, credentials, body(), **EN)
    data = answer.get_json()
    # Queued at once whatever the provider does; the worker's outcome is the status's.
    assert (answer.status_code, data["code"], data["status"]) == (202, "ok", "queued")
    status = get(client, credentials, f"/api/sms/messages/{data['message_id']}",
                 **EN).get_json()
    if fails_over:
        assert status["status"] == "sent"
    else:
        # The upstream's own gateway failed in a way that may have sent it: charged.
        assert (status["status"], status["error"]) == ("failed", error)
        assert quota_of(account) == 4
    heal(provider)
    again = post(client, credentials, body(), **EN)
    assert again.status_code == 202 and again.get_json()["code"] == "ok"
