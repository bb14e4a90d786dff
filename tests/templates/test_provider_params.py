"""Tencent's numbered template parameters, and a mapping against the provider's template."""

from __future__ import annotations

import pytest

from services.notify import events
from services.templates.provider_params import check_mapping, template_variables
from services.templates.validation import TemplateInvalid, validate

OPENED = events.get("server_opened")


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def refusals(params: dict, channel: str = "sms") -> list[str]:
    parts = {"template_code": "1110", "params": params}
    try:
        validate(OPENED, channel, parts)
    except TemplateInvalid as exc:
        return [str(p) for p in exc.problems]
    return []


def test_numbered_names_are_accepted_for_sms():
    assert refusals({"1": "{{ server_name }}", "2": "{{ expires_at }}"}) == []
    assert refusals({str(n): "{{ server_name }}" for n in range(1, 11)}) == []


@pytest.mark.parametrize(("params", "words"), [
    ({"1": "a", "3": "c"}, "Number the parameters 1 to 2 without gaps"),
    ({"2": "b"}, "missing: 1"),
    ({"0": "a", "1": "b"}, "missing: 2"),
    ({"1": "a", "code": "b"}, "cannot be mixed with named ones"),
    ({"01": "a"}, "without leading zeros"),
])
def test_numbering_with_gaps_or_mixed_is_refused(params, words):
    found = refusals(params)
    assert len(found) == 1 and words in found[0], found


def test_the_gap_refusal_speaks_chinese(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        try:
            validate(OPENED, "sms", {"template_code": "1", "params": {"1": "a", "3": "c"}})
        except TemplateInvalid as exc:
            [problem] = exc.problems
    assert "缺少：2" in str(problem) and "1 到 2" in str(problem)


def test_wechat_field_names_still_start_with_a_letter():
    found = refusals({"1": "{{ server_name }}"}, channel="wechat")
    assert any("1 is not a valid parameter name" in text for text in found), found


def test_template_variables_in_order_of_first_use():
    assert template_variables("tencent", "码{1}，{2}分钟内有效，{1}") == ["1", "2"]
    assert template_variables("aliyun", "验证码${code}，${minutes}分钟") == ["code", "minutes"]
    assert template_variables("twilio", "{1} ${code}") == []


def test_tencent_numbered_mapping_against_the_approved_text():
    text = "您的验证码为{1}，{2}分钟内有效。"
    assert check_mapping("tencent", {"1": "x", "2": "y"}, text) == []
    [missing] = check_mapping("tencent", {"1": "x"}, text)
    assert "uses 2" in str(missing)
    [extra] = check_mapping("tencent", {"1": "x", "2": "y", "3": "z"}, text)
    assert "has no 3" in str(extra)


def test_tencent_named_mapping_can_only_be_counted():
    text = "您的验证码为{1}，{2}分钟内有效。"
    assert check_mapping("tencent", {"code": "x", "minutes": "y"}, text) == []
    [count] = check_mapping("tencent", {"code": "x"}, text)
    assert "has 2 parameters; the mapping gives 1" in str(count)


def test_aliyun_names_must_match_and_an_empty_mapping_uses_the_event_names():
    text = "您的验证码为${code}，${minutes}分钟内有效。"
    assert check_mapping("aliyun", {"code": "x", "minutes": "y"}, text) == []
    problems = [str(p) for p in check_mapping("aliyun", {"code": "x", "min": "y"}, text)]
    assert any("uses minutes" in p for p in problems) and any("has no min" in p for p in problems)
    assert check_mapping("aliyun", {}, text, default_names=["code", "minutes"]) == []


def test_an_empty_mapping_on_aliyun_minds_only_what_the_template_uses():
    # Alibaba ignores parameters its template does not use: the editor and Diagnostics agree.
    text = "您的验证码为${code}。"
    assert check_mapping("aliyun", {}, text, default_names=["code", "minutes"]) == []
    [missing] = check_mapping("aliyun", {}, "${code} ${order}", default_names=["code"])
    assert "uses order" in str(missing)


def test_a_provider_without_a_known_syntax_gives_no_problems():
    assert check_mapping("smsbao", {"1": "x"}, "anything {1}") == []
