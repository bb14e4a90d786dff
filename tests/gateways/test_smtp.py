"""The smtp gateway against a real SMTP server (aiosmtpd) on localhost: plain, STARTTLS, SSL.

The server, its certificate and ``Inbox`` live in tests/fakes/smtpserver.py (the
diagnostics tests use them too)."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.smtp import AuthResult

from gateways.base import Message
from gateways.email_log import EmailLogGateway
from gateways.smtp import SmtpGateway
from tests.fakes.smtpserver import USER, Inbox, login
from tests.fakes.smtpserver import smtp_gateway as gateway

SUBJECT = "【Herald】您的验证码是 123456"
MESSAGE = Message(
    to="member@example.org",
    subject=SUBJECT,
    content="验证码：123456，10 分钟内有效。",
    html="<p>验证码：<b>123456</b></p>",
)


def utf8_login_inbox() -> Inbox:
    inbox = Inbox()
    password = "密码-s3cret"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == USER and auth_data.password.decode() == password
        inbox.auth.append((mechanism, password if ok else "wrong"))
        return AuthResult(success=ok, handled=False)

    inbox.authenticator = authenticator
    return inbox


def test_plain_delivery_builds_a_proper_utf8_multipart_message(smtp_server):
    controller, inbox = smtp_server("plain")

    result = gateway(controller.port).send(MESSAGE)

    assert result.ok, result
    [(envelope, received, tls)] = inbox.received
    assert not tls and inbox.auth == []
    assert envelope.mail_from == "noreply@herald.test"
    assert envelope.rcpt_tos == ["member@example.org"]
    assert received["Subject"] == SUBJECT
    assert "=?utf-8?" in envelope.content.decode("ascii").split("\r\n\r\n")[0]
    assert received["From"].addresses[0].display_name == "Herald 通知中心"
    assert received["To"] == "member@example.org"
    assert received["Message-ID"] == result.message_id
    assert result.message_id.endswith("@herald.test>")
    assert received.get_content_type() == "multipart/alternative"
    assert received.get_body(("plain",)).get_content().strip() == MESSAGE.content
    assert received.get_body(("html",)).get_content().strip() == MESSAGE.html


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_auth_mechanisms_are_checked_by_the_server(smtp_server, mechanism):
    other = {"LOGIN": "PLAIN", "PLAIN": "LOGIN"}[mechanism]
    controller, inbox = smtp_server("plain", auth_exclude_mechanism=[other])

    result = gateway(controller.port, **login()).send(MESSAGE)

    assert result.ok, result
    assert inbox.auth == [(mechanism, USER)]


def test_starttls_upgrades_before_login(smtp_server):
    controller, inbox = smtp_server("starttls")

    result = gateway(controller.port, "starttls", **login()).send(MESSAGE)

    assert result.ok, result
    assert inbox.auth == [("PLAIN", USER)]
    assert inbox.received[0][2], "the message must travel over TLS"


def test_ssl_delivers_over_implicit_tls(smtp_server):
    controller, inbox = smtp_server("ssl")

    result = gateway(controller.port, "ssl", **login()).send(MESSAGE)

    assert result.ok, result
    assert inbox.received[0][2]


def test_non_ascii_password_is_sent_as_utf8(smtp_server):
    controller, inbox = smtp_server("starttls", utf8_login_inbox())

    result = gateway(controller.port, "starttls", **login(password="密码-s3cret")).send(MESSAGE)

    assert result.ok, result
    assert inbox.auth == [("PLAIN", "密码-s3cret")]


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_wrong_password_is_auth_failed(smtp_server, security):
    controller, inbox = smtp_server(security)

    result = gateway(controller.port, security, **login(password="wrong")).send(MESSAGE)

    assert (result.ok, result.error, result.retryable) == (False, "auth_failed", False)
    assert result.raw_code == "535"
    assert inbox.received == []


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_certificates_are_verified_by_default(smtp_server, security):
    controller, inbox = smtp_server(security)

    result = gateway(controller.port, security, verify_tls=True).send(MESSAGE)

    assert (result.error, result.retryable) == ("unreachable", True)
    assert "certificate" in result.raw_message.lower()
    assert inbox.received == []


def test_starttls_missing_on_the_server_is_a_settings_problem(smtp_server):
    controller, _ = smtp_server("plain")

    result = gateway(controller.port, "starttls").send(MESSAGE)

    assert (result.error, result.retryable) == ("not_configured", False)
    assert "STARTTLS" in result.raw_message


@pytest.mark.parametrize("password", ["s3cret-pass", "密码-s3cret"], ids=["ascii", "utf8"])
def test_auth_missing_on_the_server_is_a_settings_problem(smtp_server, password):
    # AUTH is offered only after STARTTLS, and the settings say plain.
    controller, inbox = smtp_server("plain", auth_require_tls=True)

    result = gateway(controller.port, **login(password=password)).send(MESSAGE)

    assert (result.error, result.retryable) == ("not_configured", False)
    assert "AUTH" in result.raw_message
    assert inbox.commands == []


def test_unknown_security_is_refused_rather_than_sent_in_the_clear(unused_port):
    result = gateway(unused_port, "tls").send(MESSAGE)

    assert (result.error, result.raw_message) == ("not_configured", "unknown security 'tls'")


def test_connection_refused_is_unreachable_and_retryable(unused_port):
    result = gateway(unused_port).send(MESSAGE)

    assert (result.ok, result.error, result.retryable) == (False, "unreachable", True)
    assert result.raw_code == "ConnectionRefusedError"


def test_unknown_host_is_unreachable():
    result = gateway(25, host="mail.invalid").send(MESSAGE)

    assert (result.error, result.retryable) == ("unreachable", True)


def test_silent_server_at_connect_is_unreachable_not_timeout():
    """No greeting within the connect timeout: nothing was sent, so failover is safe."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        smtp = gateway(listener.getsockname()[1])
        smtp.options["timeout"] = (0.3, 2)

        result = smtp.send(MESSAGE)

    assert (result.error, result.retryable) == ("unreachable", True)
    assert "timed out" in result.raw_message


