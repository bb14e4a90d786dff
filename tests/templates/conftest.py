"""Fixtures shared with tests/notify: a member, an admin signed in and confirmed, an SMTP inbox."""

from tests.notify.conftest import (  # noqa: F401  (pytest finds fixtures by name)
    _admin_password_hash,
    admin,
    confirmed,
    member,
    signed_in,
    smtp_inbox,
)
