"""The fuzz bench: one browser signed in as an admin (operation protection open) and as a
member, one of every object a URL can name, and the fields of every form on every page.

Requests are sent as raw bodies (form-encoded by hand, lone surrogates included), so the
client never refuses to send what a hostile client would.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from core import crypto
from core.passwords import hash_password
from extensions import db, limiter
from models import (
    AuditEntry,
    DeliveryAttempt,
    InsiteMessage,
    LoginEvent,
    LoginSession,
    Member,
    PendingAction,
)
from models.alert import SiteAlert
from models.code import VerificationCode
from services.codes import blocks
from services.notify import api_clients as event_clients
from services.notify import jobs as notify_jobs
from tests.fuzz.strategies import MARK
from tests.gateways.conftest import dns  # noqa: F401  (autouse: no real DNS)
from tests.reseller.conftest import make_reseller, make_template

MEMBER_PHONE, MEMBER_PASSWORD = "+8613800138090", "Calm-Orchard-61"
SETTINGS_GROUPS = ("basic", "sms", "email", "wechat", "member", "api")
# Endpoints that end the fuzzing browser's sessions: exercised once, not fuzzed.
SIGN_OUT = {"admin_auth.logout", "member_auth.logout"}
FORGED_LINE = re.compile(rf"[\r\n\u2028\u2029\x85]{MARK}")


class _Forms(HTMLParser):
    """Collects (action, method, field names) of every form on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, set[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append((values.get("action") or "", (values.get("method") or "get")
                               .lower(), set()))
        elif tag in {"input", "select", "textarea", "button"} and self.forms and \
                values.get("name"):
            self.forms[-1][2].add(values["name"])


@dataclass
class Bench:
    """``client`` is signed in as admin and member; ``anon`` is a visitor's browser."""

    app: Any
    client: Any
    anon: Any
    ids: dict[str, Any]
    fields: dict[str, set[str]] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)

    def url(self, rule, overrides: dict[str, Any] | None = None) -> str:
        """The rule's URL with the seeded objects (or ``overrides``) for its parts."""
        values = {name: self.ids.get(f"{rule.endpoint}:{name}", self.ids.get(name))
                  for name in rule.arguments}
        values.update(overrides or {})
        with self.app.test_request_context():
            from flask import url_for

            return url_for(rule.endpoint, **values)

    def token(self, client) -> str:
        if id(client) not in self.tokens:
            self.tokens[id(client)] = client.csrf_token()
        return self.tokens[id(client)]

    def post(self, path: str, pairs: dict[str, Any] | bytes, client=None, csrf: bool = True,
             **kwargs):
        """POST a form body built by hand: any text, any number of values per name."""
        client = client or self.client
        token = self.token(client)
        if isinstance(pairs, bytes):
            body = (f"csrf_token={token}&".encode() if csrf else b"") + pairs
        else:
            items = [("csrf_token", token)] if csrf else []
            for name, value in pairs.items():
                items += [(name, v) for v in (value if isinstance(value, list) else [value])]
            body = urlencode(items, encoding="utf-8", errors="surrogatepass").encode()
        return client.post(path, data=body, csrf=False,
                                content_type="application/x-www-form-urlencoded", **kwargs)


