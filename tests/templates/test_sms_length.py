"""An SMS's length as the phone receives it: GSM-7 / UCS-2 units and billed segments."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services.templates.sms_length import (
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    UCS2,
    measure,
    phone_text,
)

JS = Path(__file__).resolve().parents[2] / "static" / "js" / "sms-length.js"


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", GSM7, 0, 0),
    ("a" * 160, GSM7, 160, 1),
    ("a" * 161, GSM7, 161, 2),
    ("a" * 306, GSM7, 306, 2),  # two parts of 153
    ("a" * 307, GSM7, 307, 3),
    ("€" * 80, GSM7, 160, 1),  # an extension character is an escape plus itself
    ("€" * 80 + "a", GSM7, 161, 2),
    ("{[~]}|^\\" * 2, GSM7, 32, 1),
    ("验" * 70, UCS2, 70, 1),
    ("验" * 71, UCS2, 71, 2),
    ("验" * 134, UCS2, 134, 2),  # two parts of 67
    ("验" * 135, UCS2, 135, 3),
    ("a" * 69 + "é", GSM7, 70, 1),  # é is in the GSM basic table
    ("a" * 70 + "ê", UCS2, 71, 2),  # ê is not: the whole text turns UCS-2
    ("😀" * 35, UCS2, 70, 1),  # outside the basic plane: two UTF-16 units each
    ("😀" * 35 + "a", UCS2, 71, 2),
])
def test_units_and_segments(text, encoding, units, segments):
    length = measure(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_a_part_never_splits_an_escaped_character():
    # 306 septets would fill two parts exactly, but the € cannot straddle them.
    text = "a" * 152 + "€" + "a" * 152
    assert (measure(text).units, measure(text).segments) == (306, 3)


def test_a_part_never_splits_a_surrogate_pair():
    text = "验" * 66 + "😀" + "验" * 66  # 134 units; the emoji would straddle part one
    assert (measure(text).units, measure(text).segments) == (134, 3)


def test_the_signature_is_counted_as_the_phone_shows_it():
    length = measure("验证码123456，10分钟内有效。" + "请" * 44, sign="Herald")
    assert length.text.startswith("【Herald】验证码")
    assert length.units == 8 + 62 and length.segments == 1
    assert measure("验证码123456，10分钟内有效。" + "请" * 45, sign="Herald").segments == 2


def test_a_signature_turns_an_ascii_text_into_ucs2():
    assert measure("Your code is 123456", sign="Herald").encoding == UCS2
    assert measure("Your code is 123456").encoding == GSM7


def test_a_text_already_signed_is_not_signed_twice():
    assert phone_text("【Herald】hi", "Herald") == "【Herald】hi"
    assert phone_text("hi", "") == "hi"


def _js_string(name: str) -> str:
    source = JS.read_text(encoding="utf-8")
    body = re.search(rf"var {name} = ((?:'(?:[^'\\]|\\.)*'\s*\+?\s*)+);", source).group(1)
    pieces = re.findall(r"'((?:[^'\\]|\\.)*)'", body)
    escapes = {"n": "\n", "r": "\r", "f": "\f"}
    return "".join(re.sub(r"\\(.)", lambda m: escapes.get(m[1], m[1]), p) for p in pieces)


def test_the_live_counter_uses_the_same_character_tables():
    assert set(_js_string("BASIC")) == GSM7_BASIC
    assert set(_js_string("EXTENSION")) == GSM7_EXTENSION


# Runs static/js/sms-length.js against a stand-in page and prints what it shows.
NODE_HARNESS = r"""
const src = require('fs').readFileSync(process.argv[1], 'utf8');
const out = [];
for (const [text, sign] of JSON.parse(process.argv[2])) {
  const el = () => ({textContent: '', classList: {toggle() {}, remove() {}}});
  const shown = {};
  ['units', 'segments', 'encoding', 'multi'].forEach(k => { shown[`[data-sms-${k}]`] = el(); });
  const box = {getAttribute: n => (n === 'data-sign' ? sign : '{"server_name": "hk-web-01"}'),
               querySelector: s => shown[s], classList: {remove() {}}};
  const source = {value: text, addEventListener() {}};
  global.document = {getElementById: id => (id === 'sms-length' ? box : source)};
  eval(src);
  out.push([+shown['[data-sms-units]'].textContent, +shown['[data-sms-segments]'].textContent,
            shown['[data-sms-encoding]'].textContent]);
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_the_live_counter_counts_like_the_server():
    cases = [("a" * 161, ""), ("€" * 80 + "a", ""), ("a" * 152 + "€" + "a" * 152, ""),
             ("验" * 71, ""), ("验" * 66 + "😀" + "验" * 66, ""), ("😀" * 35, ""),
             ("Your code", "Herald"), ("【Herald】hi", "Herald"), ("", "")]
    answer = subprocess.run(["node", "-e", NODE_HARNESS, str(JS), json.dumps(cases)],
                            capture_output=True, text=True, check=True, timeout=30)
    expected = [[m.units, m.segments, m.encoding] for m in (measure(t, s) for t, s in cases)]
    assert json.loads(answer.stdout) == expected
    [[units, _segments, _encoding]] = json.loads(subprocess.run(
        ["node", "-e", NODE_HARNESS, str(JS), json.dumps([["Hi {{ server_name|upper }}{% if "
                                                            "x %}!{% endif %}", ""]])],
        capture_output=True, text=True, check=True, timeout=30).stdout)
    assert units == len("Hi hk-web-01!")  # variables counted with their samples, tags dropped
