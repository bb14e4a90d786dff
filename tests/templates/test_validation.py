"""Templates are refused at save with line and reason; the sandbox bounds what still runs."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from services.notify import events
from services.templates import rendering
from services.templates.validation import TemplateInvalid, check, validate

OPENED = events.get("server_opened")
ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ 'a'|attr('format') }}",
    "{{ 'x' * 10**9 }}",
    "{{ server_name.__class__ }}",
    "{{ server_name['__class__'] }}",
    "{{ lipsum.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ server_name.format(1) }}",
    "{% for i in range(10**6) %}x{% endfor %}",
    "{% set x = server_name %}{{ x }}",
    "{% include 'admin/layout.html' %}",
    "{% macro m() %}{% endmacro %}",
    "{{ server_name|map('upper')|list }}",
    "{{ 2 ** 64 }}",
]


@pytest.fixture(autouse=True)
def english(app):
    """Reasons are words for the admin: read them in English here (zh_CN is the default)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_reasons_speak_the_admins_language(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert reasons("{{ ''.__class__ }}") == [
            "第 1 行：不允许访问属性（.name）：模板只能使用该事件的变量。"]


def reasons(source: str, part: str = "text") -> list[str]:
    return [str(p) for p in check(source, OPENED.variable_names(), part, 5000)]


@pytest.mark.parametrize("source", ESCAPES)
def test_every_sandbox_escape_is_refused_with_a_line(app, source):
    found = reasons("Hello\n" + source)
    assert found and all(reason.startswith("Line 2:") for reason in found), found


def test_each_escape_names_its_reason(app):
    assert "Attribute access" in reasons("{{ ''.__class__.__mro__ }}")[0]
    assert "The filter attr is not allowed." in reasons("{{ 'a'|attr('format') }}")[0]
    assert "Arithmetic is not allowed" in reasons("{{ 'x' * 10**9 }}")[0]


def test_a_parse_error_gives_its_line_and_reason(app):
    [reason] = reasons("one\ntwo\n{% if server_name %}never closed")
    assert reason.startswith("Line 3:") and "Syntax error" in reason


def test_an_unknown_variable_is_refused_listing_the_known_ones(app):
    [reason] = reasons("Hi {{ member_name }}\n{{ passwrod }}")
    assert reason.startswith("Line 2:") and "passwrod" in reason and "server_name" in reason


def test_plain_variables_filters_and_conditions_pass(app):
    source = ("{{ server_name|upper }} {{ member_name|default('customer') }} "
              "{% if expires_at %}until {{ expires_at|truncate(20) }}{% else %}-{% endif %}")
    assert reasons(source) == []


def test_length_is_bounded_per_part(app):
    [problem] = check("x" * 11, [], "text", 10)
    assert "at most 10 characters" in str(problem)
    with pytest.raises(TemplateInvalid) as refused:
        validate(OPENED, "sms", {"text": "x" * 1001})
    assert refused.value.problems[0].part == "text"


def test_parameter_mappings_are_checked_like_templates(app):
    with pytest.raises(TemplateInvalid) as refused:
        validate(OPENED, "sms", {"params": {"code": "{{ ''.__class__ }}", "bad name": "x"}})
    parts = {(p.part, str(p)) for p in refused.value.problems}
    assert any("code:" in text and "Attribute access" in text for _part, text in parts)
    assert any("bad name" in text for _part, text in parts)


def test_template_codes_are_short_and_plain(app):
    with pytest.raises(TemplateInvalid):
        validate(OPENED, "wechat", {"template_code": "id with spaces", "params": {"first": "x"}})
    validate(OPENED, "wechat", {"template_code": "ngqIpbwh8bUf-cSsEC_mog",
                                "params": {"first": "x"}})


def test_render_time_bounds_hold_for_a_template_never_validated(app):
    with pytest.raises(SecurityError):
        rendering.render_text("{{ 'x' * 10**9 }}", {})
    with pytest.raises(SecurityError):
        rendering.render_text("{{ 10 ** 100 }}", {})
    with pytest.raises(rendering.OutputTooLarge):
        rendering.render_text("{% for i in range(90000) %}{{ 'x' }}{% endfor %}", {})
    with pytest.raises(SecurityError):
        rendering.render_text("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})


def test_html_email_is_autoescaped_and_text_is_not(app):
    rendered = rendering.render_parts({"html": "<p>{{ server_name }}</p>",
                                       "text": "{{ server_name }}"},
                                      {"server_name": "<script>alert(1)</script>"})
    assert rendered.html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert rendered.text == "<script>alert(1)</script>"


def test_every_default_template_passes_validation(app):
    from services.templates import defaults as template_defaults

    for (purpose, channel, _locale), parts in template_defaults.DEFAULTS.items():
        validate(events.get(purpose), channel, parts)


def test_every_event_has_defaults_on_every_channel_in_both_languages(app):
    from services.templates import defaults as template_defaults

    for event in events.EVENTS.values():
        for channel in event.channels:
            for locale in ("zh_CN", "en"):
                assert (event.name, channel, locale) in template_defaults.DEFAULTS


@pytest.mark.parametrize("channel, parts, part", [
    ("sms", {"text": " "}, "text"),
    ("email", {"subject": "", "html": "<p>x</p>"}, "subject"),
    ("email", {"subject": "s"}, "text"),
    ("insite", {"subject": "t", "text": ""}, "text"),
    ("wechat", {"template_code": "T1"}, "params"),
])
def test_a_template_that_would_send_nothing_is_refused(app, channel, parts, part):
    with pytest.raises(TemplateInvalid) as refused:
        validate(OPENED, channel, parts)
    assert [p.part for p in refused.value.problems] == [part]


def test_an_sms_template_may_be_number_only(app):
    validate(OPENED, "sms", {"template_code": "SMS_154950909"})
