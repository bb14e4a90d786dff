"""Send one message through an ordered list of gateways: failover plus a circuit breaker.

Unlike easy-sms's Messenger, which falls over on any error, Herald moves to the next gateway
only when the message certainly did not go out and another gateway can help
(``SendResult.retryable``): never after a timeout (it may have been sent, and a second copy
of a code would confuse the member) and never for errors no gateway can fix (bad phone,
signature, template, balance, credentials).

Pure Python: the caller passes the shared store (Flask-Caching's ``cache`` in the app), so
this module imports no Flask and every worker sees the same breaker state.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gateways.base import Gateway, Message, SendResult
from gateways.store import Store

log = logging.getLogger(__name__)

SKIPPED = "circuit_open"  # raw_code of an attempt skipped because its breaker was open
CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


@dataclass
class Delivery:
    """The outcome of one message: the result that counts and every attempt on the way."""

    result: SendResult
    attempts: list[SendResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def skipped(self) -> list[SendResult]:
        return [a for a in self.attempts if a.raw_code == SKIPPED]


@dataclass(frozen=True)
class BreakerState:
    """What the admin page shows for one gateway."""

    status: str  # closed | open | half-open
    failures: int  # consecutive outage failures
    reopens_at: float | None  # epoch seconds when an open breaker lets a trial through


def gateway_id(gateway: Gateway) -> str:
    """The breaker name of a gateway; the channel keeps SMS ``log`` apart from email ``log``."""
    return f"{gateway.channel}.{gateway.name}"


def may_fail_over(result: SendResult) -> bool:
    """True when the next gateway may be tried: not sent, certainly, and not our fault."""
    # ``timeout`` is checked by name too: a duplicate verification code is the one mistake
    # failover must never make, whatever a gateway put in ``retryable``.
    return not result.ok and result.retryable and result.error != "timeout"


def is_outage(result: SendResult) -> bool:
    """Failures that say the provider is down or slow; only these count towards opening."""
    # A timeout cannot fail over, but a gateway that keeps timing out should still be
    # skipped for new messages: each attempt costs the member the whole read timeout.
    return not result.ok and (result.retryable or result.error == "timeout")


def send_with_failover(
    message: Message, gateways: Sequence[Gateway], breaker: CircuitBreaker
) -> Delivery:
    """Try ``gateways`` in order until one sends or failing over would be wrong."""
    attempts: list[SendResult] = []
    for gateway in gateways:
        name = gateway_id(gateway)
        if not breaker.allow(name):
            attempts.append(_skipped(gateway.name, breaker.state(name)))
            continue
        result = gateway.send(message)
        breaker.record(name, result)
        attempts.append(result)
        if not may_fail_over(result):
            break
    return Delivery(_final(attempts), attempts)


def _final(attempts: list[SendResult]) -> SendResult:
    if not attempts:
        return SendResult.failed("", "not_configured", raw_message="no gateway is configured")
    # A real answer explains more than "skipped", so it wins when there is one.
    tried = [a for a in attempts if a.raw_code != SKIPPED]
    return (tried or attempts)[-1]


def _skipped(gateway: str, state: BreakerState) -> SendResult:
    until = datetime.fromtimestamp(state.reopens_at or 0, UTC).isoformat(timespec="seconds")
    return SendResult.failed(
        gateway,
        "unreachable",
        raw_code=SKIPPED,
        raw_message=f"skipped: circuit breaker open after {state.failures} consecutive "
        f"failures; next try after {until}",
        retryable=True,
    )


class CircuitBreaker:
    """Skip a gateway for ``cooldown`` seconds after ``threshold`` outage failures in a row.

    State lives in the shared store, one entry per gateway: ``{"failures", "opened_at"}``.
    Reads and writes are not atomic across workers; a lost increment only delays opening by
    one failure, which is an acceptable price for working on any cache backend.
    """

    def __init__(
        self,
        store: Store,
        threshold: int = 5,
        cooldown: float = 60,
        clock: Callable[[], float] = time.time,
        prefix: str = "breaker:",
    ) -> None:
        if threshold < 1 or cooldown < 0:
            raise ValueError("threshold must be >= 1 and cooldown >= 0")
        self.store = store
        self.threshold = threshold
        self.cooldown = cooldown
        # Wall-clock time, not monotonic: the value is compared across processes and boxes.
        self.clock = clock
        self.prefix = prefix
        self._seen: dict[str, dict[str, Any]] = {}  # what allow() read, for record()

    def allow(self, name: str) -> bool:
        """Whether ``name`` may be tried now; a half-open breaker lets one caller probe."""
        data = self._seen[name] = self._load(name)
        status = self._status(data)
        if status == HALF_OPEN:
            # Re-arm the cooldown so other workers keep skipping while this trial runs.
            self._save(name, {**data, "opened_at": self.clock()})
        return status != OPEN

    def record(self, name: str, result: SendResult) -> None:
        """Count an outage failure; any other answer proves the provider is up and closes."""
        seen = self._seen.pop(name, None)
        if is_outage(result):
            data = self._load(name)  # fresh: other workers may have counted meanwhile
            failures = data["failures"] + 1
            opened_at = self.clock() if failures >= self.threshold else data["opened_at"]
            self._save(name, {"failures": failures, "opened_at": opened_at})
            return
        # Nearly every send ends here with nothing to do: what allow() read a moment ago
        # says whether there are failures to clear, without a second read of the store.
        data = seen if seen is not None else self._load(name)
        if data["failures"]:
            self.reset(name)

    def state(self, name: str) -> BreakerState:
        data = self._load(name)
        opened_at = data["opened_at"]
        reopens_at = opened_at + self.cooldown if opened_at is not None else None
        return BreakerState(self._status(data), data["failures"], reopens_at)

    def reset(self, name: str) -> None:
        self._call("delete", self.prefix + name)

    def _status(self, data: dict[str, Any]) -> str:
        if data["failures"] < self.threshold or data["opened_at"] is None:
            return CLOSED
        if self.clock() < data["opened_at"] + self.cooldown:
            return OPEN
        return HALF_OPEN

    def _load(self, name: str) -> dict[str, Any]:
        data = self._call("get", self.prefix + name)
        if not isinstance(data, dict):
            return {"failures": 0, "opened_at": None}
        return {"failures": int(data.get("failures", 0)), "opened_at": data.get("opened_at")}

    def _save(self, name: str, data: dict[str, Any]) -> None:
        # timeout 0: kept until a success or "clear cache" removes it.
        self._call("set", self.prefix + name, data, timeout=0)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        # The breaker is a convenience; a cache outage must never stop a code going out,
        # so a failing store reads as "closed" and writes are dropped.
        try:
            return getattr(self.store, method)(*args, **kwargs)
        except Exception:
            log.warning("circuit breaker store %s failed; treating as closed", method,
                        exc_info=True)
            return None
