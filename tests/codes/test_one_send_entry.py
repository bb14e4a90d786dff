"""Every page that sends a code goes through services.codes.sending.send: the member's
send-code button, the admin's sign-in code and operation protection."""

from __future__ import annotations

import pytest

from extensions import db
from services.codes import sending
from tests.codes.conftest import send
from tests.test_protection import park_member_change


@pytest.fixture
def sends(monkeypatch):
    """(scene, after_response) of every call of sending.send, which still runs."""
    calls = []
    real_send = sending.send

    def recording(request, locale, **options):
        calls.append((request.scene, options.get("after_response", False)))
        return real_send(request, locale, **options)

    monkeypatch.setattr(sending, "send", recording)
    return calls


def test_the_member_and_the_admin_sign_in_code_share_the_entry_point(client, auth, sends):
    assert send(client, "register").status_code == 200
    auth.admin.login_code = True
    db.session.commit()
    auth.login()
    client.post("/admin/login/code/send", data={"channel": "sms"})
    assert sends == [("register", True), ("admin_login", False)]


def test_operation_protection_shares_the_entry_point(client, auth, sends):
    auth.login()
    confirm_url = park_member_change(client)
    client.post(f"{confirm_url}/send", data={"channel": "sms"})
    assert sends == [("operation_protection", False)]
