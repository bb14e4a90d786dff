"""The request-signing scheme of the machine APIs."""

from datetime import timedelta

import pytest

from core import api_auth, clock, crypto, replay, settings, signing
from extensions import db
from models import ApiClient
from models.api_client import NONCES, nonce_key

BODY = b'{"event": "server_opened"}'


@pytest.fixture
def client_row(app):
    row = ApiClient(client_id="biz", name="billing", kind="events",
                    api_key_hash=signing.hash_api_key("api-key-1"),
                    sign_key=crypto.encrypt("sign-key-1"))
    db.session.add(row)
    db.session.commit()
    return row


def headers(**changes):
    values = signing.signed_headers("biz", "api-key-1", "sign-key-1", "POST", "/api/events",
                                    BODY, nonce=changes.pop("nonce", "nonce-0001"))
    values.update(changes)
    return values


def verify(h, query=None, now=None):
    return api_auth.verify("POST", "/api/events", h, query or {}, BODY, "events", now=now)


def test_a_correctly_signed_request_passes(client_row):
    assert verify(headers()).client_id == "biz"


def test_the_canonical_string_is_documented():
    assert signing.canonical("post", "/p", "1", "n", b"") == (
        "POST\n/p\n1\nn\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


@pytest.mark.parametrize(("changes", "code"), [
    ({"X-Herald-Signature": "0" * 64}, "auth_failed"),
    ({"X-Herald-Api-Key": "wrong"}, "auth_failed"),
    ({"X-Herald-Client": "nobody"}, "auth_failed"),
    ({"X-Herald-Signature": "签名"}, "auth_failed"),
    ({"X-Herald-Api-Key": "\udcff"}, "auth_failed"),
    ({"X-Herald-Timestamp": "yesterday"}, "request_expired"),
    ({"X-Herald-Nonce": ""}, "auth_failed"),
])
def test_refusals(client_row, changes, code):
    with pytest.raises(api_auth.ApiAuthError) as exc:
        verify(headers(**changes))
    assert exc.value.code == code


def test_stale_timestamps_are_refused(client_row):
    import time

    with pytest.raises(api_auth.ApiAuthError) as exc:
        verify(headers(), now=time.time() + 301)
    assert exc.value.code == "request_expired"


def test_a_nonce_is_accepted_once(client_row):
    verify(headers(nonce="nonce-0002"))
    with pytest.raises(api_auth.ApiAuthError) as exc:
        verify(headers(nonce="nonce-0002"))
    assert exc.value.code == "nonce_replayed"


def test_credentials_in_the_query_string_are_refused(client_row):
    with pytest.raises(api_auth.ApiAuthError) as exc:
        verify(headers(), query={"api_key": "api-key-1"})
    assert exc.value.code == "bad_request"


def test_disabled_clients_are_refused(client_row):
    client_row.active = False
    db.session.commit()
    with pytest.raises(api_auth.ApiAuthError) as exc:
        verify(headers())
    assert exc.value.code == "client_disabled"


def stamped(timestamp: int, nonce: str) -> dict:
    return signing.signed_headers("biz", "api-key-1", "sign-key-1", "POST", "/api/events", BODY,
                                  nonce=nonce, timestamp=timestamp)


@pytest.mark.parametrize("tolerance", [60, 300, 900])
def test_the_window_is_the_tolerance_setting_to_the_second(client_row, tolerance):
    settings.update({"api.timestamp_tolerance_seconds": tolerance})
    now = 1_800_000_000
    for n, skew in enumerate([tolerance, -tolerance]):  # late and early, at the very edge
        assert verify(stamped(now - skew, f"edge-ok-{n}"), now=now).client_id == "biz"
    for n, skew in enumerate([tolerance + 1, -tolerance - 1]):
        with pytest.raises(api_auth.ApiAuthError) as exc:
            verify(stamped(now - skew, f"edge-no-{n}"), now=now)
        assert exc.value.code == "request_expired"
        assert f"allowed: ±{tolerance} s" in exc.value.detail


def test_a_huge_timestamp_is_expired_not_a_crash(client_row):
    with pytest.raises(api_auth.ApiAuthError) as exc:
        verify(headers(**{"X-Herald-Timestamp": "1" + "0" * 400}))
    assert exc.value.code == "request_expired"


def test_nonces_are_remembered_for_twice_the_largest_tolerance(client_row):
    largest = settings.lookup("api.timestamp_tolerance_seconds").maximum
    assert api_auth.NONCE_WINDOW == timedelta(seconds=2 * largest) >= timedelta(minutes=10)
    now = clock.now()
    for age in (29, 31):  # used that long ago: remembered until NONCE_WINDOW after the use
        replay.claim(NONCES, nonce_key(client_row.id, f"used-{age}-minutes-ago"),
                     now - timedelta(minutes=age) + api_auth.NONCE_WINDOW)
    db.session.commit()
    verify(headers(nonce="a-fresh-nonce"))  # accepting a nonce prunes the old ones
    with pytest.raises(api_auth.ApiAuthError) as exc:
        verify(headers(nonce="used-29-minutes-ago"))
    assert exc.value.code == "nonce_replayed"
    assert verify(headers(nonce="used-31-minutes-ago")).client_id == "biz"
