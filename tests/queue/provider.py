"""The SMSBao fake with a switchboard: hold an answer, throttle, stall; every call counted.

The fake itself (``tests.fakes.smsbao``) checks SMSBao's protocol; this handler sits in
front of it and decides per phone number how the "provider" behaves this time.
"""

from __future__ import annotations

import threading
from collections import Counter

from tests.fakes.httpserver import Reply, Request
from tests.fakes.smsbao import SmsbaoFake

USER, API_KEY = "herald", "a1b2c3d4e5f60718293a4b5c6d7e8f90"
HOLD_AT_MOST = 15.0  # a held answer is given after this long anyway: no test hangs for good


def smsbao_settings(url: str) -> dict[str, str]:
    return {"sms.gateway": "smsbao", "sms.smsbao.username": USER,
            "sms.smsbao.password": API_KEY, "sms.smsbao.signature": "Herald",
            "sms.smsbao.endpoint": url + "/"}


class Provider:
    """Handler for ``FakeServer``: SMSBao, with per-number behaviour set by the test."""

    def __init__(self) -> None:
        self.fake = SmsbaoFake(USER, "unused-password", API_KEY)
        self.calls: Counter[str] = Counter()  # requests that arrived, per number
        self._held: dict[str, threading.Event] = {}
        self._throttled: Counter[str] = Counter()
        self._stalled: dict[str, float] = {}
        self._lock = threading.Lock()

    def hold(self, number: str) -> None:
        """Answer ``number`` only once :meth:`release` is called (a slow provider)."""
        self._held[number] = threading.Event()

    def release(self, number: str | None = None) -> None:
        for held, event in self._held.items():
            if number in (None, held):
                event.set()

    def throttle(self, number: str, times: int) -> None:
        """Answer ``number`` with HTTP 429 (throttled: certainly not sent) ``times`` times."""
        self._throttled[number] = times

    def stall(self, number: str, seconds: float) -> None:
        """Say nothing to ``number`` for ``seconds``, then drop the connection."""
        self._stalled[number] = seconds

    def delivered(self, number: str) -> list[str]:
        """The contents SMSBao accepted for ``number``."""
        return [sent["c"] for sent in self.fake.sent if sent["m"] == number]

    def __call__(self, request: Request) -> Reply:
        number = request.query.get("m", [""])[-1]
        with self._lock:
            self.calls[number] += 1
            throttled = self._throttled[number] > 0
            if throttled:
                self._throttled[number] -= 1
        if number in self._held:
            self._held[number].wait(HOLD_AT_MOST)
        if throttled:
            return Reply.text("busy", 429)
        if number in self._stalled:
            return Reply.stalled(self._stalled[number])
        return self.fake(request)
