"""The ``smtp`` email gateway: plain, STARTTLS or implicit TLS, with optional AUTH.

Failures are mapped by *when* they happen. Before the envelope is sent (connect, TLS,
login) nothing can have gone out, so network trouble is ``unreachable`` and retryable.
Once the message is on its way, a lost connection or a timeout may hide an accepted
message, so it is ``timeout`` and never retried elsewhere.
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import ssl
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from gateways.base import Gateway, GatewayField, Message, SendResult, register
from gateways.email_message import build_email
from gateways.http import timeout_option

DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "plain": 25}


@register
class SmtpGateway(Gateway):
    name = "smtp"
    channel = "email"
    label = _l("SMTP server")
    fields = (
        GatewayField("host", _l("SMTP host")),
        GatewayField("port", _l("Port"), kind="int", default=465, required=False,
                     description=_l("465 for SSL, 587 for STARTTLS, 25 for plain")),
        GatewayField("security", _l("Security"), kind="choice", default="ssl",
                     choices=(("ssl", _l("SSL/TLS")), ("starttls", _l("STARTTLS")),
                              ("plain", _l("None (plain text)")))),
        GatewayField("username", _l("Username"), required=False),
        GatewayField("password", _l("Password"), secret=True, required=False),
        GatewayField("from_address", _l("From address")),
        GatewayField("from_name", _l("From name"), required=False),
    )

    @property
    def timeouts(self) -> tuple[float, float]:
        """(connect, read) from the ``timeout`` option, as for the HTTP gateways.

        The connect timeout covers the greeting, TLS and login; the read timeout covers the
        message itself, where a large body or a slow spam filter takes longer.
        """
        return timeout_option(self.options.get("timeout"))

    @property
    def security(self) -> str:
        return str(self.config.get("security") or "ssl")

    def _send(self, message: Message) -> SendResult:
        try:
            to = validate_email(message.to, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            return SendResult.failed(self.name, "invalid_email", raw_message=str(exc))
        if self.security not in DEFAULT_PORTS:
            # Never guess: an unknown value silently treated as plain would send passwords
            # in the clear.
            return SendResult.failed(self.name, "not_configured",
                                     raw_message=f"unknown security {self.security!r}")
        sender = self._sender()
        if sender is None:
            return SendResult.failed(self.name, "not_configured",
                                     raw_message="from_address is not a valid email address")
        email = build_email(message, sender, to)
        try:
            client = self._open()
        except (OSError, smtplib.SMTPException) as exc:
            return connect_failure(self.name, exc)
        try:
            return self._deliver(client, email, str(self.config["host"]))
        finally:
            # The message is already accepted or refused; a failing QUIT changes nothing.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()

    def _sender(self) -> Address | None:
        # Parsed, not validated like a member's address: an internal relay may well send
        # from ``noreply@herald.lan``.
        try:
            return Address(display_name=self.config.get("from_name") or "",
                           addr_spec=str(self.config["from_address"]).strip())
        except (ValueError, HeaderParseError):
            return None

    def _open(self) -> smtplib.SMTP:
        """Connect, secure and log in, all under the connect timeout."""
        security = self.security
        host = str(self.config["host"]).strip()
        port = int(self.config.get("port") or DEFAULT_PORTS[security])
        timeout = self.timeouts[0]
        local = self.options.get("local_hostname")
        if security == "ssl":
            client = smtplib.SMTP_SSL(host, port, local, timeout=timeout,
                                      context=self._tls_context())
        else:
            client = smtplib.SMTP(host, port, local, timeout=timeout)
        try:
            if security == "starttls":
                client.starttls(context=self._tls_context())
            if self.config.get("username"):
                login(client, str(self.config["username"]), str(self.config.get("password") or ""))
        except BaseException:
            client.close()
            raise
        return client

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        # Only the server's configuration (tests, a relay with a private CA) turns this off;
        # it is not an admin setting, so a page cannot downgrade mail to unverified TLS.
        if not self.options.get("verify_tls", True):
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _deliver(self, client: smtplib.SMTP, email: EmailMessage, host: str) -> SendResult:
        if client.sock is not None:
            client.sock.settimeout(self.timeouts[1])
        try:
            client.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            return send_failure(self.name, exc)
        return SendResult.sent(self.name, message_id=email["Message-ID"],
                               raw_code="250", raw_message=f"accepted by {host}")


def login(client: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH with smtplib's choice of mechanism; UTF-8 credentials go through PLAIN."""
    if (username + password).isascii():
        client.login(username, password)
        return
    # smtplib encodes credentials as ASCII, but RFC 4616 PLAIN carries UTF-8, and a
    # password with a non-ASCII character is a valid password.
    client.ehlo_or_helo_if_needed()
    if not client.has_extn("auth"):
        # What client.login() raises for ASCII credentials: a settings problem, not a
        # wrong password.
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode()
    code, reply = client.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def connect_failure(gateway: str, exc: BaseException) -> SendResult:
    """Connect, TLS or login failed: nothing was sent."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _reply(gateway, "auth_failed", exc, retryable=False)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        # The server lacks STARTTLS or AUTH on this connection: the security setting is wrong.
        return SendResult.failed(gateway, "not_configured", raw_message=str(exc))
    if type(exc) is smtplib.SMTPException:
        # smtplib's bare SMTPException here means no AUTH mechanism both sides support.
        return SendResult.failed(gateway, "auth_failed", raw_message=str(exc))
    if isinstance(exc, TimeoutError):
        return SendResult.failed(gateway, "unreachable", raw_code="timeout",
                                 raw_message=f"no answer while connecting: {exc}",
                                 retryable=True)
    return SendResult.failed(gateway, "unreachable", raw_code=_raw_code(exc),
                             raw_message=_text(exc), retryable=True)


def send_failure(gateway: str, exc: BaseException) -> SendResult:
    """MAIL, RCPT or DATA failed; only an explicit refusal proves nothing was accepted."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (0, b""))
        refusal = smtplib.SMTPResponseException(code, text)
        # 5.7.x is policy ("relaying denied"): the login is missing, not the mailbox.
        policy = _text(refusal).startswith("5.7.")
        return _refused(gateway, refusal, permanent="auth_failed" if policy else "invalid_email")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        permanent = "auth_failed" if exc.smtp_code in (530, 535) else "not_configured"
        return _refused(gateway, exc, permanent=permanent)
    if isinstance(exc, smtplib.SMTPDataError):
        return _refused(gateway, exc, permanent="content_rejected")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        # An internationalised address and a server without SMTPUTF8.
        return SendResult.failed(gateway, "invalid_email", raw_message=str(exc))
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(gateway, "unknown", exc, retryable=False)
    return SendResult.failed(gateway, "timeout", raw_code=_raw_code(exc),
                             raw_message=f"connection lost while sending: {_text(exc)}")


def _refused(gateway: str, exc: smtplib.SMTPResponseException, permanent: str) -> SendResult:
    """5xx is final (``permanent``); 4xx means "not now", so another gateway may help."""
    if exc.smtp_code >= 500:
        return _reply(gateway, permanent, exc, retryable=False)
    code = "unreachable" if exc.smtp_code == 421 else "provider_rate_limited"
    return _reply(gateway, code, exc, retryable=True)


def _reply(gateway: str, code: str, exc: BaseException, retryable: bool) -> SendResult:
    return SendResult.failed(gateway, code, raw_code=_raw_code(exc), raw_message=_text(exc),
                             retryable=retryable)


def _raw_code(exc: BaseException) -> str:
    smtp_code = getattr(exc, "smtp_code", None)
    return str(smtp_code) if smtp_code else type(exc).__name__


def _text(exc: BaseException) -> str:
    reply = getattr(exc, "smtp_error", None)
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    return str(reply or exc) or type(exc).__name__
