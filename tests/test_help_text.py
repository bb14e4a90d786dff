"""core/help_text.code_spans on the zh_CN walk's findings: URLs, lazy text, JSON examples."""

from __future__ import annotations

from flask_babel.speaklater import LazyString

from core.help_text import code_spans


def test_a_url_stays_whole_and_unwrapped():
    html = str(code_spans("如 https://www.example.com，不需要加 /api/sms/"))
    assert "https://www.example.com，" in html and "<code>" not in html


def test_lazy_text_is_escaped_and_its_json_example_set_as_code():
    html = str(code_spans(LazyString(lambda: '例如 {"code": "123456"} <b>')))
    assert "<code>{&#34;code&#34;: &#34;123456&#34;}</code>" in html
    assert "&lt;b&gt;" in html


def test_backticked_examples_are_code():
    html = str(code_spans("For example `code=0` or `result.status=ok`."))
    assert "<code>code=0</code>" in html and "<code>result.status=ok</code>" in html
