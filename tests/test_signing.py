"""The request-signing scheme of the machine APIs."""

import pytest

from core import crypto, signing
from extensions import db
from models import ApiClient

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
    return signing.verify("POST", "/api/events", h, query or {}, BODY, "events", now=now)


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
    with pytest.raises(signing.ApiAuthError) as exc:
        verify(headers(**changes))
    assert exc.value.code == code


def test_stale_timestamps_are_refused(client_row):
    import time

    with pytest.raises(signing.ApiAuthError) as exc:
        verify(headers(), now=time.time() + 301)
    assert exc.value.code == "request_expired"


def test_a_nonce_is_accepted_once(client_row):
    verify(headers(nonce="nonce-0002"))
    with pytest.raises(signing.ApiAuthError) as exc:
        verify(headers(nonce="nonce-0002"))
    assert exc.value.code == "nonce_replayed"


def test_credentials_in_the_query_string_are_refused(client_row):
    with pytest.raises(signing.ApiAuthError) as exc:
        verify(headers(), query={"api_key": "api-key-1"})
    assert exc.value.code == "bad_request"


def test_disabled_clients_are_refused(client_row):
    client_row.active = False
    db.session.commit()
    with pytest.raises(signing.ApiAuthError) as exc:
        verify(headers())
    assert exc.value.code == "client_disabled"
