"""The balance family on the Diagnostics page: the amount left, balance_low under the
threshold, and the reading kept for the SMS tab."""

from __future__ import annotations

from markupsafe import escape

from core import catalog, settings
from services.delivery import balance
from tests.diagnostics.helpers import ZH, family_of, page, store_unchecked
from tests.fakes.balances import SmsbaoBalanceFake
from tests.fakes.httpserver import FakeServer


def smsbao_settings(url: str, **extra) -> dict:
    return {"sms.gateway": "smsbao", "sms.smsbao.username": "herald",
            "sms.smsbao.password": "api-key-123", "sms.smsbao.signature": "Herald",
            "sms.smsbao.endpoint": url + "/", **extra}


def test_the_balance_left_is_shown_and_kept(app, client, auth):
    with FakeServer(SmsbaoBalanceFake("herald", "pw", "api-key-123", left=480)) as server:
        store_unchecked(smsbao_settings(server.url))
        auth.login()
        section = family_of(page(client, "/admin/diagnostics/"), "balance")
    assert "check-ok" in section and "480 messages left." in section
    assert balance.last("smsbao").balance.amount == 480


def test_below_the_threshold_is_balance_low_in_chinese(app, client, auth):
    with FakeServer(SmsbaoBalanceFake("herald", "pw", "api-key-123", left=480)) as server:
        store_unchecked(smsbao_settings(server.url))
        settings.update({"sms.balance_low_threshold": 500})
        auth.login()
        section = family_of(page(client, "/admin/diagnostics/", ZH), "balance")
    assert "check-warn" in section and "<code>balance_low</code>" in section
    assert str(escape(catalog.fix("balance_low", "zh_CN"))) in section


def test_a_refused_query_shows_the_providers_code(app, client, auth):
    fake = SmsbaoBalanceFake("herald", "pw", "api-key-123")
    fake.query_code = "30"
    with FakeServer(fake) as server:
        store_unchecked(smsbao_settings(server.url))
        auth.login()
        section = family_of(page(client, "/admin/diagnostics/"), "balance")
    assert "<code>auth_failed</code>" in section and "30" in section
