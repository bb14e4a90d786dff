"""Fake Twilio Messages API: Basic auth, the account path and the required form fields."""

from __future__ import annotations

import base64
import binascii
import re
import uuid

from tests.fakes.httpserver import Reply, Request

PATH = re.compile(r"/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json")


def error(code: int, message: str, status: int = 400, detail: str = "") -> Reply:
    body = {"code": code, "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}
    if detail:
        body["detail"] = detail
    return Reply.json(body, status)


class TwilioFake:
    """Handler for ``FakeServer``; ``force_code`` answers that Twilio error (HTTP 400,
    or 429 for 20429)."""

    def __init__(self, account_sid: str, auth_token: str,
                 numbers: tuple[str, ...] = ("+15005550006",)) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.numbers = numbers
        self.force_code = 0
        self.sent: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Reply:
        match = PATH.fullmatch(request.path)
        if request.method != "POST" or not match:
            return error(20404, "The requested resource was not found", 404)
        if not self._authorized(request, match["sid"]):
            return error(20003, "Authenticate", 401,
                         "Your AccountSid or AuthToken was incorrect.")
        if self.force_code:
            return error(self.force_code, f"forced {self.force_code}",
                         429 if self.force_code == 20429 else 400)
        return self._create(request.form())

    def _authorized(self, request: Request, path_sid: str) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return (scheme == "Basic" and user == self.account_sid == path_sid
                and password == self.auth_token)

    def _create(self, form: dict[str, str]) -> Reply:
        if not form.get("To"):
            return error(21604, "A 'To' phone number is required.")
        if not form.get("Body"):
            return error(21602, "Message body is required.")
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return error(21603, "A 'From' phone number is required.")
        if not re.fullmatch(r"\+[1-9]\d{6,14}", form["To"]):
            return error(21211, f"Invalid 'To' Phone Number: {form['To']}")
        if form.get("From") and form["From"] not in self.numbers:
            return error(21606, f"The 'From' phone number provided ({form['From']}) is not a "
                                "valid message-capable Twilio phone number for this "
                                "destination/account.")
        self.sent.append(form)
        return Reply.json(self._resource(form), 201)

    def _resource(self, form: dict[str, str]) -> dict:
        sid = "SM" + uuid.uuid4().hex
        return {"account_sid": self.account_sid, "api_version": "2010-04-01",
                "body": form["Body"], "direction": "outbound-api", "error_code": None,
                "error_message": None, "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "num_segments": "1", "price": None, "sid": sid, "status": "queued",
                "to": form["To"],
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}
