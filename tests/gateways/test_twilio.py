"""The twilio gateway against a fake Messages API (Basic auth, account path, form fields)."""

from __future__ import annotations

import pytest

import gateways.twilio as twilio
from gateways.base import Message
from gateways.twilio import TwilioGateway, twilio_signature, validate_twilio_signature
from tests.fakes import GATEWAY_OPTIONS as OPTIONS
from tests.fakes.httpserver import FakeServer
from tests.fakes.twilio import TwilioFake

SID, TOKEN = "AC" + "0123456789abcdef" * 2, "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
FROM = "+15005550006"
HELLO = Message(to="+14155552671", content="Your code is 123456")


@pytest.fixture
def fake():
    return TwilioFake(SID, TOKEN, numbers=(FROM,))


@pytest.fixture
def gateway(fake):
    with FakeServer(fake) as server:
        yield make(server.url)


def make(endpoint: str, **config) -> TwilioGateway:
    return TwilioGateway({"account_sid": SID, "auth_token": TOKEN, "from_number": FROM,
                          "endpoint": endpoint, **config}, OPTIONS)


def test_sends_with_a_from_number(gateway, fake):
    result = gateway.send(HELLO)
    assert result.ok, result
    assert result.message_id.startswith("SM") and result.raw_code == "queued"
    assert fake.sent == [{"To": "+14155552671", "Body": "Your code is 123456", "From": FROM}]


def test_a_messaging_service_replaces_the_from_number(fake):
    with FakeServer(fake) as server:
        result = make(server.url, from_number="", messaging_service_sid="MG123").send(HELLO)
    assert result.ok
    assert fake.sent[0]["MessagingServiceSid"] == "MG123" and "From" not in fake.sent[0]


def test_without_from_or_service_it_is_not_configured(fake):
    with FakeServer(fake) as server:
        result = make(server.url, from_number="").send(HELLO)
        assert server.requests == []
    assert result.error == "not_configured"
    assert "from_number or messaging_service_sid" in result.raw_message


def test_wrong_token_is_auth_failed_with_twilios_answer(fake):
    with FakeServer(fake) as server:
        result = make(server.url, auth_token="wrong").send(HELLO)
    assert (result.error, result.raw_code, result.retryable) == ("auth_failed", "20003", False)
    assert "AccountSid or AuthToken was incorrect" in result.raw_message


def test_bad_number_is_invalid_phone(gateway):
    result = gateway.send(Message(to="+1415", content="x"))
    assert (result.error, result.raw_code) == ("invalid_phone", "21211")


def test_from_number_of_another_account_is_wrong_channel(fake):
    with FakeServer(fake) as server:
        result = make(server.url, from_number="+15550000000").send(HELLO)
    assert (result.error, result.raw_code) == ("wrong_channel", "21606")


CASES = [
    ("20003", "auth_failed", False),
    ("10001", "insufficient_balance", False),
    ("20005", "insufficient_balance", False),
    ("21211", "invalid_phone", False),
    ("21604", "invalid_phone", False),
    ("21612", "invalid_phone", False),
    ("21614", "invalid_phone", False),
    ("21408", "invalid_phone", False),
    ("21608", "invalid_phone", False),
    ("21610", "invalid_phone", False),
    ("21212", "wrong_channel", False),
    ("21606", "wrong_channel", False),
    ("21659", "wrong_channel", False),
    ("21603", "not_configured", False),
    ("21602", "content_rejected", False),
    ("21617", "content_rejected", False),
    ("30007", "content_rejected", False),
    ("20429", "provider_rate_limited", True),
    ("14107", "provider_rate_limited", True),
    ("21611", "provider_rate_limited", True),
    ("30001", "provider_rate_limited", True),
    ("63038", "provider_rate_limited", True),
    ("21730", "unreachable", True),
    ("21999", "unknown", False),
]


@pytest.mark.parametrize(("code", "error", "retryable"), CASES)
def test_provider_codes_map_onto_the_catalog(gateway, fake, code, error, retryable):
    fake.force_code = int(code)
    result = gateway.send(HELLO)
    assert (result.ok, result.error, result.retryable) == (False, error, retryable)
    assert result.raw_code == code


def test_every_mapped_code_is_tested():
    assert set(twilio.ERRORS) <= {code for code, _, _ in CASES}


URL = "https://mycompany.com/myapp.php?foo=1&bar=2"


@pytest.mark.parametrize(("caller", "signature"), [
    # Twilio's published examples, auth token 12345.
    ("+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc="),
    ("+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
])
def test_callback_signature_matches_twilios_examples(caller, signature):
    params = {"CallSid": "CA1234567890ABCDE", "Caller": caller, "Digits": "1234",
              "From": caller, "To": "+18005551212"}
    assert twilio_signature("12345", URL, params) == signature
    assert validate_twilio_signature("12345", URL, params, signature)


@pytest.mark.parametrize("change", [
    {"token": "54321"}, {"url": URL + "&x=1"}, {"params": {"Digits": "9999"}},
    {"signature": ""}, {"signature": "GvWf1cFY/Q7PnoempGyD5oXAezc"},
])
def test_callback_signature_refuses_any_change(change):
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675310", "Digits": "1234",
              "From": "+14158675310", "To": "+18005551212", **change.get("params", {})}
    assert not validate_twilio_signature(change.get("token", "12345"), change.get("url", URL),
                                         params,
                                         change.get("signature", "GvWf1cFY/Q7PnoempGyD5oXAezc="))


def test_repeated_parameters_are_signed_value_by_value():
    many = twilio_signature("t", "https://h/cb", {"A": ["2", "1"], "B": "x"})
    assert many == twilio_signature("t", "https://h/cb", {"A": ("1", "2"), "B": ["x"]})
