"""System → Global settings tabs: save as a whole, inline errors, secrets never shown."""

import re

import pytest

from core import settings
from core.settings.forms import field_name
from extensions import db
from models import AuditEntry

SECRET = "sms.aliyun.access_key_secret"


def tab_form(client, group):
    """The tab's current form values as a browser would submit them."""
    html = client.get(f"/admin/settings/{group}").get_data(as_text=True)
    html = html[html.index('class="settings-form"'):]
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        if "name" not in attrs:
            continue
        if attrs.get("type") == "checkbox":
            if "checked" in tag:
                data[attrs["name"]] = attrs.get("value", "y")
            continue
        data[attrs["name"]] = attrs.get("value", "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                           body)
        data[name] = next(g for g in chosen.groups() if g is not None) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    data.pop("csrf_token", None)
    return data


@pytest.fixture
def signed_in(client, auth):
    auth.login()
    auth.confirm_protection()
    return client


@pytest.mark.parametrize("group", ["basic", "sms", "email", "wechat", "member", "api"])
def test_every_tab_renders(signed_in, group):
    page = signed_in.get(f"/admin/settings/{group}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Save settings" in html or "保存设置" in html


def test_unknown_tab_is_404(signed_in):
    assert signed_in.get("/admin/settings/nope").status_code == 404


def test_saving_a_tab_stores_every_field_and_audits(signed_in):
    form = tab_form(signed_in, "member")
    form[field_name("member.code_length")] = "8"
    form[field_name("member.daily_cap_phone")] = "15"
    form[field_name("member.require_qq")] = "y"
    response = signed_in.post("/admin/settings/member", data=form)
    assert response.status_code == 302
    settings.invalidate()
    assert settings.get("member.code_length") == 8
    assert settings.get("member.daily_cap_phone") == 15
    assert settings.get("member.require_qq") is True
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "settings.update"))
    assert entry.changes["member.code_length"] == [6, 8]
    assert entry.target == "member"


def test_a_bad_value_shows_inline_and_saves_nothing(signed_in):
    form = tab_form(signed_in, "member")
    form[field_name("member.code_length")] = "7"
    form[field_name("member.code_ttl_minutes")] = "abc"
    response = signed_in.post("/admin/settings/member", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'is-invalid' in html and "invalid-feedback" in html
    assert "invalid_input" in html
    settings.invalidate()
    assert settings.get("member.code_length") == 6
    # The admin's other input is kept in the re-shown form.
    assert 'value="7"' in html


def test_cross_field_errors_show_under_the_field(signed_in):
    form = tab_form(signed_in, "member")
    form[field_name("member.password_min")] = "30"
    form[field_name("member.password_max")] = "20"
    html = signed_in.post("/admin/settings/member", data=form).get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="member__password_max"[^>]*>', html).group(0)
    assert "is-invalid" in tag
    assert settings.get("member.password_min") == 8


def test_secret_is_never_rendered_and_blank_keeps_it(signed_in):
    settings.update({"sms.gateway": "aliyun", "sms.aliyun.access_key_id": "LTAI-id",
                     SECRET: "TOP-SECRET-VALUE", "sms.aliyun.sign_name": "Herald"})
    for group in ["basic", "sms", "email", "wechat", "member"]:
        assert "TOP-SECRET-VALUE" not in signed_in.get(f"/admin/settings/{group}").get_data(
            as_text=True)
    for page in ["/admin/", "/admin/logs/admin-operations", "/admin/functions/"]:
        assert "TOP-SECRET-VALUE" not in signed_in.get(page).get_data(as_text=True)
    form = tab_form(signed_in, "sms")
    assert form.get(field_name(SECRET), "") == ""
    form[field_name("sms.aliyun.sign_name")] = "New sign"
    assert signed_in.post("/admin/settings/sms", data=form).status_code == 302
    settings.invalidate()
    assert settings.get(SECRET) == "TOP-SECRET-VALUE"
    assert settings.get("sms.aliyun.sign_name") == "New sign"


def test_post_without_csrf_token_is_refused(signed_in):
    form = tab_form(signed_in, "basic")
    form[field_name("basic.site_name")] = "Hijacked"
    response = signed_in.post("/admin/settings/basic", data=form, csrf=False)
    assert response.status_code == 400
    assert "csrf_failed" in response.get_data(as_text=True)
    assert settings.get("basic.site_name") == "Herald"
