"""A real SMTP server (aiosmtpd) on localhost for tests: plain, STARTTLS or implicit TLS.

    controller, inbox = smtp_server("starttls")      # the ``smtp_server`` fixture
    SmtpGateway({"host": "127.0.0.1", "port": controller.port, ...}).send(message)
    assert inbox.received and inbox.auth == [("PLAIN", USER)]

``Inbox`` keeps what arrives and can script its replies; ``inbox.commands`` lists every
envelope command (MAIL, RCPT, DATA) the server saw, so a test can prove nothing was sent.
Register the fixtures in a conftest with
``from tests.fakes.smtpserver import certificate, smtp_server  # noqa: F401``.
"""

from __future__ import annotations

import asyncio
import datetime
import email
import ipaddress
import ssl
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateways.smtp import SmtpGateway
from tests.fakes.ports import free_port

USER, PASSWORD = "mailer@example.com", "s3cret-pass"


class Inbox:
    """aiosmtpd handler: keeps what arrives; replies can be scripted per command."""

    def __init__(self, mail_reply: str = "", rcpt_reply: str = "", data_reply: str = "",
                 data_delay: float = 0) -> None:
        self.mail_reply, self.rcpt_reply, self.data_reply = mail_reply, rcpt_reply, data_reply
        self.data_delay = data_delay
        self.received: list[tuple[object, email.message.EmailMessage, bool]] = []
        self.auth: list[tuple[str, str]] = []  # (mechanism, login) of accepted logins
        self.commands: list[str] = []  # MAIL, RCPT, DATA in the order the server got them

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.commands.append("MAIL")
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        self.commands.append("RCPT")
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.commands.append("DATA")
        await asyncio.sleep(self.data_delay)
        if self.data_reply:
            return self.data_reply
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.received.append((envelope, parsed, tls))
        return "250 2.0.0 queued"

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == USER
              and auth_data.password.decode() == PASSWORD)
        if ok:
            self.auth.append((mechanism, auth_data.login.decode()))
        # handled=False: let aiosmtpd answer 535 itself instead of leaving the client hanging.
        return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for localhost, made fresh for the test run."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
        ]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


@pytest.fixture
def smtp_server(certificate):
    """Start an aiosmtpd server: ``starttls`` offers STARTTLS, ``ssl`` speaks TLS at once."""
    started: list[Controller] = []

    def start(mode: str = "plain", inbox: Inbox | None = None, **smtp_options) -> tuple:
        inbox = inbox or Inbox()
        options = {
            "authenticator": inbox.authenticator,
            # Implicit TLS is invisible to aiosmtpd's AUTH guard (aio-libs/aiosmtpd#281);
            # plain mode needs AUTH offered without TLS to test LOGIN / PLAIN on port 25.
            "auth_require_tls": mode == "starttls",
            "tls_context": certificate if mode == "starttls" else None,
            "ssl_context": certificate if mode == "ssl" else None,
            **smtp_options,
        }
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                                server_hostname="mail.test", **options)
        controller.start()
        started.append(controller)
        return controller, inbox

    yield start
    for controller in started:
        controller.stop()


def smtp_gateway(port: int, security: str = "plain", verify_tls: bool = False, **config):
    """The smtp gateway pointed at the local server; the self-signed certificate is only
    accepted with ``verify_tls=False`` (a server-configuration option, as in production)."""
    settings = {"host": "127.0.0.1", "port": port, "security": security,
                "from_address": "noreply@herald.test", "from_name": "Herald 通知中心", **config}
    options = {"verify_tls": verify_tls, "timeout": (2, 2), "local_hostname": "client.test"}
    return SmtpGateway(settings, options)


def login(**config) -> dict:
    """Settings with the credentials ``Inbox`` accepts."""
    return {"username": USER, "password": PASSWORD, **config}