def test_timeout_after_data_is_timeout_and_never_retried(smtp_server):
    """The server may have queued the message: it must not go out through another gateway."""
    controller, _ = smtp_server("plain", Inbox(data_delay=1.0))
    smtp = gateway(controller.port)
    smtp.options["timeout"] = (2, 0.3)

    result = smtp.send(MESSAGE)

    assert (result.ok, result.error, result.retryable) == (False, "timeout", False)


@pytest.mark.parametrize(
    ("inbox", "error", "raw_code", "retryable"),
    [
        (Inbox(rcpt_reply="550 5.1.1 No such user"), "invalid_email", "550", False),
        (Inbox(rcpt_reply="554 5.7.1 Relay access denied"), "auth_failed", "554", False),
        (Inbox(rcpt_reply="450 4.2.0 Greylisted, try later"), "provider_rate_limited", "450",
         True),
        (Inbox(mail_reply="553 5.7.1 Sender not owned by user"), "not_configured", "553",
         False),
        (Inbox(mail_reply="530 5.7.0 Authentication required"), "auth_failed", "530", False),
        (Inbox(mail_reply="421 4.3.2 Shutting down"), "unreachable", "421", True),
        (Inbox(data_reply="554 5.7.1 Message rejected as spam"), "content_rejected", "554",
         False),
        (Inbox(data_reply="451 4.3.0 Try again later"), "provider_rate_limited", "451", True),
    ],
    ids=["no-such-user", "relay-denied", "greylisted", "sender-refused", "auth-required",
         "shutting-down", "spam", "data-4xx"],
)
def test_server_refusals_map_to_catalog_codes(smtp_server, inbox, error, raw_code, retryable):
    controller, _ = smtp_server("plain", inbox)

    result = gateway(controller.port).send(MESSAGE)

    assert (result.error, result.raw_code, result.retryable) == (error, raw_code, retryable)
    assert result.raw_message  # the server's own words are kept for the log


def test_malformed_address_fails_before_connecting(unused_port):
    result = gateway(unused_port).send(Message(to="not-an-address", subject="x", content="x"))

    assert (result.error, result.retryable) == ("invalid_email", False)


def test_html_only_message_gets_a_text_part_and_a_single_line_subject(smtp_server):
    controller, inbox = smtp_server("plain")
    message = Message(to="member@example.org", subject="续费提醒\r\nBcc: evil@example.com",
                      html="<h1>续费提醒</h1><p>您的服务器 &amp; 域名即将到期</p>")

    assert gateway(controller.port).send(message).ok
    envelope, received, _ = inbox.received[0]
    assert received["Subject"] == "续费提醒 Bcc: evil@example.com"
    assert received["Bcc"] is None and envelope.rcpt_tos == ["member@example.org"]
    assert received.get_body(("plain",)).get_content().split() == [
        "续费提醒", "您的服务器", "&", "域名即将到期"]


def test_missing_settings_are_not_configured():
    result = SmtpGateway({"host": "127.0.0.1"}).send(MESSAGE)

    assert (result.error, result.retryable) == ("not_configured", False)
    assert "from_address" in result.raw_message


def test_log_gateway_succeeds_without_sending():
    result = EmailLogGateway({}).send(MESSAGE)

    assert result.ok and result.message_id.startswith("log-")
