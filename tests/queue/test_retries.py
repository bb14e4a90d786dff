"""Retries in a real worker: only what certainly did not go out, each try logged, never
after a read timeout."""

from __future__ import annotations

from core import settings
from extensions import db
from models import VerificationCode
from models.delivery import STATUS_FAILED, STATUS_SENT
from models.queue import OUT_FAILED, OUT_SENT
from tests.queue.helpers import attempts_to, outgoing_of, send_code

REFUSED, THROTTLED, STALLED = "13800138201", "13800138202", "13800138203"


def settled(*sent) -> bool:
    return all(outgoing_of(one).status in (OUT_SENT, OUT_FAILED) for one in sent)


def test_refused_and_throttled_sends_are_retried_and_a_read_timeout_is_not(
        rig, provider, closed_port):
    # Enough tries to show the rule; a breaker that does not open on this test's failures.
    settings.update({"sms.max_tries": 3, "sms.read_timeout": 0.5,
                     "sms.breaker_threshold": 20})
    endpoint = settings.get("sms.smsbao.endpoint")
    settings.update({"sms.smsbao.endpoint": f"http://127.0.0.1:{closed_port}/"})
    rig.start(threads=2)

    refused = send_code(REFUSED, 1)
    rig.wait(lambda: settled(refused), "the refused code settled")
    row = outgoing_of(refused)
    assert (row.status, row.error, row.tries) == (OUT_FAILED, "unreachable", 3)
    assert [(a.status, a.raw_code) for a in attempts_to("+86" + REFUSED)] == [
        (STATUS_FAILED, "connect_failed")] * 3
    assert db.session.get(VerificationCode, refused.issued.id).error == "unreachable"

    # The provider is back, but throttles one number twice and is too slow for another;
    # the worker sees the settings change on its next message.
    settings.update({"sms.smsbao.endpoint": endpoint})
    provider.throttle(THROTTLED, 2)
    provider.stall(STALLED, 3)
    throttled, stalled = send_code(THROTTLED, 2), send_code(STALLED, 3)
    rig.wait(lambda: settled(throttled, stalled), "the throttled and the stalled code settled")

    row = outgoing_of(throttled)
    assert (row.status, row.tries) == (OUT_SENT, 3)
    assert [(a.status, a.error) for a in attempts_to("+86" + THROTTLED)] == [
        (STATUS_FAILED, "provider_rate_limited")] * 2 + [(STATUS_SENT, "")]
    assert provider.calls[THROTTLED] == 3 and len(provider.delivered(THROTTLED)) == 1

    row = outgoing_of(stalled)
    assert (row.status, row.error, row.tries) == (OUT_FAILED, "timeout", 1)
    assert [a.error for a in attempts_to("+86" + STALLED)] == ["timeout"]
    assert provider.calls[STALLED] == 1
