"""Failover and the circuit breaker, with scripted gateways and a hand-driven clock."""

from __future__ import annotations

import pytest

from gateways.base import Gateway, Message, SendResult
from gateways.sender import (
    SKIPPED,
    CircuitBreaker,
    gateway_id,
    send_with_failover,
)
from gateways.store import MemoryStore

MESSAGE = Message(to="+8613800138000", content="验证码 123456")


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Scripted(Gateway):
    """Answers with the scripted results in turn, then keeps repeating the last one."""

    channel = "sms"
    label = "scripted"

    def __init__(self, name: str, *answers: SendResult) -> None:
        super().__init__({})
        self.name = name
        self.answers = list(answers) or [ok()]
        self.calls = 0

    def _send(self, message: Message) -> SendResult:
        self.calls += 1
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        return SendResult(**{**answer.__dict__, "gateway": self.name})


def ok() -> SendResult:
    return SendResult.sent("", message_id="msg-1")


def failed(error: str, retryable: bool, raw_code: str = "") -> SendResult:
    return SendResult.failed("", error, raw_code=raw_code, raw_message=error,
                             retryable=retryable)


REFUSED = failed("unreachable", True, "connect_failed")
OUTAGE = failed("unreachable", True, "HTTP 503")
THROTTLED = failed("provider_rate_limited", True, "isv.BUSINESS_LIMIT_CONTROL")
TIMEOUT = failed("timeout", False, "read_timeout")
BAD_PHONE = failed("invalid_phone", False, "isv.MOBILE_NUMBER_ILLEGAL")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def breaker(clock):
    return CircuitBreaker(MemoryStore(clock), threshold=3, cooldown=60, clock=clock)


@pytest.mark.parametrize("first", [REFUSED, OUTAGE, THROTTLED],
                         ids=["connection-refused", "http-5xx", "throttled"])
def test_fails_over_when_the_message_certainly_did_not_go_out(breaker, first):
    primary, fallback = Scripted("aliyun", first), Scripted("tencent")

    delivery = send_with_failover(MESSAGE, [primary, fallback], breaker)

    assert delivery.ok and delivery.result.gateway == "tencent"
    assert [(a.gateway, a.ok, a.error) for a in delivery.attempts] == [
        ("aliyun", False, first.error), ("tencent", True, "")]


@pytest.mark.parametrize("first", [
    TIMEOUT,
    BAD_PHONE,
    failed("sign_mismatch", False),
    failed("sign_not_found", False),
    failed("content_rejected", False),
    failed("template_number_missing", False),
    failed("insufficient_balance", False),
    failed("auth_failed", False),
    failed("not_configured", False),
], ids=lambda r: r.error)
def test_never_fails_over_when_it_could_duplicate_or_cannot_help(breaker, first):
    primary, fallback = Scripted("aliyun", first), Scripted("tencent")

    delivery = send_with_failover(MESSAGE, [primary, fallback], breaker)

    assert not delivery.ok
    assert delivery.result.error == first.error
    assert [a.gateway for a in delivery.attempts] == ["aliyun"]
    assert fallback.calls == 0


def test_a_timeout_never_fails_over_even_if_marked_retryable(breaker):
    careless = failed("timeout", True)
    fallback = Scripted("tencent")

    delivery = send_with_failover(MESSAGE, [Scripted("aliyun", careless), fallback], breaker)

    assert delivery.result.error == "timeout" and fallback.calls == 0


def test_every_attempt_is_kept_when_all_gateways_fail(breaker):
    gateways = [Scripted("aliyun", REFUSED), Scripted("tencent", THROTTLED),
                Scripted("smsbao", BAD_PHONE)]

    delivery = send_with_failover(MESSAGE, gateways, breaker)

    assert [(a.gateway, a.error) for a in delivery.attempts] == [
        ("aliyun", "unreachable"), ("tencent", "provider_rate_limited"),
        ("smsbao", "invalid_phone")]
    assert delivery.result is delivery.attempts[-1]


def test_no_gateway_is_not_configured(breaker):
    delivery = send_with_failover(MESSAGE, [], breaker)

    assert (delivery.ok, delivery.result.error, delivery.attempts) == (
        False, "not_configured", [])


def test_breaker_opens_after_threshold_and_skips_the_gateway(breaker, clock):
    primary, fallback = Scripted("aliyun", REFUSED), Scripted("tencent")
    for _ in range(3):
        assert send_with_failover(MESSAGE, [primary, fallback], breaker).ok

    delivery = send_with_failover(MESSAGE, [primary, fallback], breaker)

    assert delivery.ok and primary.calls == 3
    skipped = delivery.attempts[0]
    assert (skipped.gateway, skipped.error, skipped.raw_code) == ("aliyun", "unreachable",
                                                                  SKIPPED)
    assert "circuit breaker open after 3 consecutive failures" in skipped.raw_message
    assert delivery.skipped == [skipped]
    state = breaker.state("sms.aliyun")
    assert (state.status, state.failures, state.reopens_at) == ("open", 3, clock.now + 60)


def test_all_gateways_open_answers_with_the_skip(breaker):
    primary = Scripted("aliyun", REFUSED)
    for _ in range(3):
        send_with_failover(MESSAGE, [primary], breaker)

    delivery = send_with_failover(MESSAGE, [primary], breaker)

    assert primary.calls == 3
    assert (delivery.result.error, delivery.result.raw_code, delivery.result.retryable) == (
        "unreachable", SKIPPED, True)


