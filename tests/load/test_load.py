"""Send-code under attack: 4 gunicorn workers, Redis, 200 concurrent clients, exact caps.

A real deployment — gunicorn with 4 sync workers on a fresh SQLite file migrated to head,
Redis (database 13, keys under a prefix of the run's own) for rate limits, the cache and the
delivery queue (a worker process sends every code),
the Alibaba gateway pointed at a local fake that checks signatures — is hammered for a
bounded time by 200 client threads posting ``/codes/send`` for a few phones from eight
source addresses (127.0.0.2–9: the app keys limits on the TCP peer address,
``request.remote_addr``). Every code that reaches the fake is checked by its browser
session, four times at once, while the hammering goes on.

The caps are chosen so that each one decides some of the outcome, and the expected number
of messages follows exactly from them (see ``EXPECTED``):

- group A: 4 addresses × 12 phones × 3 scenes. Per-IP cap 5, per-phone cap 2: the phones
  could take 24, the addresses only 20, so each address sends exactly 5 (IP-bound);
- group B: 4 other addresses × 3 phones. B1 and B2 are asked for all three scenes: the
  per-phone cap stops each at exactly 2 (the 60 s interval alone would allow 3). B3 is
  asked only for ``login``: the interval stops it at exactly 1 (the cap would allow 2).

So the fake must receive exactly 20 + 2 + 2 + 1 = 25 messages, each code must be accepted
exactly once, and no request may answer 5xx or leave "database is locked" in the log.

The per-IP request limiter (Flask-Limiter) is raised out of the way for that part; a
second test hammers the member password sign-in, limited to 10 POSTs a minute per
address, from one address with 60 concurrent clients: the four workers share the window
through Redis, so exactly 10 get past it.
"""

from __future__ import annotations

import json
import queue
import random
import re
import sqlite3
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import redis
import requests
from cryptography.fernet import Fernet
from requests.adapters import HTTPAdapter

from core import catalog
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL
from tests.fakes.aliyun import AliyunFake
from tests.fakes.httpserver import FakeServer
from tests.load.stack import Gunicorn, Worker, environment, prepare

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(TEST_DATABASE_URL or TEST_REDIS_URL),
                       reason="builds its own SQLite database and Redis: runs once, in the "
                              "plain SQLite run (make test), not again per service run"),
]

REDIS_URL = "redis://127.0.0.1:6379/13"
CLIENTS = 200
HAMMER_SECONDS = 12.0
CAP_PHONE, CAP_IP, INTERVAL = 2, 5, 60
SCENES = ("register", "login", "reset_password")
TEMPLATE_CODES = {"register": "SMS_900001", "login": "SMS_900002",
                  "reset_password": "SMS_900003"}
KEY_ID, KEY_SECRET = "LTAI5tLoadTest", "load-test-secret-0123456789"
PASSWORD = "Harbour-Lights-93"

IPS_A = [f"127.0.0.{n}" for n in range(2, 6)]
IPS_B = [f"127.0.0.{n}" for n in range(6, 10)]
PHONES_A = [f"+86139000000{n:02d}" for n in range(12)]
B1, B2, B3 = "+8613900001001", "+8613900001002", "+8613900001003"
# (address group, phone -> the scenes its clients ask for)
GROUPS = {
    "A": (IPS_A, dict.fromkeys(PHONES_A, SCENES)),
    "B": (IPS_B, {B1: SCENES, B2: SCENES, B3: ("login",)}),
}
EXPECTED = len(IPS_A) * CAP_IP + 2 * CAP_PHONE + 1
assert len(PHONES_A) * CAP_PHONE > len(IPS_A) * CAP_IP  # group A is bound by the IP cap
assert len(IPS_B) * CAP_IP > EXPECTED - len(IPS_A) * CAP_IP  # group B by phones only


