"""Blocks from System → Abuse stop the code service before any limit or gateway."""

from extensions import db
from models.block import BLOCK_IP, BLOCK_PHONE, BLOCK_PREFIX
from models.code import CODE_REFUSED, VerificationCode
from services.codes import blocks
from tests.codes.conftest import PHONE, outbox_codes, send


def block(kind, value):
    blocks.add(kind, value)


def newest() -> VerificationCode:
    return db.session.scalar(db.select(VerificationCode).order_by(VerificationCode.id.desc()))


def test_a_blocked_phone_gets_no_code(client):
    block(BLOCK_PHONE, PHONE)
    answer = send(client, "register")
    assert answer.status_code == 429
    assert answer.get_json()["code"] == "blocked"
    assert outbox_codes() == []
    assert (newest().status, newest().error) == (CODE_REFUSED, "blocked")


def test_a_blocked_prefix_gets_no_code(client):
    block(BLOCK_PREFIX, "+86138")
    assert send(client, "register").get_json()["code"] == "blocked"
    assert outbox_codes() == []


def test_a_blocked_ip_gets_no_code(client):
    block(BLOCK_IP, "127.0.0.1")
    assert send(client, "register").get_json()["code"] == "blocked"
    assert send(client, "register", "+8613900139000").get_json()["code"] == "blocked"


def test_other_numbers_still_get_codes(client):
    block(BLOCK_PHONE, "+8613900139000")
    assert send(client, "register").get_json()["code"] == "sent"
    assert len(outbox_codes()) == 1
