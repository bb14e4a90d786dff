"""SIGKILL in the middle of a send: that message is never sent again, the rest go out once."""

from __future__ import annotations

from core import clock
from extensions import db
from models import VerificationCode
from models.code import CODE_FAILED, CODE_SENT
from models.queue import OUT_QUEUED, OUT_SENDING, OUT_SENT, OUT_UNKNOWN
from tests.queue.helpers import outgoing_of, send_code
from tests.queue.rig import sweeps_passed

HELD = "13800138100"  # the provider is slow to answer this one
BEHIND = [f"138001381{n:02d}" for n in range(1, 6)]


def test_a_send_cut_by_sigkill_is_outcome_unknown_and_the_queue_behind_it_goes_out_once(
        rig, provider):
    [first] = rig.start(threads=1)
    provider.hold(HELD)
    cut = send_code(HELD, 1)
    rig.wait(lambda: provider.calls[HELD] == 1, "the worker calling the slow provider")
    behind = {number: send_code(number, n) for n, number in enumerate(BEHIND, 2)}
    # Its one thread is waiting on the provider: the others wait in the queue.
    assert {outgoing_of(sent).status for sent in behind.values()} == {OUT_QUEUED}

    first.kill()
    provider.release(HELD)  # the provider got it after all: it must not get it twice
    assert outgoing_of(cut).status == OUT_SENDING  # nobody could settle it yet

    [second] = rig.start(threads=1)
    rig.wait(lambda: all(outgoing_of(sent).status == OUT_SENT for sent in behind.values()),
             "every message queued behind the cut one delivered")
    row = outgoing_of(cut)
    assert (row.status, row.error, row.tries) == (OUT_UNKNOWN, "outcome_unknown", 1)
    code = db.session.get(VerificationCode, cut.issued.id)
    assert (code.status, code.error) == (CODE_FAILED, "outcome_unknown")
    assert {db.session.get(VerificationCode, sent.issued.id).status
            for sent in behind.values()} == {CODE_SENT}

    since = clock.now()
    rig.wait(lambda: sweeps_passed(second, since), "two more sweeps")
    assert dict(provider.calls) == {HELD: 1, **dict.fromkeys(BEHIND, 1)}
    assert [len(provider.delivered(number)) for number in BEHIND] == [1] * len(BEHIND)
    assert outgoing_of(cut).status == OUT_UNKNOWN