def calm_timezone() -> str:
    """A zone where it is not near midnight, so no daily cap resets during the test."""
    for zone in ("Asia/Shanghai", "Europe/London", "America/New_York"):
        if 1 <= datetime.now(ZoneInfo(zone)).hour <= 22:
            return zone
    raise AssertionError("every candidate zone is near midnight")


class SourceAddressAdapter(HTTPAdapter):
    """Connect from a given loopback address, so the app sees a different client IP."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__(pool_connections=1, pool_maxsize=8)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        return super().init_poolmanager(*args, **kwargs)


def browser(base: str, ip: str, cookies: dict[str, str] | None = None) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", SourceAddressAdapter(ip))
    session.headers.update({"Accept-Language": "en"})
    for name, value in (cookies or {}).items():
        session.cookies.set(name, value, domain="127.0.0.1", path="/")
    return session


def csrf_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=60).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@dataclass
class Issued:
    """A send the app answered "sent": which browser session asked, for what."""

    scene: str
    phone: str
    ip: str
    cookies: dict[str, str]
    token: str
    accepted: list[bool] = field(default_factory=list)


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    issued: list[Issued] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, where: str, response: requests.Response) -> None:
        with self.lock:
            self.statuses[(where, response.status_code)] += 1
            if response.status_code >= 500:
                self.failures.append(f"{where}: {response.status_code} {response.text[:300]}")


def own_keys(store: redis.Redis, prefix: str) -> None:
    """Delete this run's keys (never FLUSHDB: another run may share the database)."""
    keys = list(store.scan_iter(f"*{prefix}*"))
    if keys:
        store.delete(*keys)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The fake provider, Redis and gunicorn with 4 workers on a fresh SQLite.

    Redis keys carry a prefix of this run's own, so two runs of the suite at once (or a
    leftover from a killed one) cannot see each other's limits or cached settings."""
    tmp_path = tmp_path_factory.mktemp("load")
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.RedisError as exc:
        pytest.fail(f"the load test needs Redis at {REDIS_URL}: {exc}")
    prefix = f"herald-load-{uuid.uuid4().hex[:12]}"
    own_keys(store, prefix)
    fake = AliyunFake({KEY_ID: KEY_SECRET})
    with FakeServer(fake) as provider:
        config = {"HERALD_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'load.db'}",
                  "REDIS_URL": REDIS_URL, "HERALD_ALLOW_PRIVATE_URLS": "true",
                  "SECRET_KEY": "load-test-secret-key-0123456789-abcdefghijklmnop",
                  "HERALD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
        env = environment(tmp_path, config)
        # The per-IP request limiter is raised out of the way: the caps are under test.
        overrides = {"HERALD_PASSWORD_PROFILE": "test", "SESSION_COOKIE_SECURE": False,
                     "CACHE_KEY_PREFIX": f"{prefix}:", "RATELIMIT_KEY_PREFIX": prefix,
                     "HERALD_CODE_SEND_RATE": "100000 per minute",
                     "HERALD_CODE_CHECK_RATE": "100000 per minute",
                     "HERALD_QUEUE_NAME": prefix}
        prepare(env, overrides, setup(provider.url))
        worker = Worker(env, overrides, tmp_path / "worker.log")
        server = Gunicorn(env, overrides, tmp_path / "gunicorn.log")
        try:
            yield server, fake, tmp_path / "load.db"
            assert "Traceback" not in worker.output(), worker.output()[-3000:]
        finally:
            server.stop()
            worker.stop()
    own_keys(store, prefix)


def setup(provider_url: str) -> dict:
    phones = [*PHONES_A, B1, B2, B3]
    return {
        "settings": {"member.captcha_mode": "off", "member.daily_cap_phone": CAP_PHONE,
                     "member.daily_cap_ip": CAP_IP, "member.code_interval_seconds": INTERVAL,
                     "basic.timezone": calm_timezone(),
                     "sms.gateway": "aliyun", "sms.aliyun.endpoint": provider_url + "/",
                     "sms.aliyun.access_key_id": KEY_ID,
                     "sms.aliyun.access_key_secret": KEY_SECRET,
                     "sms.aliyun.sign_name": "Herald"},
        "sms_templates": {scene: {"text": "Your code is {{ code }}.", "template_code": code,
                                  "params": {"code": "{{ code }}"}}
                          for scene, code in TEMPLATE_CODES.items()},
        "members": phones, "password": PASSWORD,
    }


def hammer(base: str, ip: str, targets: dict[str, tuple[str, ...]], stop_at: float,
           tally: Tally, found: queue.Queue) -> None:
    """One client: post send-code for random (phone, scene) pairs of its group until
    ``stop_at``; every "sent" answer goes to the checkers."""
    try:
        session = browser(base, ip)
        token = csrf_token(session, base + "/register")
        pairs = [(phone, scene) for phone, scenes in targets.items() for scene in scenes]
        while time.monotonic() < stop_at:
            send_one(base, session, token, ip, random.choice(pairs), tally, found)
    except Exception as exc:  # a refused connection or a timeout fails the test, with why
        with tally.lock:
            tally.failures.append(f"client {ip}: {exc!r}")


def send_one(base: str, session: requests.Session, token: str, ip: str,
             pair: tuple[str, str], tally: Tally, found: queue.Queue) -> None:
    phone, scene = pair
    response = session.post(base + "/codes/send", timeout=60,
                            data={"scene": scene, "destination": phone},
                            headers={"Accept": "application/json", "X-CSRFToken": token})
    tally.note("send", response)
    if response.status_code == 200:
        issued = Issued(scene, phone, ip, session.cookies.get_dict(), token)
        with tally.lock:
            tally.issued.append(issued)
        found.put(issued)
    elif response.status_code != 429:
        with tally.lock:
            tally.failures.append(f"send: {response.status_code} {response.text[:200]}")


def code_for(fake: AliyunFake, issued: Issued, timeout: float = 20.0) -> str:
    """The code the fake received for this phone and scene (the gateway runs after the
    answer, so it may still be on its way)."""
    national = issued.phone.removeprefix("+86")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for sent in list(fake.sent):
            if sent["PhoneNumbers"] == national and \
                    sent["TemplateCode"] == TEMPLATE_CODES[issued.scene]:
                return json.loads(sent["TemplateParam"])["code"]
        time.sleep(0.05)
    raise AssertionError(f"no message reached the fake for {issued.phone} {issued.scene}")


def submit(base: str, issued: Issued, code: str, tally: Tally) -> bool:
    """Enter ``code`` in the browser session that asked for it; True when accepted."""
    session = browser(base, issued.ip, issued.cookies)
    form = {"csrf_token": issued.token, "code": code}
    if issued.scene == "login":
        response = session.post(base + "/login/code", data={**form, "phone": issued.phone},
                                allow_redirects=False, timeout=60)
        tally.note("check", response)
        return response.status_code == 302 and \
            response.headers["Location"].endswith("/account/")
    new_password = {"password": PASSWORD, "confirm": PASSWORD}
    if issued.scene == "reset_password":
        response = session.post(base + "/forgot", allow_redirects=False, timeout=60,
                                data={**form, **new_password, "account": issued.phone})
        tally.note("check", response)
        return response.status_code == 302 and response.headers["Location"].endswith("/login")
    # The phones have accounts: a register code that passes ends at "already registered".
    response = session.post(base + "/register", allow_redirects=False, timeout=60, data={
        **form, **new_password, "phone": issued.phone, "qq": "10001", "agree": "y"})
    tally.note("check", response)
    return catalog.message("phone_registered", "en") in response.text


def check(base: str, fake: AliyunFake, issued: Issued, tally: Tally) -> None:
    """The right code four times at once from its session, then once more: one success."""
    code = code_for(fake, issued)
    with ThreadPoolExecutor(4) as pool:
        issued.accepted = list(pool.map(lambda _: submit(base, issued, code, tally), range(4)))
    issued.accepted.append(submit(base, issued, code, tally))


def checker(base: str, fake: AliyunFake, found: queue.Queue, tally: Tally,
            done: threading.Event) -> None:
    while not (done.is_set() and found.empty()):
        try:
            issued = found.get(timeout=0.2)
        except queue.Empty:
            continue
        try:
            check(base, fake, issued, tally)
        except Exception as exc:  # noted, so the test fails with the reason
            with tally.lock:
                tally.failures.append(f"check {issued.phone} {issued.scene}: {exc!r}")


def run_load(base: str, fake: AliyunFake) -> Tally:
    tally, found, done = Tally(), queue.Queue(), threading.Event()
    stop_at = time.monotonic() + HAMMER_SECONDS
    clients = []
    for n in range(CLIENTS):
        ips, targets = GROUPS["A" if n % 2 == 0 else "B"]
        clients.append(threading.Thread(target=hammer, args=(
            base, ips[n // 2 % len(ips)], targets, stop_at, tally, found)))
    checkers = [threading.Thread(target=checker, args=(base, fake, found, tally, done))
                for _ in range(4)]
    for thread in clients + checkers:
        thread.start()
    for thread in clients:
        thread.join()
    done.set()
    for thread in checkers:
        thread.join()
    return tally


def stored_sends(path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT ip, destination, scene, status FROM verification_codes "
                            "WHERE status != 'refused'").fetchall()


def test_caps_hold_exactly_under_200_concurrent_clients(deployment):
    server, fake, database = deployment
    tally = run_load(server.url, fake)
    time.sleep(1.0)  # a delivery still in flight would show up as one message too many
    log = server.output()

    assert not tally.failures, tally.failures[:5]
    sends = sum(n for (where, _), n in tally.statuses.items() if where == "send")
    assert sends > 10 * EXPECTED, f"too little load to prove anything: {tally.statuses}"
    assert "database is locked" not in log
    assert "Traceback" not in log, log[-3000:]

    # The provider received exactly what the caps allow, one message per "sent" answer.
    assert len(fake.sent) == EXPECTED == len(tally.issued)
    per_phone = Counter("+86" + sent["PhoneNumbers"] for sent in fake.sent)
    assert (per_phone[B1], per_phone[B2], per_phone[B3]) == (CAP_PHONE, CAP_PHONE, 1)
    assert all(per_phone[phone] <= CAP_PHONE for phone in PHONES_A)
    pairs = Counter((sent["PhoneNumbers"], sent["TemplateCode"]) for sent in fake.sent)
    assert set(pairs.values()) == {1}  # the interval: one per phone and scene
    rows = stored_sends(database)
    assert {status for *_, status in rows} == {"sent"}
    per_ip = Counter(ip for ip, *_ in rows)
    assert all(per_ip[ip] == CAP_IP for ip in IPS_A), per_ip
    assert sum(per_ip[ip] for ip in IPS_B) == 2 * CAP_PHONE + 1

    # Every code was accepted exactly once, whatever the concurrency.
    for issued in tally.issued:
        assert issued.accepted.count(True) == 1, (issued.phone, issued.scene, issued.accepted)


def test_the_request_limiter_is_exact_across_workers_through_redis(deployment):
    server, _fake, _database = deployment
    tally = Tally()
    ready = threading.Barrier(60)

    def sign_in(_: int) -> int:
        session = browser(server.url, "127.0.0.10")
        token = csrf_token(session, server.url + "/login")
        ready.wait(timeout=60)  # all at once
        response = session.post(server.url + "/login", allow_redirects=False, timeout=60,
                                data={"csrf_token": token, "account": B1,
                                      "password": "not-the-password"})
        tally.note("login", response)
        return response.status_code

    with ThreadPoolExecutor(60) as pool:
        statuses = Counter(pool.map(sign_in, range(60)))
    assert not tally.failures, tally.failures[:5]
    assert statuses[429] == 50 and sum(statuses.values()) - statuses[429] == 10, statuses
    assert "Traceback" not in server.output()
