"""Admin and member sessions are loaded the same way (core.sessions.open_session): each
side's own lifetime, a row past it revoked, ``last_seen_at`` written at a coarse grain."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import member_auth, security, settings
from core.passwords import hash_password
from extensions import db
from models import LoginSession, Member, MemberSession
from models.base import utcnow


@pytest.fixture
def signed_in_both(client, auth):
    """One browser signed in as the admin and as a member."""
    db.session.add(Member(phone="+8613800138062", password_hash=hash_password("Blue-Harbour-42")))
    db.session.commit()
    auth.login()
    client.post("/login", data={"account": "13800138062", "password": "Blue-Harbour-42"})
    return client


def rows():
    return db.session.scalar(db.select(LoginSession)), db.session.scalar(db.select(MemberSession))


def test_a_session_past_its_absolute_lifetime_is_revoked_on_both_sides(signed_in_both):
    admin_row, member_row = rows()
    admin_row.created_at -= timedelta(hours=settings.get("basic.session_absolute_hours"),
                                      minutes=1)
    member_row.created_at -= member_auth.ABSOLUTE_TIMEOUT + timedelta(minutes=1)
    db.session.commit()
    assert signed_in_both.get("/admin/").status_code == 302
    assert signed_in_both.get("/account/").status_code == 302
    db.session.expire_all()
    assert all(row.revoked_at is not None for row in rows())


def test_last_seen_is_written_at_each_sides_resolution(signed_in_both):
    admin_row, member_row = rows()
    within = utcnow() - security.LAST_SEEN_RESOLUTION + timedelta(seconds=5)
    past = utcnow() - member_auth.LAST_SEEN_RESOLUTION - timedelta(seconds=5)
    admin_row.last_seen_at, member_row.last_seen_at = within, past
    db.session.commit()
    assert signed_in_both.get("/admin/").status_code == 200
    assert signed_in_both.get("/account/").status_code == 200
    db.session.expire_all()
    admin_row, member_row = rows()
    assert admin_row.last_seen_at == within  # within a minute: not written
    assert member_row.last_seen_at > past
