"""A verification code goes out through a real worker; the asker never waits for it."""

from __future__ import annotations

from extensions import db
from models import VerificationCode
from models.code import CODE_PENDING, CODE_SENT
from models.queue import OUT_QUEUED, OUT_SENDING, OUT_SENT, Outgoing
from tests.conftest import HeraldClient
from tests.queue.helpers import send_code

NUMBER, PAGE_NUMBER = "13800138021", "13800138022"  # sent by send() and by the page


def newest_code(number: str) -> VerificationCode:
    return db.session.scalar(db.select(VerificationCode).where(
        VerificationCode.destination == "+86" + number).order_by(VerificationCode.id.desc()))


def outgoing_of(code: VerificationCode) -> Outgoing:
    return db.session.scalar(db.select(Outgoing).where(Outgoing.code_id == code.id))


def test_a_code_reaches_the_provider_through_the_worker_after_the_asker_got_its_answer(
        rig, provider):
    rig.start(threads=2)
    provider.hold(NUMBER)  # the provider answers only when the test says so
    provider.hold(PAGE_NUMBER)
    sent = send_code(NUMBER)
    rig.app.test_client_class = HeraldClient
    answer = rig.app.test_client().post("/codes/send", headers={"Accept": "application/json"},
                                        data={"scene": "register", "destination": PAGE_NUMBER})
    answer.close()  # the page hands its code to the queue once the answer has left

    # Both are back while the provider has answered neither: nothing waited for it.
    assert sent.queued and not sent.delivered
    assert answer.get_json()["code"] == "sent"
    assert provider.delivered(NUMBER) == provider.delivered(PAGE_NUMBER) == []
    for number in (NUMBER, PAGE_NUMBER):
        code = newest_code(number)
        assert code.status == CODE_PENDING
        assert outgoing_of(code).status in (OUT_QUEUED, OUT_SENDING)

    rig.wait(lambda: provider.calls[NUMBER] == provider.calls[PAGE_NUMBER] == 1,
             "the worker calling the provider with both codes")
    provider.release()
    rig.wait(lambda: {outgoing_of(newest_code(n)).status for n in (NUMBER, PAGE_NUMBER)}
             == {OUT_SENT}, "both codes settled sent")

    for number in (NUMBER, PAGE_NUMBER):
        code = newest_code(number)
        assert (code.status, code.gateway) == (CODE_SENT, "smsbao")
        [content] = provider.delivered(number)
        assert content.startswith("【Herald】")
        assert provider.calls[number] == 1
    assert sent.issued.code in provider.delivered(NUMBER)[0]
