"""Step one of changing the phone or email: proof, kept in the session, that the member
typed a code sent to their *current* phone or email a few minutes ago.

The proof names the change (``phone`` or ``email``), the member, the member session it was
made in, and a fingerprint of the phone and email as they were. The session cookie is
signed, so the proof cannot be forged; and once any destination changes, or the member
signs out, or the window passes, an old copy of the cookie proves nothing.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import session

from core import clock
from core.member_auth import SESSION_KEY
from models.member import Member

PROOF_KEY = "account_identity"
# Long enough to receive and type the second code (valid 10 minutes by default).
WINDOW = timedelta(minutes=15)


def confirm(kind: str, member: Member) -> None:
    """Record that ``member`` just proved to hold the current destination, for ``kind``."""
    until = clock.now() + WINDOW
    session[PROOF_KEY] = {"kind": kind, "fingerprint": _fingerprint(member),
                          "until": until.timestamp()}


def confirmed(kind: str, member: Member) -> bool:
    """Whether step one of ``kind`` was passed in this session, for the member as they
    are now, within the window. A member with nothing bound has nothing to prove."""
    if not member.phone and not member.email:
        return True
    proof = session.get(PROOF_KEY)
    if not isinstance(proof, dict) or proof.get("kind") != kind:
        return False
    until = proof.get("until")
    return proof.get("fingerprint") == _fingerprint(member) and \
        isinstance(until, float) and clock.now().timestamp() < until


def forget() -> None:
    """The change is done (or abandoned): the proof is used up."""
    session.pop(PROOF_KEY, None)


def _fingerprint(member: Member) -> str:
    text = "\x1f".join((str(member.id), session.get(SESSION_KEY) or "", member.phone or "",
                        member.email or ""))
    return hashlib.sha256(text.encode()).hexdigest()[:32]
