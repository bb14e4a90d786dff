"""System → Global settings → API: the tab, its inline errors and its protection."""

import re

import pytest

from core import settings
from core.admins import make_admin
from core.settings.forms import field_name
from extensions import db
from models import AuditEntry
from tests.test_settings_pages import tab_form

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
IPS, TOLERANCE = field_name("api.allowed_ips"), field_name("api.timestamp_tolerance_seconds")
EVENTS, RESELLER = field_name("api.events_enabled"), field_name("api.reseller_enabled")


@pytest.fixture
def signed_in(client, auth):
    auth.login()
    auth.confirm_protection()
    return client


@pytest.mark.parametrize("headers, words", [
    (EN, ["API", "Enabled APIs", "Accept business events (POST /api/events)",
          "Accept reseller SMS (POST /api/sms/send)", "Request security",
          "Allowed caller addresses", "Allowed clock difference (seconds)", "Save settings"]),
    (ZH, ["接口", "启用的接口", "接收业务事件（POST /api/events）",
          "接收代理短信（POST /api/sms/send）", "请求安全", "允许调用的 IP 地址",
          "允许的时间偏差（秒）", "保存设置"]),
])
def test_the_api_tab_renders_in_both_languages(signed_in, headers, words):
    page = signed_in.get("/admin/settings/api", headers=headers)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for word in words:
        assert word in html, word
    for name in (EVENTS, RESELLER, IPS, TOLERANCE):
        assert f'name="{name}"' in html
    assert re.search(r'<input[^>]*checked[^>]*name="api__events_enabled"|'
                     r'<input[^>]*name="api__events_enabled"[^>]*checked', html)  # on by default
    assert re.search(r'<textarea[^>]*name="api__allowed_ips"', html)
    assert 'min="60"' in html and 'max="900"' in html and 'value="300"' in html


def test_the_tab_is_listed_beside_the_others(signed_in):
    html = signed_in.get("/admin/settings/basic", headers=EN).get_data(as_text=True)
    assert 'href="/admin/settings/api"' in html


def test_saving_the_tab_stores_normalised_values_and_audits(signed_in):
    form = tab_form(signed_in, "api")
    form.pop(EVENTS)  # an unticked box is not submitted
    form[IPS] = "203.0.113.10/32\r\n198.51.100.0/24, 2001:DB8::/48"
    form[TOLERANCE] = "120"
    response = signed_in.post("/admin/settings/api", data=form)
    assert response.status_code == 302
    settings.invalidate()
    assert settings.get("api.events_enabled") is False
    assert settings.get("api.reseller_enabled") is True
    assert settings.get("api.allowed_ips") == ["203.0.113.10", "198.51.100.0/24", "2001:db8::/48"]
    assert settings.get("api.timestamp_tolerance_seconds") == 120
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.target == "api"))
    assert entry.changes["api.timestamp_tolerance_seconds"] == [300, 120]
    shown = signed_in.get("/admin/settings/api").get_data(as_text=True)
    assert "203.0.113.10\n198.51.100.0/24\n2001:db8::/48</textarea>" in shown


@pytest.mark.parametrize("name, value, message", [
    (IPS, "203.0.113.10\nexample.com", "Not an IP address or CIDR network: example.com"),
    (IPS, "198.51.100.9/24", "did you mean 198.51.100.0/24?"),
    (TOLERANCE, "59", "Must be at least 60."),
    (TOLERANCE, "901", "Must be at most 900."),
    (TOLERANCE, "five", "Enter a number."),
])
def test_bad_values_are_refused_inline_and_nothing_is_saved(signed_in, name, value, message):
    form = tab_form(signed_in, "api")
    form.pop(RESELLER)  # would switch the reseller API off if the form were accepted
    form[name] = value
    response = signed_in.post("/admin/settings/api", data=form, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "invalid_input" in html
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
    assert "is-invalid" in tag
    assert message in html
    settings.invalidate()
    assert settings.get("api.reseller_enabled") is True
    assert settings.get("api.allowed_ips") == []
    assert settings.get("api.timestamp_tolerance_seconds") == 300


def test_an_inline_error_speaks_chinese_too(signed_in):
    form = {**tab_form(signed_in, "api"), IPS: "198.51.100.9/24"}
    html = signed_in.post("/admin/settings/api", data=form, headers=ZH).get_data(as_text=True)
    assert "198.51.100.9/24 的主机位不为零：是否应为 198.51.100.0/24？" in html


def test_api_rules_need_operation_protection(client, auth):
    auth.login()  # no confirmed code yet
    form = {**tab_form(client, "api"), TOLERANCE: "600"}
    response = client.post("/admin/settings/api", data=form)
    assert response.status_code == 302 and "/admin/confirm/" in response.headers["Location"]
    settings.invalidate()
    assert settings.get("api.timestamp_tolerance_seconds") == 300


def test_operators_see_the_tab_but_cannot_change_it(client, app):
    make_admin("ops", "operator-password", role="operator", email="ops@example.com")
    client.post("/admin/login", data={"username": "ops", "password": "operator-password"})
    assert client.get("/admin/settings/api").status_code == 200
    form = {**tab_form(client, "api"), IPS: "203.0.113.10"}
    assert client.post("/admin/settings/api", data=form).status_code == 403
    settings.invalidate()
    assert settings.get("api.allowed_ips") == []
