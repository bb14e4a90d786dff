"""One replay store (core/replay.py) for API nonces and solved captcha challenges."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from core import clock, crypto, replay
from core.api_auth import ApiAuthError, verify
from core.signing import hash_api_key, signed_headers
from extensions import db
from models import KIND_EVENTS, ApiClient, ReplayKey
from models.api_client import NONCES, nonce_key
from services.codes import captcha
from tests.concurrency import at_once
from tests.conftest import ROOT

NAMESPACES = (NONCES, captcha.REPLAYS)


def later(minutes: int = 10):
    return clock.now() + timedelta(minutes=minutes)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_key_is_claimed_once_in_each_namespace(app, namespace):
    assert replay.claim(namespace, "key-0001", later())
    db.session.commit()
    assert not replay.claim(namespace, "key-0001", later())
    assert replay.claim(namespace, "key-0002", later())


def test_namespaces_do_not_share_keys(app):
    assert all(replay.claim(namespace, "same-key", later()) for namespace in NAMESPACES)


def test_a_refused_claim_keeps_the_callers_transaction(app):
    replay.claim(captcha.REPLAYS, "taken", later())
    db.session.commit()
    db.session.add(ReplayKey(namespace="other", key="pending", expires_at=later()))
    db.session.flush()
    assert not replay.claim(captcha.REPLAYS, "taken", later())  # only its savepoint is undone
    db.session.commit()
    assert db.session.get(ReplayKey, ("other", "pending")) is not None


def test_a_caller_that_rolls_back_gives_the_key_back(app):
    db.session.commit()
    assert replay.claim(captcha.REPLAYS, "given-back", later())
    db.session.rollback()
    assert replay.claim(captcha.REPLAYS, "given-back", later())


def test_an_expired_key_may_be_claimed_again_and_prune_drops_expired_keys(app, frozen):
    assert replay.claim(captcha.REPLAYS, "old", later(1))
    assert replay.claim(captcha.REPLAYS, "young", later(30))
    db.session.commit()
    frozen.move(minutes=2)
    assert replay.prune() == 1
    assert db.session.get(ReplayKey, (captcha.REPLAYS, "young")) is not None
    assert replay.claim(captcha.REPLAYS, "old", later(1))
    assert not replay.claim(captcha.REPLAYS, "young", later(1))


def test_claims_prune_every_few_minutes_not_every_time(app, frozen, monkeypatch):
    monkeypatch.setattr(replay, "_next_prune", None)
    deletes = []
    monkeypatch.setattr(replay, "prune", lambda: deletes.append(clock.now()) or 0)
    for _ in range(3):
        replay.prune_due()
    assert deletes == [frozen.now]
    frozen.move(seconds=replay.PRUNE_EVERY.total_seconds())
    replay.prune_due()
    assert deletes == [frozen.now - replay.PRUNE_EVERY, frozen.now]


def test_an_expired_row_left_unpruned_is_taken_over_once(app, frozen):
    replay.claim(captcha.REPLAYS, "k", later(1))
    db.session.commit()
    frozen.move(minutes=2)
    assert replay.claim(captcha.REPLAYS, "k", later(10))
    assert not replay.claim(captcha.REPLAYS, "k", later(10))


def test_a_long_key_is_stored_as_its_hash_and_still_claimed_once(app):
    long_key = "x" * 500
    assert replay.claim(captcha.REPLAYS, long_key, later())
    assert not replay.claim(captcha.REPLAYS, long_key, later())
    assert replay.claim(captcha.REPLAYS, long_key + "y", later())
    stored = db.session.scalars(db.select(ReplayKey.key)).all()
    assert all(len(key) <= 128 for key in stored)


def test_concurrent_claims_of_one_key_let_exactly_one_in(_app, app):
    db.session.commit()
    threads = 8

    def claim() -> bool:
        won = replay.claim(captcha.REPLAYS, "contended", later())
        db.session.commit()
        return won

    results = at_once(_app, claim, threads)
    assert sorted(results) == [False] * (threads - 1) + [True]


@pytest.fixture
def api_client(app):
    row = ApiClient(client_id="biz", name="billing", kind=KIND_EVENTS,
                    api_key_hash=hash_api_key("api-key-1"), sign_key=crypto.encrypt("sign-1"))
    db.session.add(row)
    db.session.commit()
    return row


def _verify(nonce: str) -> ApiClient:
    body = b"{}"
    headers = signed_headers("biz", "api-key-1", "sign-1", "POST", "/api/events", body, nonce)
    return verify("POST", "/api/events", headers, {}, body, KIND_EVENTS)


def test_api_nonces_live_in_the_replay_store(api_client):
    _verify("nonce-in-store")
    [row] = db.session.scalars(db.select(ReplayKey)).all()
    assert (row.namespace, row.key) == (NONCES, nonce_key(api_client.id, "nonce-in-store"))
    with pytest.raises(ApiAuthError) as refused:
        _verify("nonce-in-store")
    assert refused.value.code == "nonce_replayed"


def test_a_deleted_client_takes_only_its_own_nonces(api_client):
    _verify("nonce-of-biz")
    other = replay.claim(NONCES, nonce_key(api_client.id + 10, "nonce-of-biz"), later())
    captcha_key = replay.claim(captcha.REPLAYS, f"{api_client.id}:x", later())
    db.session.commit()
    assert other and captcha_key
    db.session.delete(api_client)
    db.session.commit()
    left = set(db.session.execute(db.select(ReplayKey.namespace, ReplayKey.key)).tuples())
    assert left == {(NONCES, nonce_key(api_client.id + 10, "nonce-of-biz")),
                    (captcha.REPLAYS, f"{api_client.id}:x")}


def test_the_upstream_gateway_imports_nothing_that_reaches_the_database():
    script = ("import sys, core.signing, gateways.upstream; "
              "bad = sorted(m for m in sys.modules if m in ('extensions', 'flask_sqlalchemy', "
              "'core.api_auth', 'core.replay') or m.startswith('models')); print(bad)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, timeout=60, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[]"
