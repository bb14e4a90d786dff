"""The guarded session: SSRF refusal on the connected address, no redirects, timeouts."""

from __future__ import annotations

import datetime
import ssl

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import gateways.http as http
from gateways.errors import RedirectRefused, UnsafeURLError
from gateways.http import is_public_address, make_session
from tests.fakes.httpserver import FakeServer, Reply

TIMEOUT = (1.0, 2.0)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "100.64.0.1", "100.127.255.254",  # CGNAT
    "169.254.169.254", "169.254.1.1",  # link-local, cloud metadata
    "0.0.0.0", "255.255.255.255",  # noqa: S104 - refused addresses, nothing binds here
    "224.0.0.1", "239.255.255.250", "240.0.0.1",
    "192.0.2.10", "198.18.0.1",  # documentation and benchmarking ranges
    "::", "::1", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "2002:7f00:1::1", "64:ff9b::a00:1",  # 6to4 and NAT64 wrapping private IPv4
    "::127.0.0.1",  # deprecated IPv4-compatible form
])
def test_non_public_addresses_are_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", [
    "8.8.8.8", "47.246.1.1", "203.208.60.1", "2606:4700:4700::1111", "::ffff:8.8.8.8",
    "2002:808:808::1",
])
def test_public_addresses_are_allowed(address):
    assert is_public_address(address)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://2130706433:{port}/",  # 127.0.0.1 written as one number
    "http://0.0.0.0:{port}/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud's metadata address
])
def test_guarded_session_refuses_private_targets_before_any_request(server, url):
    port = server.url.rsplit(":", 1)[1]
    with pytest.raises(UnsafeURLError):
        make_session().get(url.format(port=port), timeout=TIMEOUT)
    assert server.requests == []


def test_a_name_resolving_to_a_private_address_is_refused(server, dns):
    dns.names["sms.example.test"] = ["127.0.0.1"]
    port = server.url.rsplit(":", 1)[1]
    with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.1"):
        make_session().get(f"http://sms.example.test:{port}/", timeout=TIMEOUT)
    assert server.requests == []


def test_one_private_answer_among_public_ones_refuses_the_name(dns):
    dns.names["mixed.example.test"] = ["8.8.8.8", "10.0.0.7"]
    with pytest.raises(UnsafeURLError, match=r"10\.0\.0\.7"):
        make_session().get("http://mixed.example.test/", timeout=TIMEOUT)


def test_dns_rebinding_gets_no_second_lookup(server, dns, monkeypatch):
    # Pretend 127.0.0.1 is public and 127.0.0.2 is not. The name answers 127.0.0.1 once and
    # 127.0.0.2 after: a client that resolved again after checking would land there.
    monkeypatch.setattr(http, "is_public_address", lambda ip: ip == "127.0.0.1")
    answers = iter([["127.0.0.1"]])
    dns.names["rebind.example.test"] = lambda: next(answers, ["127.0.0.2"])
    server.route("/", lambda request: Reply.text("reached"))
    port = server.url.rsplit(":", 1)[1]

    response = make_session().get(f"http://rebind.example.test:{port}/", timeout=TIMEOUT)

    assert response.text == "reached"
    assert dns.lookups == ["rebind.example.test"]
    assert server.requests[0].headers["host"] == f"rebind.example.test:{port}"


def test_the_connected_peer_is_checked_again(server, monkeypatch):
    verdicts = iter([True, False])  # the lookup passes, the connected peer does not
    monkeypatch.setattr(http, "is_public_address", lambda ip: next(verdicts))
    with pytest.raises(UnsafeURLError, match="connected to"):
        make_session().get(server.url + "/", timeout=TIMEOUT)
    assert server.requests == []


@pytest.mark.parametrize("allow_private", [False, True])
@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd",
                                 "gopher://127.0.0.1:70/", "example.com/sms"])
def test_only_http_and_https_schemes(url, allow_private):
    with pytest.raises(UnsafeURLError, match="only http and https"):
        make_session(allow_private).get(url, timeout=TIMEOUT)


def test_private_targets_are_reachable_when_the_operator_allows_them(server):
    server.route("/ok", lambda request: Reply.text("fine"))
    assert make_session(allow_private=True).get(server.url + "/ok", timeout=TIMEOUT).text == "fine"


@pytest.mark.parametrize("timeout", [None, 5, (1, 2, 3)])
def test_a_connect_and_read_timeout_pair_is_required(server, timeout):
    with pytest.raises(ValueError, match="timeout"):
        make_session(allow_private=True).get(server.url, timeout=timeout)


def test_redirects_are_never_followed(server):
    with FakeServer(lambda request: Reply.text("secret")) as target:
        server.route("/send", lambda request: Reply.redirect(target.url + "/internal"))
        with pytest.raises(RedirectRefused, match="302"):
            make_session(allow_private=True).post(server.url + "/send", data={"a": "1"},
                                                  timeout=TIMEOUT)
        assert target.requests == []


def test_one_session_reuses_its_connection(server):
    server.route("/", lambda request: Reply.text("ok"))
    session = make_session(allow_private=True)
    for _ in range(3):
        session.get(server.url + "/", timeout=TIMEOUT)
    assert len({request.client for request in server.requests}) == 1


def test_environment_proxies_are_ignored(server, monkeypatch):
    # A proxy would be contacted instead of the target, unchecked by the guard.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    server.route("/", lambda request: Reply.text("direct"))
    assert make_session(allow_private=True).get(server.url + "/", timeout=TIMEOUT).text == "direct"



def _self_signed(folder, hostname: str) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_server(tmp_path):
    cert, key = _self_signed(tmp_path, "sms.example.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with FakeServer(lambda request: Reply.text("secure"), tls=context) as server:
        server.cafile = cert
        yield server


@pytest.mark.parametrize(("name", "ok"), [("sms.example.test", True),
                                          ("other.example.test", False)])
def test_guarded_https_verifies_the_host_name_not_the_vetted_address(
        tls_server, dns, monkeypatch, name, ok):
    # The socket goes to the vetted IP, but TLS must still check the certificate against
    # the name in the URL: the production path for every real provider.
    monkeypatch.setattr(http, "is_public_address", lambda ip: True)
    dns.names[name] = ["127.0.0.1"]
    session = make_session()
    session.verify = tls_server.cafile
    url = f"https://{name}:{tls_server.port}/"
    if ok:
        assert session.get(url, timeout=TIMEOUT).text == "secure"
    else:
        with pytest.raises(requests.exceptions.SSLError):
            session.get(url, timeout=TIMEOUT)