def test_a_real_failure_outranks_a_later_skip(breaker):
    _open(breaker, "sms.tencent")

    delivery = send_with_failover(MESSAGE, [Scripted("aliyun", REFUSED),
                                            Scripted("tencent")], breaker)

    assert [a.raw_code for a in delivery.attempts] == ["connect_failed", SKIPPED]
    assert delivery.result is delivery.attempts[0]


def test_half_open_after_cooldown_lets_one_trial_through(breaker, clock):
    _open(breaker, "sms.aliyun")
    clock.now += 59
    assert breaker.state("sms.aliyun").status == "open"
    clock.now += 1

    assert breaker.state("sms.aliyun").status == "half-open"
    assert breaker.allow("sms.aliyun") is True
    # While the trial runs every other caller (another worker too) keeps skipping.
    assert breaker.allow("sms.aliyun") is False


def test_a_successful_trial_closes_the_breaker(breaker, clock):
    primary = Scripted("aliyun", REFUSED, REFUSED, REFUSED, ok())
    for _ in range(3):
        send_with_failover(MESSAGE, [primary], breaker)
    clock.now += 60

    delivery = send_with_failover(MESSAGE, [primary], breaker)

    assert delivery.ok and primary.calls == 4
    assert breaker.state("sms.aliyun") == breaker.state("sms.never-used")
    assert breaker.state("sms.aliyun").status == "closed"


def test_a_failed_trial_opens_again_for_a_full_cooldown(breaker, clock):
    primary = Scripted("aliyun", REFUSED)
    for _ in range(3):
        send_with_failover(MESSAGE, [primary], breaker)
    clock.now += 60

    send_with_failover(MESSAGE, [primary], breaker)

    state = breaker.state("sms.aliyun")
    assert (primary.calls, state.status, state.failures) == (4, "open", 4)
    assert state.reopens_at == clock.now + 60


def test_non_retryable_failures_never_trip_the_breaker(breaker):
    primary = Scripted("aliyun", BAD_PHONE)
    for _ in range(10):
        send_with_failover(MESSAGE, [primary], breaker)

    assert primary.calls == 10
    assert breaker.state("sms.aliyun").status == "closed"
    assert breaker.state("sms.aliyun").failures == 0


def test_a_provider_answer_breaks_the_run_of_failures(breaker):
    primary = Scripted("aliyun", REFUSED, REFUSED, BAD_PHONE, REFUSED, REFUSED)
    for _ in range(5):
        send_with_failover(MESSAGE, [primary], breaker)

    assert breaker.state("sms.aliyun").failures == 2
    assert breaker.state("sms.aliyun").status == "closed"


def test_repeated_timeouts_open_the_breaker_without_failing_over(breaker):
    primary, fallback = Scripted("aliyun", TIMEOUT), Scripted("tencent")
    for _ in range(3):
        assert not send_with_failover(MESSAGE, [primary, fallback], breaker).ok

    delivery = send_with_failover(MESSAGE, [primary, fallback], breaker)

    assert fallback.calls == 1 and delivery.ok  # new messages avoid the slow provider
    assert breaker.state("sms.aliyun").status == "open"


def test_breaker_state_is_shared_through_the_store(clock):
    store = MemoryStore(clock)
    worker_a = CircuitBreaker(store, threshold=2, cooldown=30, clock=clock)
    worker_b = CircuitBreaker(store, threshold=2, cooldown=30, clock=clock)
    worker_a.record("sms.aliyun", REFUSED)
    worker_b.record("sms.aliyun", REFUSED)

    assert worker_a.allow("sms.aliyun") is False
    assert worker_b.state("sms.aliyun").status == "open"


def test_a_successful_send_reads_the_store_once_and_still_clears_failures(clock):
    class Counting(MemoryStore):
        reads = 0

        def get(self, key):
            Counting.reads += 1
            return super().get(key)

    store = Counting(clock)
    breaker = CircuitBreaker(store, threshold=3, cooldown=60, clock=clock)
    gateway = Scripted("aliyun", ok())
    send_with_failover(MESSAGE, [gateway], breaker)
    assert Counting.reads == 1  # allow() read it; record() reuses that for a success

    breaker.record(gateway_id(gateway), REFUSED)  # a failure is counted on a fresh read
    assert breaker.state(gateway_id(gateway)).failures == 1
    send_with_failover(MESSAGE, [gateway], breaker)
    assert breaker.state(gateway_id(gateway)).failures == 0


def test_a_broken_store_never_stops_a_message(caplog):
    class Broken:
        def get(self, key):
            raise ConnectionError("redis is down")

        set = delete = get

    breaker = CircuitBreaker(Broken(), threshold=1)

    delivery = send_with_failover(MESSAGE, [Scripted("aliyun", REFUSED),
                                            Scripted("tencent")], breaker)

    assert delivery.ok
    assert "treating as closed" in caplog.text


def test_breaker_names_keep_channels_apart():
    class EmailLog(Scripted):
        channel = "email"

    assert gateway_id(Scripted("log")) == "sms.log"
    assert gateway_id(EmailLog("log")) == "email.log"


def test_breaker_refuses_nonsense_settings():
    with pytest.raises(ValueError):
        CircuitBreaker(MemoryStore(), threshold=0)


def _open(breaker: CircuitBreaker, name: str) -> None:
    for _ in range(breaker.threshold):
        breaker.record(name, REFUSED)
    assert breaker.state(name).status == "open"
