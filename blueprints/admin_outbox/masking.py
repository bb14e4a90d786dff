"""The codes in the Outbox, masked as the code log masks them.

An Outbox row is the text the ``log`` gateway "sent"; it does not say which part of it is
a code. The code records do: a code of the row's scene, for the row's receiver, issued at
most a code's longest life before the row. A digit run of the text is that code when its
keyed hash is the record's, so an order number or a price is never taken for a code, and
the code is found wherever the template put it (text, subject, or the provider's template
parameters).

A found code shows as ``47****``; the full code is shown only by the code log's reveal
(operation protection, audited, while the code is still valid). One exception: the codes
issued to the admin reading the page (binding ``a:<admin id>``: operation protection,
proving their own phone or email) are shown in full to that admin alone. With the ``log``
gateway active the Outbox is where such a code is delivered, and an admin who must first
pass operation protection to read the code that passes it could never get in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from core import crypto, settings
from extensions import db
from models import OutboxMessage, VerificationCode
from services.codes.issue import code_hash

DIGIT_RUN = re.compile(r"\d+")
# A message is queued only while its code is valid, so its code was issued at most the
# longest validity an admin can set before it; a minute more for the clock between them.
_SLACK = timedelta(minutes=1)


@dataclass(frozen=True)
class ShownMessage:
    """One Outbox row as the page shows it."""

    subject: str
    content: str | None  # None: no configured key decrypts it
    masked: tuple[VerificationCode, ...] = ()  # the codes hidden in it
    own: tuple[VerificationCode, ...] = ()  # the reader's own codes, left readable


def shown_messages(rows: Iterable[OutboxMessage], admin_id: int) -> dict[int, ShownMessage]:
    """Each row's subject and content with the codes masked, by row id."""
    rows = list(rows)
    candidates = _candidate_codes(rows)
    return {row.id: _shown(row, candidates, admin_id) for row in rows}


def own_code(code: VerificationCode, admin_id: int) -> bool:
    """Whether ``code`` was issued to this admin (operation protection, own destination)."""
    return code.binding == f"a:{admin_id}" or code.binding.startswith(f"a:{admin_id}:")


def _shown(row: OutboxMessage, candidates: list[VerificationCode],
           admin_id: int) -> ShownMessage:
    try:
        content = crypto.decrypt(row.content)
    except crypto.SecretUnreadable:
        content = None
    subject, masked, own = row.subject, [], []
    for code, plain in _codes_in(row, f"{subject}\n{content or ''}", candidates):
        if own_code(code, admin_id):
            own.append(code)
            continue
        masked.append(code)
        subject = _mask(subject, plain, code.masked_code)
        content = None if content is None else _mask(content, plain, code.masked_code)
    return ShownMessage(subject, content, tuple(masked), tuple(own))


def _mask(text: str, plain: str, masked: str) -> str:
    return DIGIT_RUN.sub(lambda run: masked if run.group(0) == plain else run.group(0), text)


def _codes_in(row: OutboxMessage, text: str,
              candidates: list[VerificationCode]) -> list[tuple[VerificationCode, str]]:
    """The code records whose code appears in ``text``, each with its plain code."""
    runs = set(DIGIT_RUN.findall(text))
    found = []
    for code in candidates:
        if code.destination != row.destination or code.scene != row.purpose or \
                not _issued_before(code, row):
            continue
        for run in runs:
            if _is_the_code(code, run):
                found.append((code, run))
                break
    return found


def _is_the_code(code: VerificationCode, run: str) -> bool:
    if len(run) != code.code_length or not run.startswith(code.code_hint):
        return False
    return code_hash(code.scene, code.destination, code.binding, code.action,
                     run) == code.code_hash


def _issued_before(code: VerificationCode, row: OutboxMessage) -> bool:
    return row.created_at - _longest_life() <= code.created_at <= row.created_at + _SLACK


def _longest_life() -> timedelta:
    return timedelta(minutes=settings.lookup("member.code_ttl_minutes").maximum) + _SLACK


def _candidate_codes(rows: list[OutboxMessage]) -> list[VerificationCode]:
    """The code records any of ``rows`` may hold, in one query."""
    if not rows:
        return []
    oldest = min(row.created_at for row in rows) - _longest_life()
    newest = max(row.created_at for row in rows) + _SLACK
    return list(db.session.scalars(db.select(VerificationCode).where(
        VerificationCode.destination.in_({row.destination for row in rows}),
        VerificationCode.scene.in_({row.purpose for row in rows}),
        VerificationCode.code_hash != "",
        VerificationCode.created_at.between(oldest, newest))))
