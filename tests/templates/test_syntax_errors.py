"""Jinja's English parse errors are said again in the admin's language, with the line."""

from __future__ import annotations

import pytest

from services.notify import events
from services.templates.validation import check

OPENED = events.get("server_opened")


def reasons(source: str) -> list[str]:
    return [str(p) for p in check(source, OPENED.variable_names(), "text", 5000)]


@pytest.mark.parametrize(("source", "words"), [
    ("Hi\n{% if server_name %}never closed",
     "Line 2: Syntax error: The {% if %} block is never closed: add {% endif %}."),
    ("{{ server_name", "The template ends before }}."),
    ("{{ server_name }", "} is not expected here."),
    ("{% if %}x{% endif %}", "A variable or value is missing before %}."),
    ("{{ }}", "A variable or value is missing before }}."),
    ("{% foo %}", "Unknown tag {% foo %}"),
    ("{% endif %}", "Unknown tag {% endif %}"),
    ("{% if server_name %}{% endfor %}", "{% endfor %} does not belong here: the open "
                                          "{% if %} block needs {% endif %} first."),
    ("{{ server_name product }}", "Expected }} but found product."),
    ("{{ server_name|}}", "Expected a name but found }}."),
    ("{{ (server_name }}", "Expected ) but found }."),
    ('{{ "open }}', "The quote \" is never closed."),
    ("{{ server_name $ }}", "The character $ cannot be used inside {{ }} or {% %}."),
    ("{# note", "A comment opened with {# is never closed with #}."),
    ("{% %}", "A tag name is missing after {%."),
])
def test_each_kind_is_named_in_english(app, source, words):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        [reason] = reasons(source)
    assert words in reason, reason


def test_an_unknown_kind_keeps_jinja_text_as_detail(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        [problem] = check("{% raw %}never closed", [], "text", 5000)
    assert problem.reason == "Syntax error: the template cannot be read here."
    assert problem.detail == "Missing end of raw directive"
    assert "<code>Missing end of raw directive</code>" in problem.__html__()


def test_the_syntax_error_speaks_chinese(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        [reason] = reasons("好\n{% if server_name %}没有结束")
    assert reason == "第 2 行：语法错误：{% if %} 块没有结束：请加上 {% endif %}。"
