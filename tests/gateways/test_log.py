"""The log gateway: the default sink that sends nothing and never fails."""

from __future__ import annotations

import socket

import gateways
from gateways.base import REGISTRY, Message, gateway_class
from gateways.log import NOT_SENT, LogGateway


def test_always_succeeds_with_a_fresh_message_id():
    gateway = LogGateway({})
    first, second = gateway.send(Message(to="+8613800138000", content="a")), \
        gateway.send(Message(to="", content=""))
    assert first.ok and second.ok
    assert first.message_id.startswith("log-") and first.message_id != second.message_id
    assert first.raw_message == NOT_SENT


def test_needs_no_settings_and_no_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the log gateway must not touch the network")

    monkeypatch.setattr(socket, "socket", no_network)
    assert LogGateway({}).missing_fields() == []
    assert LogGateway({}).send(Message(to="+8613800138000", content="x")).ok


def test_importing_the_package_registers_every_sms_gateway():
    assert gateways.__all__  # the package import list is what fills the registry
    assert {"log", "smsbao", "aliyun", "tencent", "twilio", "http"} <= set(REGISTRY["sms"])
    assert gateway_class("sms", "log") is LogGateway


def test_every_sms_gateway_declares_its_settings():
    for cls in REGISTRY["sms"].values():
        names = [field.name for field in cls.fields]
        assert len(names) == len(set(names)), cls.name
        assert str(cls.label)
        for field in cls.fields:
            assert str(field.label), (cls.name, field.name)
            if field.name == "endpoint":
                assert (field.required, field.default) == (False, cls.default_endpoint)
            if field.name in {"password", "access_key_secret", "secret_key", "auth_token",
                              "secret"}:
                assert field.secret, (cls.name, field.name)
