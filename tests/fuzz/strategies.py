"""Hypothesis strategies for hostile input: what a form field, a query or a body may hold.

Every string that carries a line break carries it in front of :data:`MARK`, so a log line
forged from input is recognisable: ``\\nFORGED …`` can only come from us.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

MARK = "FORGED"
FORGING = [f"x\r\n{MARK} admin root signed in", f"13800138000\n{MARK}", f"\r{MARK}",
           f"a@example.com\r\n{MARK}: 1", f"\u2028{MARK}", f"\x85{MARK}"]

control = st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=8)
overlong = st.one_of(st.just("9" * 5000), st.just("a" * 70000),
                     st.text(min_size=300, max_size=1500))
huge_numbers = st.one_of(
    st.integers(min_value=10**18, max_value=10**300).map(str),
    st.integers(max_value=-1).map(str),
    st.sampled_from(["1e309", "-1e309", "NaN", "Infinity", "0x10", "1_000", "٣", "²", "-0",
                     "9223372036854775808", "2147483648", "00000000000000000001"]),
)
plausible = st.sampled_from(["", " ", "13800138000", "+8613800138000", "+85261234567",
                             "root", "member@example.com", "123456", "register", "login",
                             "reset_password", "sms", "email", "on", "y", "1", "0", "[]", "{}",
                             "basic", "server_opened", "zh_CN", "en", "Herald", "10001",
                             "{{ code }}", "{{ config }}", "{% for x in y %}", "<script>",
                             "'; DROP TABLE admins; --", "\x00", "\ud800", "🙂" * 3])
text_value = st.one_of(plausible, st.sampled_from(FORGING), control, huge_numbers,
                       overlong, st.text(max_size=30))

# What a field of that name would hold if the user meant well: hostile values are built on
# it, so they pass the field's first checks and reach the code behind them.
HINTS = [("phone", "13800138000"), ("destination", "13800138000"), ("account", "13800138000"),
         ("value", "13800138000"), ("email", "a@example.com"), ("username", "root"),
         ("code", "123456"), ("scene", "register"), ("kind", "phone"), ("channel", "sms"),
         ("language", "en"), ("via", "phone"), ("role", "operator"),
         ("password", "Quiet-Meadow-77"), ("confirm", "Quiet-Meadow-77"), ("number", "1001"),
         ("quota", "5"), ("delta", "5"), ("rate", "5"), ("qq", "10001"), ("agree", "y"),
         ("next", "/account/"), ("gateway", "log"), ("timezone", "Asia/Shanghai")]
LINE_BREAKS = ["\r\n", "\n", "\r", "\u2028", "\x85"]


def hint(name: str) -> str:
    return next((value for key, value in HINTS if key in name), "1")


def forged(name: str) -> st.SearchStrategy[str]:
    """The field's plausible value with a line break and the marker after it."""
    return st.sampled_from(LINE_BREAKS).map(lambda br: f"{hint(name)}{br}{MARK} admin=root")


def field_value(name: str) -> st.SearchStrategy:
    one = st.one_of(st.just(hint(name)), forged(name), text_value)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))  # several values per name


def form_data(names: list[str]) -> st.SearchStrategy[dict]:
    """The form's own fields, a few left out, plus a stray one now and then."""
    values = st.fixed_dictionaries({name: field_value(name) for name in names})
    missing = st.sets(st.sampled_from(names), max_size=max(1, len(names) // 3)) if names \
        else st.just(set())
    stray = st.dictionaries(st.sampled_from(["x", "id", "csrf", "next", "page"]), text_value,
                            max_size=2)
    return st.tuples(values, missing, stray).map(
        lambda parts: {**parts[2], **{k: v for k, v in parts[0].items() if k not in parts[1]}})


def forging_sweep(names: list[str]) -> dict[str, str]:
    """Every field plausible but for a CRLF and the marker: the one sure try per form."""
    return {name: f"{hint(name)}\r\n{MARK} admin=root" for name in names}


json_scalar = st.one_of(st.none(), st.booleans(), text_value,
                        st.integers(min_value=-(10**30), max_value=10**300),
                        st.floats(allow_nan=True, allow_infinity=True))
json_value = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(text_value, inner, max_size=4)),
    max_leaves=10)


def dumps(payload) -> bytes:
    return json.dumps(payload, allow_nan=True).encode("utf-8", "surrogatepass")


raw_bytes = st.one_of(
    st.binary(max_size=400),  # invalid UTF-8 and garbage
    st.sampled_from([b"\xff\xfe\xfd", b"phone=%FF%FE%00&code=%0D%0A" + MARK.encode(),
                     b"destination=\xc3\x28&scene=register", b"a=" + b"%" * 300,
                     b"=&=&&==", b"x" * 20000]),
)
