"""The process-local store that stands in for Flask-Caching outside the app."""

from __future__ import annotations

from gateways.store import MemoryStore


def test_values_expire_after_their_timeout_and_zero_keeps_them():
    now = [1000.0]
    store = MemoryStore(clock=lambda: now[0])
    store.set("token", "abc", timeout=60)
    store.set("breaker", {"failures": 1}, timeout=0)

    now[0] += 59
    assert store.get("token") == "abc"
    now[0] += 1
    assert store.get("token") is None
    assert store.get("breaker") == {"failures": 1}


def test_delete_says_whether_there_was_a_value():
    store = MemoryStore()
    store.set("key", 1)

    assert store.delete("key") is True
    assert store.delete("key") is False
    assert store.get("key") is None
