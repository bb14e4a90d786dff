"""Fuzzing POST /api/sms/send: no body or header makes it answer 500 or leave the document.

Bodies are signed correctly, so they reach the body checks behind the signature; headers
and query strings are fuzzed separately. Each answer must be a documented status with a
body that validates against docs/openapi.json.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import limiter
from tests.reseller import openapi
from tests.reseller.conftest import PATH, make_reseller, make_template, post

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),  # control characters
    st.sampled_from(["", " ", "\r\n", "\x00", "1001\r\nX-Injected: 1", "+8613800138000",
                     "13800138000", "+85261234567", "1001", "🙂" * 3, "\ud800"]),
    st.text(min_size=300, max_size=2000),  # overlong
    st.text(alphabet=st.characters(categories=("Cs", "Cc", "Zl")), min_size=1, max_size=5),
)
numbers = st.one_of(st.integers(), st.integers(min_value=10**30, max_value=10**300),
                    st.floats(allow_nan=True, allow_infinity=True), st.booleans())
scalars = st.one_of(st.none(), nasty_text, numbers)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=4)), max_leaves=8)
params = st.one_of(values, st.dictionaries(st.sampled_from(["code", "minutes", "x"]), values,
                                           max_size=3))
field = st.one_of(nasty_text, values)
fields = st.fixed_dictionaries({}, optional={
    "phone": field, "template_number": field, "params": params, "idempotency_key": field})


def _dumps(payload) -> bytes:
    return json.dumps(payload, allow_nan=True).encode("utf-8", "surrogatepass")


raw_bodies = st.one_of(
    fields.map(_dumps),
    values.map(_dumps),
    st.binary(max_size=300),  # invalid UTF-8 and garbage
    st.sampled_from([b"", b"{", b"\xff\xfe{}", b'{"phone": ' + b"9" * 5000 + b"}",
                     b"[" * 5000, b"{}" * 3]),
)


def _documented(response) -> None:
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    data = response.get_json()
    assert data is not None, response.get_data()[:300]
    errors = openapi.validate(data, openapi.response_schema(PATH, response.status_code))
    assert not errors, (response.status_code, data, errors)


@pytest.fixture
def credentials(app):
    """One reseller for the whole run: Hypothesis runs every example in one test."""
    make_template()
    return make_reseller(quota=10**6, rate=6000)[1]


@FUZZ
@given(raw=raw_bodies)
def test_signed_bodies_never_break_the_api(api, credentials, raw):
    limiter.reset()
    _documented(post(api, credentials, raw))


header_text = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=80),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=200,
            max_size=3000),
    st.sampled_from(["", "0", "-1", "9" * 5000, "1e10", " 1700000000 ", "r10000001"]),
)
header_names = st.sampled_from(["X-Herald-Client", "X-Herald-Api-Key", "X-Herald-Timestamp",
                                "X-Herald-Nonce", "X-Herald-Signature", "Content-Type"])


@FUZZ
@given(changes=st.dictionaries(header_names, header_text, max_size=5),
       query=st.dictionaries(st.sampled_from(["api_key", "sign", "x", "member_id"]),
                             st.text(max_size=20), max_size=2))
def test_fuzzed_headers_and_queries_never_break_the_api(api, credentials, changes, query):
    limiter.reset()
    payload = {"phone": "+8613800138000", "template_number": "1001",
               "params": {"code": "1", "minutes": "2"}, "idempotency_key": uuid.uuid4().hex}
    path = PATH + ("?" + urlencode(query) if query else "")
    _documented(post(api, credentials, payload, path=path, **changes))

