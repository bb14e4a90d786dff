"""Fake balance queries: SMSBao ``/query`` and Twilio ``Balance.json``, with the same
credential checks as their send fakes, answering the providers' real shapes."""

from __future__ import annotations

import re

from tests.fakes.httpserver import Reply, Request
from tests.fakes.smsbao import SmsbaoFake
from tests.fakes.twilio import TwilioFake, error

BALANCE_PATH = re.compile(r"/2010-04-01/Accounts/(?P<sid>[^/]+)/Balance\.json")


class SmsbaoBalanceFake(SmsbaoFake):
    """``/query?u=&p=`` answers ``0\\n<sent>,<left>``; ``query_code`` answers that code."""

    def __init__(self, *args, left: int = 1000, sent: int = 25, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.left, self.sent_count = left, sent
        self.query_code = ""
        self.balance_queries = 0

    def __call__(self, request: Request) -> Reply:
        if request.path != "/query":
            return super().__call__(request)
        query = {k: v[-1] for k, v in request.query.items()}
        if request.method != "GET":
            return Reply.text("not found", 404)
        if not (query.get("u") and query.get("p")):
            return Reply.text("-1")
        if query["u"] != self.username:
            return Reply.text("40")
        if query["p"] not in self.accepted:
            return Reply.text("30")
        self.balance_queries += 1
        if self.query_code:
            return Reply.text(self.query_code)
        return Reply.text(f"0\n{self.sent_count},{self.left}")


class TwilioBalanceFake(TwilioFake):
    """``GET Balance.json`` with Basic auth: the account's balance and currency."""

    def __init__(self, *args, balance: str = "12.34", currency: str = "USD", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.balance, self.currency = balance, currency
        self.balance_queries = 0

    def __call__(self, request: Request) -> Reply:
        match = BALANCE_PATH.fullmatch(request.path)
        if not match:
            return super().__call__(request)
        if request.method != "GET":
            return error(20004, "Method not allowed", 405)
        if not self._authorized(request, match["sid"]):
            return error(20003, "Authenticate", 401,
                         "Your AccountSid or AuthToken was incorrect.")
        self.balance_queries += 1
        return Reply.json({"currency": self.currency, "balance": self.balance,
                           "account_sid": self.account_sid})
