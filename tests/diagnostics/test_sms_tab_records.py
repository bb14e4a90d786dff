"""The SMS tab beside the active gateway: the provider's last known word on the signature,
the templates and the balance, "Check now", and the check a save runs first."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from core import settings
from tests.diagnostics.helpers import EN, page, sms_template, store_unchecked
from tests.fakes.balances import SmsbaoBalanceFake
from tests.fakes.httpserver import FakeServer
from tests.test_settings_pages import tab_form

CODE_TEXT = "您的验证码为${code}，请勿泄漏。"


@pytest.fixture
def signed_in(client, auth):
    auth.login()
    auth.confirm_protection()
    return client


def block(html: str) -> str:
    return html.split('id="provider-status"', 1)[1].split("</fieldset>", 1)[0]


def save(client, **values):
    form = tab_form(client, "sms")
    form.update(values)
    return client.post("/admin/settings/sms", data=form, headers=EN)


def test_the_block_sits_beside_the_active_gateway_until_checked(signed_in, aliyun):
    html = page(signed_in, "/admin/settings/sms")
    fieldset = html.split('data-gateway="aliyun"', 1)[1].split("</fieldset>", 1)[0]
    assert 'id="provider-status"' in fieldset and "Not checked yet." in fieldset
    assert 'form="provider-check"' in fieldset and 'id="provider-check"' in html
    assert aliyun.record_queries == []  # showing the tab asks the provider nothing


def test_check_now_shows_each_state_and_the_reason(signed_in, aliyun):
    aliyun.template_records.update({"SMS_1": (1, CODE_TEXT, ""),
                                    "SMS_2": (2, CODE_TEXT, "模板内容含有营销信息")})
    sms_template("login", "SMS_1")
    sms_template("register", "SMS_2")

    response = signed_in.post("/admin/settings/sms/provider-check")

    assert response.status_code == 302 and response.location.endswith("#provider-status")
    shown = block(page(signed_in, "/admin/settings/sms"))
    rows = re.findall(r'<li class="record" data-status="(\w+)">.*?<code>([^<]+)</code>', shown,
                      re.S)
    assert sorted(rows) == [("approved", "Herald"), ("approved", "SMS_1"), ("refused", "SMS_2")]
    assert "模板内容含有营销信息" in shown
    assert "<code>template_refused</code>" in shown and "Last checked" in shown


def test_diagnostics_fills_the_same_block(signed_in, aliyun):
    aliyun.sign_records["Herald"] = (0, "")
    page(signed_in, "/admin/diagnostics/")
    shown = block(page(signed_in, "/admin/settings/sms"))
    assert 'data-status="reviewing"' in shown and "<code>sign_reviewing</code>" in shown


def test_a_save_with_a_refused_signature_is_refused_inline(signed_in, aliyun):
    aliyun.sign_records["Other"] = (2, "签名与企业名称不符")

    response = save(signed_in, sms__aliyun__sign_name="Other")

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "sign_refused" in html and "签名与企业名称不符" in html
    tag = re.search(r'<input[^>]*name="sms__aliyun__sign_name"[^>]*>', html).group(0)
    assert "is-invalid" in tag
    settings.invalidate()
    assert settings.get("sms.aliyun.sign_name") == "Herald"


def test_a_save_with_an_unknown_signature_is_refused(signed_in, aliyun):
    html = save(signed_in, sms__aliyun__sign_name="Nobody").get_data(as_text=True)
    assert "sign_not_found" in html
    settings.invalidate()
    assert settings.get("sms.aliyun.sign_name") == "Herald"


def test_a_signature_under_review_is_saved_with_a_warning(signed_in, aliyun):
    aliyun.sign_records["Fresh"] = (0, "")
    response = save(signed_in, sms__aliyun__sign_name="Fresh")
    assert response.status_code == 302
    settings.invalidate()
    assert settings.get("sms.aliyun.sign_name") == "Fresh"
    assert "sign_reviewing" in page(signed_in, "/admin/settings/sms")


def test_an_unreachable_provider_does_not_block_the_save(signed_in, aliyun, closed_port):
    dead = f"http://127.0.0.1:{closed_port}/"
    response = save(signed_in, sms__aliyun__endpoint=dead, sms__aliyun__sign_name="Other")
    assert response.status_code == 302
    settings.invalidate()
    assert settings.get("sms.aliyun.endpoint") == dead
    html = page(signed_in, "/admin/settings/sms")
    assert "could not be asked" in html and "saved unchecked" in html


def test_a_save_that_changes_nothing_of_the_gateway_asks_nothing(signed_in, aliyun):
    assert save(signed_in, sms__breaker_threshold="7").status_code == 302
    assert aliyun.record_queries == []


@pytest.fixture
def smsbao(app) -> Iterator[SmsbaoBalanceFake]:
    fake = SmsbaoBalanceFake("herald", "pass-word", "api-key-123", left=42)
    with FakeServer(fake) as server:
        store_unchecked({"sms.gateway": "smsbao", "sms.smsbao.username": "herald",
                         "sms.smsbao.password": "api-key-123", "sms.smsbao.signature": "Herald",
                         "sms.smsbao.endpoint": server.url + "/",
                         "sms.balance_low_threshold": 100})
        yield fake


def test_check_now_reads_the_balance_and_marks_it_low(signed_in, smsbao):
    signed_in.post("/admin/settings/sms/provider-check")
    shown = block(page(signed_in, "/admin/settings/sms"))
    assert "42 messages" in shown and "<code>balance_low</code>" in shown
    assert smsbao.balance_queries == 1
