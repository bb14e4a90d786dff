"""Fault injection fixtures: a provider that can misbehave, a Redis we can kill.

DNS is offline here as in the gateway tests (``tests.gateways.conftest.dns``), so a
``.invalid`` host fails at once, as it would without a network, and nothing can reach a
real provider.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from core import settings
from core.passwords import hash_password
from extensions import db
from models import Member
from services.notify import events
from services.templates import store as template_store
from tests.fakes.aliyun import AliyunFake
from tests.fakes.httpserver import FakeServer, Reply, Request
from tests.fakes.ports import free_port
from tests.gateways.conftest import dns  # noqa: F401  (autouse: no real DNS)

PHONE = "+8613800138055"
PASSWORD = "Quiet-Harbour-58"
KEY_ID, KEY_SECRET = "LTAI5tFaultTest", "fault-test-secret-0123456789"
TEMPLATE_CODES = {"register": "SMS_800001", "login": "SMS_800002",
                  "reset_password": "SMS_800003"}
READ_TIMEOUT = 0.5
STALL_SECONDS = 5.0


class MisbehavingProvider:
    """The Alibaba fake behind a switch: ``ok``, ``stall``, ``error500`` or ``reset``."""

    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self.fake = AliyunFake({KEY_ID: KEY_SECRET})
        self.mode = "ok"

    def __call__(self, request: Request) -> Reply:
        if self.mode == "stall":
            return Reply.stalled(STALL_SECONDS)  # says nothing: a read timeout
        if self.mode == "error500":
            return Reply.text("Internal Server Error", 500)
        if self.mode == "reset":
            return Reply.dropped()  # a TCP RST after the request arrived
        return self.fake(request)

    def codes_for(self, phone: str, scene: str) -> list[str]:
        import json

        national = phone.removeprefix("+86")
        return [json.loads(sent["TemplateParam"])["code"] for sent in self.fake.sent
                if sent["PhoneNumbers"] == national
                and sent["TemplateCode"] == TEMPLATE_CODES[scene]]


@pytest.fixture
def provider(app) -> Iterator[MisbehavingProvider]:
    """Alibaba as the active SMS gateway, the log gateway as its fallback."""
    server = FakeServer()
    switch = MisbehavingProvider(server)
    server.default = switch
    with server:
        settings.update({"sms.gateway": "aliyun", "sms.fallbacks": ["log"],
                         "sms.read_timeout": READ_TIMEOUT, "member.captcha_mode": "off",
                         "sms.aliyun.endpoint": server.url + "/",
                         "sms.aliyun.access_key_id": KEY_ID,
                         "sms.aliyun.access_key_secret": KEY_SECRET,
                         "sms.aliyun.sign_name": "Herald"})
        for scene, code in TEMPLATE_CODES.items():
            for locale in ("zh_CN", "en"):
                template_store.save(events.get(scene), "sms", locale, {
                    "text": "Your code is {{ code }}.", "template_code": code,
                    "params": {"code": "{{ code }}"}})
        yield switch


@pytest.fixture
def member(app) -> Member:
    row = Member(phone=PHONE, password_hash=hash_password(PASSWORD))
    db.session.add(row)
    db.session.commit()
    return row


class RedisProcess:
    """A redis-server of our own on a fixed port, to kill and start again mid-test."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_process() -> Iterator[RedisProcess]:
    server = RedisProcess()
    try:
        server.start()
    except FileNotFoundError:
        pytest.fail("redis-server is not installed: the Redis fault test needs it (CI has it)")
    yield server
    server.kill()
