"""Fixtures for notification templates, dispatch and in-site messages."""

from __future__ import annotations

import pytest

from core import clock
from extensions import db
from models import DeliveryAttempt, InsiteMessage, Member

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
SERVER_VARS = {"server_name": "hk-web-01", "server_ip": "203.0.113.10",
               "product": "2C4G", "expires_at": "2026-12-31"}


def make_member(phone="+8613800138000", email="member@example.com", openid="",
                language="", **extra) -> Member:
    member = Member(phone=phone, email=email, wechat_openid=openid, language=language,
                    **extra)
    db.session.add(member)
    db.session.commit()
    return member


@pytest.fixture
def member(app) -> Member:
    return make_member()


@pytest.fixture(scope="session")
def _admin_password_hash() -> str:
    from core.passwords import hash_password
    from tests.conftest import ADMIN_PASSWORD

    return hash_password(ADMIN_PASSWORD)


@pytest.fixture
def admin(app, _admin_password_hash):
    """The suite's ``admin``, with its argon2 hash computed once per run, not per test."""
    from models import Admin

    row = Admin(username="root", password_hash=_admin_password_hash, phone="+8613800138000",
                email="root@example.com")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def signed_in(client, admin):
    """An admin's browser with a server-side session, as the login page leaves it.

    Made directly: the real sign-in (argon2 verify, login notices) costs about a second,
    and tests/sign_in/test_admin_auth.py already covers it.
    """
    return sign_in_browser(client, admin)


def sign_in_browser(client, admin):
    """Give ``client`` a server-side session of ``admin``, as the login page leaves it."""
    from models import LoginSession

    row = LoginSession(admin_id=admin.id)
    db.session.add(row)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = row.key
        session["_fresh"] = True
    return client


def attempts(**where) -> list[DeliveryAttempt]:
    query = db.select(DeliveryAttempt).order_by(DeliveryAttempt.id)
    for name, value in where.items():
        query = query.where(getattr(DeliveryAttempt, name) == value)
    return list(db.session.scalars(query))


def inbox(member_id: int | None = None) -> list[InsiteMessage]:
    query = db.select(InsiteMessage).order_by(InsiteMessage.id)
    if member_id is not None:
        query = query.where(InsiteMessage.member_id == member_id)
    return list(db.session.scalars(query))


@pytest.fixture
def confirmed(signed_in, admin):
    """Signed in with the operation-protection window open (a code was just confirmed)."""
    from datetime import timedelta

    from models import LoginSession

    db.session.execute(db.update(LoginSession).where(LoginSession.admin_id == admin.id)
                       .values(protected_until=clock.now() + timedelta(minutes=10)))
    db.session.commit()
    return signed_in


def sign_in_member(client, member: Member) -> None:
    """Give the test browser a member session, as the login page would."""
    from core.member_auth import SESSION_KEY
    from models import MemberSession

    row = MemberSession(member_id=member.id)
    db.session.add(row)
    db.session.commit()
    with client.session_transaction() as session:
        session[SESSION_KEY] = row.key


class SmtpInbox:
    """aiosmtpd handler keeping every message that arrives."""

    def __init__(self) -> None:
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email.policy import default

        self.received.append((envelope, email.message_from_bytes(envelope.content,
                                                                 policy=default)))
        return "250 2.0.0 queued"


@pytest.fixture
def smtp_inbox(app):
    """A real SMTP server on localhost, configured as the active email gateway."""
    import socket

    from aiosmtpd.controller import Controller

    from core import settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.update({"email.gateway": "smtp", "email.smtp.host": "127.0.0.1",
                     "email.smtp.port": port, "email.smtp.security": "plain",
                     "email.smtp.from_address": "noreply@herald.test"})
    yield inbox
    controller.stop()
