"""Blocks of a phone, a number prefix or an IP address, enforced by the code service.

``is_blocked(phone=..., ip=...)`` is what a send path calls before anything else; the
abuse view adds and removes blocks in one click.
"""

from __future__ import annotations

import ipaddress
import re

from core import audit
from extensions import db
from models import Block
from models.block import BLOCK_IP, BLOCK_KINDS, BLOCK_PHONE, BLOCK_PREFIX
from services.phones import InvalidPhone, parse_phone

PREFIX = re.compile(r"\+[1-9]\d{0,14}")


class BlockInvalid(ValueError):
    """A value that cannot be blocked as that kind (``invalid_input``)."""


def normalise(kind: str, value: str) -> str:
    """The stored form: E.164 phones, ``+digits`` prefixes, canonical networks."""
    value = (value or "").strip()
    if kind == BLOCK_PHONE:
        try:
            return parse_phone(value, check_allowed=False)
        except InvalidPhone:
            raise BlockInvalid(value) from None
    if kind == BLOCK_PREFIX:
        compact = re.sub(r"[\s-]", "", value)
        if not PREFIX.fullmatch(compact):
            raise BlockInvalid(value)
        return compact
    if kind == BLOCK_IP:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise BlockInvalid(value) from None
        single = network.num_addresses == 1
        return str(network.network_address) if single else str(network)
    raise BlockInvalid(kind)


def is_blocked(phone: str | None = None, ip: str | None = None) -> Block | None:
    """The block that stops a send to ``phone`` (E.164) or from ``ip``, else None."""
    if phone:
        found = db.session.scalar(db.select(Block).where(
            Block.kind == BLOCK_PHONE, Block.value == phone).limit(1))
        if found is not None:
            return found
        for block in _all(BLOCK_PREFIX):
            if phone.startswith(block.value):
                return block
    if ip:
        return _ip_block(ip)
    return None


def _ip_block(ip: str) -> Block | None:
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return None
    for block in _all(BLOCK_IP):
        if address in ipaddress.ip_network(block.value, strict=False):
            return block
    return None


def _all(kind: str) -> list[Block]:
    return list(db.session.scalars(db.select(Block).where(Block.kind == kind)))


def add(kind: str, value: str, reason: str = "", actor: str = "") -> Block:
    """Block ``value``; blocking it again returns the existing block. Commits."""
    if kind not in BLOCK_KINDS:
        raise BlockInvalid(kind)
    value = normalise(kind, value)
    existing = db.session.scalar(db.select(Block).where(Block.kind == kind,
                                                        Block.value == value))
    if existing is not None:
        return existing
    block = Block(kind=kind, value=value, reason=reason.strip()[:255], created_by=actor[:64])
    db.session.add(block)
    audit.record("abuse.block", target=f"{kind}:{value}", changes={kind: [None, value]})
    db.session.commit()
    return block


def remove(block_id: int) -> Block | None:
    block = db.session.get(Block, block_id)
    if block is None:
        return None
    db.session.delete(block)
    audit.record("abuse.unblock", target=f"{block.kind}:{block.value}",
                 changes={block.kind: [block.value, None]})
    db.session.commit()
    return block


def listing() -> list[Block]:
    return list(db.session.scalars(db.select(Block).order_by(Block.id.desc())))
