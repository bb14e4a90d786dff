"""Signatures typed with 【】, [] or stray spaces: refused at save, named at send."""

from __future__ import annotations

import re

import pytest

from core import settings
from gateways.errors import clean_sign, sign_extras, sign_mismatch
from gateways.result import SendResult
from tests.test_settings_pages import signed_in, tab_form  # noqa: F401  (fixture)

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(("typed", "extras", "clean"), [
    ("Herald", "", "Herald"),
    ("【Herald】", "【】", "Herald"),
    ("[Herald]", "[]", "Herald"),
    ("［赫拉德］", "［］", "赫拉德"),
    (" Herald ", " ", "Herald"),
    ("赫拉\u3000德", "\u3000", "赫拉德"),
    ("Acme Cloud", "", "Acme Cloud"),  # an inner ASCII space may be part of the name
])
def test_extras_and_the_clean_signature(typed, extras, clean):
    assert (sign_extras(typed), clean_sign(typed)) == (extras, clean)


def test_only_a_refused_sign_with_extras_becomes_sign_mismatch():
    refused = SendResult.failed("aliyun", "sign_not_found", "isv.SMS_SIGNATURE_ILLEGAL", "x")
    assert sign_mismatch(refused, "【Herald】").error == "sign_mismatch"
    other = SendResult.failed("aliyun", "auth_failed", "SignatureDoesNotMatch", "x")
    assert sign_mismatch(other, "【Herald】").error == "auth_failed"
    clean = SendResult.failed("aliyun", "sign_not_found", "isv.SMS_SIGNATURE_ILLEGAL", "x")
    assert sign_mismatch(clean, "Herald").error == "sign_not_found"


def _post_sms_tab(client, headers, **values):
    form = tab_form(client, "sms")
    form.update(values)
    return client.post("/admin/settings/sms", data=form, headers=headers)


@pytest.mark.parametrize(("field", "typed"), [
    ("sms__aliyun__sign_name", "【Herald】"),
    ("sms__tencent__sign_name", "Her\u3000ald"),
    ("sms__smsbao__signature", "[Herald]"),
])
def test_a_bracketed_sign_is_refused_inline_at_save(signed_in, field, typed):  # noqa: F811
    response = _post_sms_tab(signed_in, EN, **{field: typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "sign_mismatch" in html
    assert "the provider adds 【】 itself; write “Herald”." in html
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
    assert "is-invalid" in tag
    settings.invalidate()
    assert settings.get(field.replace("__", ".")) == ""


def test_the_refusal_names_invisible_spaces(signed_in):  # noqa: F811
    # Spaces around a value are already trimmed by every text setting; inside they stay.
    html = _post_sms_tab(signed_in, EN, sms__tencent__sign_name="【Her\u3000ald】").get_data(
        as_text=True)
    assert "remove 【, full-width spaces, 】, the provider adds" in html


def test_the_refusal_speaks_chinese(signed_in):  # noqa: F811
    html = _post_sms_tab(signed_in, ZH, sms__aliyun__sign_name="【Herald】").get_data(
        as_text=True)
    assert "签名数据不一致" in html and "短信商会自动加上【】" in html


def test_a_clean_sign_is_saved(signed_in):  # noqa: F811
    response = _post_sms_tab(signed_in, EN, sms__aliyun__sign_name="Herald")
    assert response.status_code == 302
    settings.invalidate()
    assert settings.get("sms.aliyun.sign_name") == "Herald"
