"""SMTP connect, TLS and login, each step timed; no message is sent."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import time

from flask_babel import lazy_gettext as _l

from gateways.smtp import DEFAULT_PORTS, SmtpGateway, connect_failure, login
from services.diagnostics.context import Context
from services.diagnostics.result import FAIL, OK, CheckResult, Job, Step, ms_since, timed

# The server lacks what the settings ask for. The catalog's not_configured fix only says
# "fill in the credentials": these say which setting to change.
NOT_OFFERED = {
    "starttls": _l("The server does not offer STARTTLS on this port: set Security and Port "
                   "as your mail provider documents (usually SSL/TLS on 465 or STARTTLS on "
                   "587)."),
    "login": _l("The server does not offer login (AUTH) on this connection: choose the "
                "secure connection your mail provider requires, or leave Username and "
                "Password empty for a relay that needs no login."),
}


def jobs(context: Context) -> list[Job]:
    found = []
    for used in context.of_channel("email"):
        gateway = used.gateway
        if isinstance(gateway, SmtpGateway) and not gateway.missing_fields():
            host = str(gateway.config["host"]).strip()
            found.append(Job("smtp", _l("SMTP login to %(host)s", host=host), host,
                             lambda gateway=gateway: timed(lambda: check(gateway, context))))
    return found


def check(gateway: SmtpGateway, context: Context) -> CheckResult:
    host = str(gateway.config["host"]).strip()
    security = gateway.security
    port = int(gateway.config.get("port") or DEFAULT_PORTS.get(security, 25))
    result = CheckResult("smtp", _l("SMTP login to %(host)s", host=f"{host}:{port}"),
                         target=f"{host}:{port}")
    if security not in DEFAULT_PORTS:
        result.status, result.code = FAIL, "not_configured"
        result.detail = f"unknown security {security!r}"
        return result
    client = None
    step, started = "connect", time.perf_counter()
    try:
        client = _connect(gateway, host, port, context.timeout[0])
        result.steps.append(Step("connect", True, ms_since(started), security))
        if security == "starttls":
            step, started = "starttls", time.perf_counter()
            client.starttls(context=_tls(gateway))
            result.steps.append(Step(step, True, ms_since(started)))
        if gateway.config.get("username"):
            step, started = "login", time.perf_counter()
            login(client, str(gateway.config["username"]),
                  str(gateway.config.get("password") or ""))
            result.steps.append(Step(step, True, ms_since(started)))
    except (OSError, smtplib.SMTPException) as exc:
        failure = connect_failure(gateway.name, exc)
        result.steps.append(Step(step, False, ms_since(started), failure.raw_code))
        result.status, result.code = FAIL, failure.error
        result.detail = gateway.redact(": ".join(
            part for part in (failure.raw_code, failure.raw_message) if part))
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            result.hint = NOT_OFFERED.get(step, "")
        return result
    finally:
        if client is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()
    result.status = OK
    return result


def _connect(gateway: SmtpGateway, host: str, port: int, timeout: float) -> smtplib.SMTP:
    local = gateway.options.get("local_hostname")
    if gateway.security == "ssl":
        return smtplib.SMTP_SSL(host, port, local, timeout=timeout, context=_tls(gateway))
    return smtplib.SMTP(host, port, local, timeout=timeout)


def _tls(gateway: SmtpGateway) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not gateway.options.get("verify_tls", True):  # the server's configuration only
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