def seed(auth, client) -> dict[str, Any]:
    """One of everything a URL can name, and both sessions signed in."""
    admin = auth.admin
    assert auth.login().status_code == 302
    member = Member(phone=MEMBER_PHONE, email="fuzz@example.com",
                    password_hash=hash_password(MEMBER_PASSWORD))
    db.session.add(member)
    db.session.commit()
    assert client.post("/login", data={"account": MEMBER_PHONE, "password": MEMBER_PASSWORD},
                       ).status_code == 302
    _pass_step_one_of_a_phone_change(client)
    template = make_template()
    account, _credentials = make_reseller()
    events_client = event_clients.create("fuzz")
    block = blocks.add("phone", "+8613800138099", actor="root")
    alert = SiteAlert(kind="hourly_ceiling", message="fuzz", details={})
    message = InsiteMessage(member_id=member.id, title="Hello", body="Hi")
    db.session.add_all([alert, message])
    db.session.commit()
    sent = client.post("/codes/send", data={"scene": "register", "destination": "13800138091"},
                       headers={"Accept": "application/json"}, buffered=True)
    sent.close()
    code = db.session.scalar(db.select(VerificationCode).order_by(VerificationCode.id.desc()))
    attempt = db.session.scalar(db.select(DeliveryAttempt))
    login_session = db.session.scalar(db.select(LoginSession).where(
        LoginSession.admin_id == admin.id))
    pending = PendingAction(key=secrets.token_urlsafe(32), admin_id=admin.id,
                            session_key=login_session.key, action="settings.member",
                            endpoint="admin_settings.tab", path="/admin/settings/member",
                            view_args='{"group": "member"}', form=crypto.encrypt("[]"))
    db.session.add(pending)
    db.session.commit()
    auth.confirm_protection(minutes=30)
    job = notify_jobs.notify("push_notice", member, title="Hello", body="Hi")
    return {"member_id": member.id, "admin_id": admin.id, "account_id": account.id,
            "template_id": template.id, "api_client_id": _client_pk(events_client.client_id),
            "admin_resellers.by_client:api_client_id": account.api_client_id,
            "block_id": block.id, "alert_id": alert.id, "code_id": code.id,
            "attempt_id": attempt.id if attempt else 1, "message_id": message.id,
            "key": pending.key, "group": "member", "name": "server_opened", "channel": "sms",
            "locale": "zh_CN", "admin_log_export.export:name": "codes",
            "job_id": "0123456789abcdef0123456789abcdef", "admin_messages.job:job_id": job.job_id}


def _pass_step_one_of_a_phone_change(client) -> None:
    """Type the code sent to the member's phone, so that step two of the change (its page
    and its send-code button) is fuzzed beyond the redirect to step one."""
    from tests.codes.conftest import last_code

    sent = client.post("/codes/send", data={"scene": "change_phone", "via": "phone"},
                       headers={"Accept": "application/json"}, buffered=True)
    sent.close()
    assert client.post("/account/phone", data={"via": "phone", "code": last_code(MEMBER_PHONE)},
                       ).status_code == 302


def _client_pk(client_id: str) -> int:
    from models import ApiClient

    return db.session.scalar(db.select(ApiClient.id).where(ApiClient.client_id == client_id))


def harvest(bench: Bench) -> dict[str, set[str]]:
    """The field names of every form on every page, by the endpoint the form posts to."""
    fields: dict[str, set[str]] = {}
    adapter = bench.app.url_map.bind("localhost")
    for rule in bench.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static") or \
                rule.endpoint in SIGN_OUT:
            continue
        pages = [bench.url(rule)]
        if rule.endpoint == "admin_settings.tab":
            pages = [bench.url(rule, {"group": g}) for g in SETTINGS_GROUPS]
        for page in pages:
            parser = _Forms()
            parser.feed(bench.client.get(page).get_data(as_text=True))
            for action, method, names in parser.forms:
                if method != "post":
                    continue
                try:
                    endpoint, _ = adapter.match(urlsplit(action or page).path, method="POST")
                except Exception:  # noqa: S112  (a form posting off-site or nowhere)
                    continue
                fields.setdefault(endpoint, set()).update(names - {"csrf_token"})
    return fields


_HARVEST: dict[str, set[str]] = {}


@pytest.fixture
def bench(app, client, auth) -> Bench:
    ids = seed(auth, client)
    made = Bench(app, client, app.test_client(), ids)
    if not _HARVEST:  # field names do not change within a run: read the pages once
        _HARVEST.update(harvest(made))
    made.fields = _HARVEST
    return made


# Open bugs outside this suite's reach, each pinned by a strict xfail test in
# test_regressions.py: when it is fixed there, that test fails until the entry goes.
KNOWN_OPEN: set[str] = set()


def single_line_columns() -> list[tuple[str, str]]:
    """Log columns that hold one line each, with any value holding a line break."""
    db.session.rollback()
    checks = [("code log destination", VerificationCode.destination),
              ("delivery destination", DeliveryAttempt.destination),
              ("login log username", LoginEvent.username),
              ("audit target", AuditEntry.target), ("audit actor", AuditEntry.actor)]
    found = []
    for label, column in checks:
        if label in KNOWN_OPEN:
            continue
        for value in db.session.scalars(db.select(column).where(
                column.contains("\n") | column.contains("\r"))):
            found.append((label, value))
    return found


def forged_records(records: list[logging.LogRecord]) -> list[str]:
    """Log messages in which input put a line break in front of the marker."""
    return [record.getMessage() for record in records
            if FORGED_LINE.search(record.getMessage())]


@pytest.fixture
def reset_limits():
    """Rate limits would turn most examples into 429s: start each example afresh."""
    return limiter.reset
