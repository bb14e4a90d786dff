"""Blocks of a phone, a number prefix or an IP address, enforced by the code service.

``is_blocked(phone=..., ip=...)`` is what a send path calls before anything else; the
abuse view adds and removes blocks in one click.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from core import audit
from core.phones import InvalidPhone, parse_phone
from extensions import cache, db
from models import Block
from models.block import BLOCK_IP, BLOCK_KINDS, BLOCK_PHONE, BLOCK_PREFIX

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
    """The block that stops a send to ``phone`` (E.164) or from ``ip``, else None.

    Every stored form that could match is looked up (the phone itself, each of its
    prefixes, the address and each network around it), so a lookup costs the same whatever
    the number of blocks. A phone block wins over a prefix, a prefix over an IP block; among
    several of one kind the oldest.
    """
    index = _index()
    candidates = (
        (BLOCK_PHONE, [phone] if phone else []),
        (BLOCK_PREFIX, _prefixes(phone) if phone else []),
        (BLOCK_IP, _networks(ip) if ip else ()),
    )
    for kind, values in candidates:
        found = [index[kind][v] for v in values if v in index[kind]]
        if found:
            return db.session.get(Block, min(found))
    return None


def _index() -> dict[str, dict[str, int]]:
    """Every block as {kind: {stored value: id}}, from the shared cache.

    Every send asks, and nearly every answer is "no": blocks are added by hand in the
    abuse view, so all of them fit in one cache entry, dropped whenever one changes.
    """
    index = cache.get(CACHE_KEY)
    if index is None:
        index = {kind: {} for kind in BLOCK_KINDS}
        for block_id, kind, value in db.session.execute(_ALL_BLOCKS):
            index[kind].setdefault(value, block_id)
        cache.set(CACHE_KEY, index, timeout=0)
    return index


def _prefixes(phone: str) -> list[str]:
    """``phone`` and every shorter start of it that a prefix block could be ("+8", "+86"...)."""
    return [phone[:end] for end in range(2, len(phone) + 1)]


@lru_cache(maxsize=4096)
def _networks(ip: str) -> tuple[str, ...]:
    """Every stored form of a block covering ``ip``: the address, then each network that
    contains it, written as :func:`normalise` writes them (cached: one client sends many)."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return ()
    bits, width, kind = int(address), address.max_prefixlen, type(address)
    # What ip_network((address, length), strict=False) would print, without building it.
    return (str(address), *(f"{kind(bits >> (width - length) << (width - length))}/{length}"
                            for length in range(width)))


CACHE_KEY = "herald:blocks"
_BLOCKS = Block.__table__
_ALL_BLOCKS = db.select(_BLOCKS.c.id, _BLOCKS.c.kind, _BLOCKS.c.value).order_by(_BLOCKS.c.id)


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
    cache.delete(CACHE_KEY)  # after the commit, so the next send loads the new block
    return block


def remove(block_id: int) -> Block | None:
    block = db.session.get(Block, block_id)
    if block is None:
        return None
    db.session.delete(block)
    audit.record("abuse.unblock", target=f"{block.kind}:{block.value}",
                 changes={block.kind: [block.value, None]})
    db.session.commit()
    cache.delete(CACHE_KEY)
    return block


def listing() -> list[Block]:
    return list(db.session.scalars(db.select(Block).order_by(Block.id.desc())))
