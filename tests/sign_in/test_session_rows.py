"""Admin and member sessions are loaded the same way (core.sessions.open_session): each
side's own lifetime, a row past it revoked, ``last_seen_at`` written at a coarse grain."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import member_auth, settings
from core.passwords import hash_password
from extensions import db
from models import LoginSession, Member, MemberSession


def sign_in_member(client) -> None:
    db.session.add(Member(phone="+8613800138062", password_hash=hash_password("Blue-Harbour-42")))
    db.session.commit()
    client.post("/login", data={"account": "13800138062", "password": "Blue-Harbour-42"})


@pytest.fixture
def signed_in_both(client, auth):
    """One browser signed in as the admin and as a member."""
    auth.login()
    sign_in_member(client)
    return client


def rows():
    return db.session.scalar(db.select(LoginSession)), db.session.scalar(db.select(MemberSession))


def keep_active(client, path: str, until: timedelta, step: timedelta, frozen) -> None:
    """Use the session every ``step`` (shorter than its idle limit) for ``until``."""
    passed = timedelta(0)
    while passed < until:
        frozen.move(seconds=step.total_seconds())
        passed += step
        client.get(path)


def test_a_session_past_its_absolute_lifetime_is_revoked_on_both_sides(signed_in_both, frozen):
    admin_lifetime = timedelta(hours=settings.get("basic.session_absolute_hours"), minutes=1)
    keep_active(signed_in_both, "/admin/", admin_lifetime, timedelta(minutes=90), frozen)
    keep_active(signed_in_both, "/account/", member_auth.ABSOLUTE_TIMEOUT - admin_lifetime
                + timedelta(minutes=1), timedelta(days=5), frozen)
    assert signed_in_both.get("/admin/").status_code == 302
    assert signed_in_both.get("/account/").status_code == 302
    db.session.expire_all()
    assert all(row.revoked_at is not None for row in rows())


def test_last_seen_is_written_at_each_sides_resolution(signed_in_both, frozen):
    # Both signed in at the held moment; the admin page is used again 55 s before the
    # member side's five minutes are up, so only the member's row is then due a write.
    frozen.move(seconds=(member_auth.LAST_SEEN_RESOLUTION - timedelta(seconds=50)).total_seconds())
    signed_in_both.get("/admin/")
    frozen.move(seconds=55)
    admin_row, member_row = rows()
    within, past = admin_row.last_seen_at, member_row.last_seen_at
    assert signed_in_both.get("/admin/").status_code == 200
    assert signed_in_both.get("/account/").status_code == 200
    db.session.expire_all()
    admin_row, member_row = rows()
    assert admin_row.last_seen_at == within  # within a minute: not written
    assert member_row.last_seen_at > past
