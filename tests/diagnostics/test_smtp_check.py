"""The SMTP check against a real SMTP server on localhost (aiosmtpd, tests/fakes/smtpserver.py):
connect, TLS and login, each step timed, and never a message sent."""

from __future__ import annotations

import pytest
from markupsafe import escape

from core import catalog, settings
from services.diagnostics import smtp
from services.diagnostics.context import Context
from tests.diagnostics.helpers import EN, ZH, page
from tests.fakes.smtpserver import PASSWORD, USER, login, smtp_gateway

CONTEXT = Context((), True, (2.0, 2.0))
NON_ASCII_PASSWORD = "密码-s3cret"


def steps(result) -> list[tuple[str, bool]]:
    return [(step.name, step.ok) for step in result.steps]


@pytest.mark.parametrize(("security", "expected"), [
    ("plain", [("connect", True), ("login", True)]),
    ("starttls", [("connect", True), ("starttls", True), ("login", True)]),
    ("ssl", [("connect", True), ("login", True)]),
])
def test_right_credentials_pass_with_each_step_timed(smtp_server, security, expected):
    controller, inbox = smtp_server(security)

    result = smtp.check(smtp_gateway(controller.port, security, **login()), CONTEXT)

    assert (result.status, result.code, result.detail) == ("ok", "", "")
    assert steps(result) == expected
    assert all(step.ms > 0 for step in result.steps)
    assert result.steps[0].note == security
    assert result.target == f"127.0.0.1:{controller.port}"
    assert [login for _, login in inbox.auth] == [USER]  # the server really checked it
    assert inbox.commands == [] and inbox.received == []  # no MAIL, RCPT or DATA


def test_no_username_connects_without_logging_in(smtp_server):
    controller, inbox = smtp_server("plain")

    result = smtp.check(smtp_gateway(controller.port), CONTEXT)

    assert result.status == "ok"
    assert steps(result) == [("connect", True)]
    assert inbox.auth == [] and inbox.commands == []


@pytest.mark.parametrize("security", ["plain", "starttls", "ssl"])
def test_wrong_password_is_auth_failed_as_for_the_gateway(smtp_server, security):
    controller, inbox = smtp_server(security)
    gateway = smtp_gateway(controller.port, security, **login(password="wrong-pass"))

    result = smtp.check(gateway, CONTEXT)

    assert (result.status, result.code) == ("fail", "auth_failed")
    assert steps(result)[-1] == ("login", False)
    assert result.steps[-1].note == "535"
    assert result.detail.startswith("535: ") and "wrong-pass" not in result.detail
    assert inbox.auth == [] and inbox.commands == []


def test_starttls_not_offered_is_not_configured(smtp_server):
    controller, inbox = smtp_server("plain")  # no STARTTLS on this server

    result = smtp.check(smtp_gateway(controller.port, "starttls", **login()), CONTEXT)

    assert (result.status, result.code) == ("fail", "not_configured")
    assert steps(result) == [("connect", True), ("starttls", False)]
    assert result.detail == "STARTTLS extension not supported by server."
    assert "STARTTLS" in str(result.hint)
    assert inbox.auth == [] and inbox.commands == []


@pytest.mark.parametrize("password", [PASSWORD, NON_ASCII_PASSWORD], ids=["ascii", "utf8"])
def test_auth_not_offered_is_not_configured(smtp_server, password):
    # AUTH only after STARTTLS, and the settings say plain: EHLO offers no AUTH.
    controller, inbox = smtp_server("plain", auth_require_tls=True)

    result = smtp.check(smtp_gateway(controller.port, **login(password=password)), CONTEXT)

    assert (result.status, result.code) == ("fail", "not_configured")
    assert steps(result) == [("connect", True), ("login", False)]
    assert result.detail == "SMTP AUTH extension not supported by server."
    assert "AUTH" in str(result.hint)
    assert inbox.auth == [] and inbox.commands == []


def test_untrusted_certificate_is_unreachable(smtp_server):
    controller, inbox = smtp_server("ssl")

    result = smtp.check(smtp_gateway(controller.port, "ssl", verify_tls=True), CONTEXT)

    assert (result.status, result.code) == ("fail", "unreachable")
    assert steps(result) == [("connect", False)]
    assert "certificate" in result.detail.lower()
    assert inbox.commands == []


def configure(port: int, **config) -> None:
    settings.update({"email.gateway": "smtp", "email.smtp.host": "127.0.0.1",
                     "email.smtp.port": port, "email.smtp.security": "plain",
                     "email.smtp.from_address": "noreply@herald.test", **config})


@pytest.mark.parametrize(("headers", "locale"), [(EN, "en"), (ZH, "zh_CN")])
def test_wrong_password_on_the_page_shows_the_code_and_its_fix(
        app, client, auth, smtp_server, headers, locale):
    auth.login()  # first: the sign-in notice must not reach this server
    controller, inbox = smtp_server("plain")
    configure(controller.port, **{"email.smtp.username": USER,
                                  "email.smtp.password": "wrong-pass"})

    html = page(client, "/admin/diagnostics/", headers)

    smtp_family = html.split('id="family-smtp"', 1)[1]
    assert "<code>auth_failed</code>" in smtp_family
    assert str(escape(catalog.message("auth_failed", locale))) in smtp_family
    assert str(escape(catalog.fix("auth_failed", locale))) in smtp_family
    assert "wrong-pass" not in html
    assert inbox.commands == []


def test_right_password_on_the_page_is_ok(app, client, auth, smtp_server):
    auth.login()
    controller, inbox = smtp_server("plain")
    configure(controller.port, **{"email.smtp.username": USER,
                                  "email.smtp.password": PASSWORD})

    html = page(client, "/admin/diagnostics/")

    smtp_family = html.split('id="family-smtp"', 1)[1].split("</section>", 1)[0]
    assert "check-ok" in smtp_family and "check-fail" not in smtp_family
    assert 'step">Sign in ' in smtp_family
    assert [login for _, login in inbox.auth] == [USER] and inbox.commands == []
