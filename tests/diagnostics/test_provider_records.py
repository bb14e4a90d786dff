"""What the provider holds, on the Diagnostics page: the signature's and each template
number's review state with the reviewer's reason, an approved template whose variables do
not match Herald's mapping, and the query itself failing."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from markupsafe import escape

from core import catalog, settings
from tests.diagnostics.conftest import ALIYUN
from tests.diagnostics.helpers import EN, ZH, family_of, page, sms_template

CODE_TEXT = "您的验证码为${code}，该验证码5分钟内有效，请勿泄漏于他人！"


def shows(html: str, code: str, locale: str = "en") -> bool:
    return (f"<code>{code}</code>" in html
            and str(escape(catalog.message(code, locale))) in html
            and str(escape(catalog.fix(code, locale))) in html)


@pytest.mark.parametrize(("headers", "locale"), [(EN, "en"), (ZH, "zh_CN")])
def test_a_refused_signature_shows_the_providers_reason(app, client, auth, aliyun, headers,
                                                       locale):
    aliyun.sign_records["Herald"] = (2, "签名与企业名称不符")
    auth.login()

    records = family_of(page(client, "/admin/diagnostics/", headers), "records")

    assert shows(records, "sign_refused", locale) and "签名与企业名称不符" in records
    assert [q["SignName"] for q in aliyun.record_queries if "SignName" in q] == ["Herald"]


def test_every_template_state_with_its_code(app, client, auth, aliyun):
    aliyun.template_records.update({
        "SMS_100": (1, CODE_TEXT, ""), "SMS_200": (0, CODE_TEXT, ""),
        "SMS_300": (2, CODE_TEXT, "模板内容含有营销信息")})
    sms_template("login", "SMS_100")
    sms_template("register", "SMS_200")
    sms_template("reset_password", "SMS_300")
    sms_template("change_phone", "SMS_404")
    auth.login()

    records = family_of(page(client, "/admin/diagnostics/"), "records")

    assert shows(records, "template_reviewing") and "SMS_200" in records
    assert shows(records, "template_refused") and "模板内容含有营销信息" in records
    assert shows(records, "template_not_found") and "SMS_404" in records
    assert "1 template numbers in use are approved." in records
    assert "Member sign-in code" not in records  # the approved one needs no row of its own
    asked = {q["TemplateCode"] for q in aliyun.record_queries if "TemplateCode" in q}
    assert asked == {"SMS_100", "SMS_200", "SMS_300", "SMS_404"}


def test_an_approved_template_whose_variables_differ_from_the_mapping(app, client, auth,
                                                                     aliyun):
    aliyun.template_records["SMS_100"] = (1, CODE_TEXT, "")
    sms_template("login", "SMS_100", params={"otp": "{{ code }}"})
    auth.login()

    records = family_of(page(client, "/admin/diagnostics/"), "records")

    assert shows(records, "template_params_mismatch")
    assert "uses code, which the mapping does not give" in records
    assert "has no otp; remove it from the mapping" in records


def test_a_matching_mapping_is_no_finding(app, client, auth, aliyun):
    aliyun.template_records["SMS_100"] = (1, CODE_TEXT, "")
    sms_template("login", "SMS_100", params={"code": "{{ code }}"})
    auth.login()
    assert "template_params_mismatch" not in page(client, "/admin/diagnostics/")


def test_tencent_templates_and_the_signature_by_its_id(app, client, auth, tencent):
    tencent.template_records.update({1001: (0, "验证码{1}", ""), 1002: (-1, "", "变量格式不规范")})
    tencent.sign_records[3001] = (-1, "Herald", "签名未提供证明材料")
    settings.update({"sms.tencent.sign_id": "3001"})
    sms_template("login", "1001", params={"1": "{{ code }}"})
    sms_template("register", "1002")
    auth.login()

    records = family_of(page(client, "/admin/diagnostics/"), "records")

    assert shows(records, "sign_refused") and "签名未提供证明材料" in records
    assert shows(records, "template_refused") and "变量格式不规范" in records
    bodies = [body for action, body in tencent.record_queries
              if action == "DescribeSmsTemplateList"]
    assert len(bodies) == 1 and sorted(bodies[0]["TemplateIdSet"]) == [1001, 1002]
    assert bodies[0]["International"] == 0


def test_tencent_sign_approved_under_another_name_is_a_mismatch(app, client, auth, tencent):
    tencent.sign_records[3001] = (0, "Herald Cloud", "")
    settings.update({"sms.tencent.sign_id": "3001"})
    auth.login()
    records = family_of(page(client, "/admin/diagnostics/"), "records")
    assert shows(records, "sign_mismatch") and "Herald Cloud" in records


def test_tencent_without_a_sign_id_asks_for_it(app, client, auth, tencent):
    auth.login()
    records = family_of(page(client, "/admin/diagnostics/"), "records")
    assert "Fill in the signature ID" in records and "check-fail" not in records


def test_the_query_failing_is_one_finding_with_its_code(app, client, auth, aliyun):
    aliyun.keys["LTAI-test"] = "another-secret"  # Alibaba no longer accepts our secret
    auth.login()
    records = family_of(page(client, "/admin/diagnostics/"), "records")
    assert shows(records, "auth_failed") and "SignatureDoesNotMatch" in records
    assert records.count("check-result check-fail") == 1
    assert ALIYUN["sms.aliyun.access_key_secret"] not in records


def test_the_sign_id_must_be_digits(app):
    with pytest.raises(settings.SettingsInvalid) as caught:
        settings.update({"sms.tencent.sign_id": "sign-1"})
    with force_locale("en"):
        assert "digits only" in str(caught.value.errors["sms.tencent.sign_id"])
