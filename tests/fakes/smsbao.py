"""Fake SMSBao: ``/sms`` (mainland) and ``/wsms`` (international), bare numeric answers."""

from __future__ import annotations

import hashlib
import re

from tests.fakes.httpserver import Reply, Request


class SmsbaoFake:
    """Handler for ``FakeServer``. ``p`` must be MD5(password) or the API key, as SMSBao
    documents; ``force_code`` answers that code instead of sending."""

    def __init__(self, username: str, password: str, api_key: str) -> None:
        self.username = username
        self.accepted = {hashlib.md5(password.encode(), usedforsecurity=False).hexdigest(), api_key}
        self.force_code = ""
        self.sent: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Reply:
        query = {k: v[-1] for k, v in request.query.items()}
        if request.method != "GET" or request.path not in ("/sms", "/wsms"):
            return Reply.text("not found", 404)
        return Reply.text(self._code(request.path, query))

    def _code(self, path: str, query: dict[str, str]) -> str:
        if not all(query.get(k) for k in ("u", "p", "m", "c")):
            return "-1"
        if query["u"] != self.username:
            return "40"
        if query["p"] not in self.accepted:
            return "30"
        if self.force_code:
            return self.force_code
        mainland = re.fullmatch(r"1\d{10}", query["m"])
        international = re.fullmatch(r"\+\d{7,15}", query["m"])
        if not (mainland if path == "/sms" else international):
            return "51"
        self.sent.append({"path": path, **query})
        return "0"
