"""The database is unreachable at start, and goes away in the middle of a request.

An app is pointed at a PostgreSQL database of its own (created here, dropped afterwards):

- at start the database refuses connections: the app factory still builds, and every
  request answers 503 ``service_unavailable`` — a page for browsers, JSON for the APIs —
  never a traceback; once the database accepts connections the same app object works;
- mid-request the server kills the request's connection (``pg_terminate_backend``) just
  as it writes: the answer is a 503 with its catalog code, the half-done transaction is
  gone (no code, no used-up counter), what was saved before is intact, and the next
  request works without a restart.

Runs once, in the plain SQLite run: it builds its own database, whatever the run's is.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, event, text

from config import normalise_database_url
from core.signing import signed_headers
from extensions import db, limiter
from models.code import SendCounter, VerificationCode
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, HeraldClient

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL or TEST_REDIS_URL),
    reason="builds its own PostgreSQL database: runs once, in the plain SQLite run")

SERVER = os.environ.get("HERALD_FAULTS_POSTGRES_URL",
                        "postgresql://postgres@127.0.0.1:5432/postgres")
JSON = {"Accept": "application/json"}
EN = {"Accept-Language": "en"}


class Postgres:
    """A scratch database on the server, and the switches to take it away."""

    def __init__(self) -> None:
        self.name = f"herald_faults_{uuid.uuid4().hex[:10]}"
        self.engine = create_engine(normalise_database_url(SERVER),
                                    isolation_level="AUTOCOMMIT")
        base = SERVER.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"

    def run(self, statement: str, **values) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(statement), values)

    def allow_connections(self, allowed: bool) -> None:
        self.run(f"ALTER DATABASE {self.name} ALLOW_CONNECTIONS {str(allowed).lower()}")
        if not allowed:
            self.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = :name", name=self.name)

    def kill(self, pid: int) -> None:
        self.run("SELECT pg_terminate_backend(:pid)", pid=pid)


@pytest.fixture
def postgres():
    server = Postgres()
    try:
        server.run(f"CREATE DATABASE {server.name}")
    except Exception as exc:
        pytest.fail(f"the database fault test needs PostgreSQL at {SERVER}: {exc}")
    yield server
    server.run(f"DROP DATABASE IF EXISTS {server.name} WITH (FORCE)")
    server.engine.dispose()


@pytest.fixture
def build(app, _app, base_config, tmp_path):
    """Build apps on other databases; the shared limiter goes back to the session app."""
    from app import create_app

    made = []

    def _build(url: str):
        config = {k: v for k, v in base_config.items() if not k.startswith(("CACHE_", "REDIS"))}
        config.update(DATABASE_URL=url, RATELIMIT_STORAGE_URI="memory://",
                      CACHE_TYPE="FileSystemCache",  # a cold cache, as after a restart
                      CACHE_DIR=str(tmp_path / f"cache{len(made)}"))
        other = create_app(config)
        other.test_client_class = HeraldClient
        made.append(other)
        return other

    yield _build
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    limiter.init_app(_app)


def migrate(other) -> None:
    from flask_migrate import upgrade

    from tests.conftest import ROOT

    with other.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        from core import settings

        settings.update({"member.captcha_mode": "off"})
        db.session.remove()


def assert_unavailable_page(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 503, body[:300]
    assert "service_unavailable" in body and "Traceback" not in body


def test_unreachable_at_start_then_recovers_without_a_restart(build, postgres, caplog):
    migrate(build(postgres.url))
    postgres.allow_connections(False)
    other = build(postgres.url)  # the factory builds without the database
    client = other.test_client()
    for path in ("/register", "/forgot", "/login/code"):  # pages that read the database
        assert_unavailable_page(client.get(path, headers=EN))
    assert client.get("/admin/login", headers=EN).status_code == 200  # needs none
    assert_unavailable_page(client.post("/admin/login", headers=EN, data={
        "username": "ops", "password": "correct-horse-battery"}))
    sent = client.post("/codes/send", data={"scene": "register", "destination": "13800138077"},
                       headers=JSON)
    assert sent.status_code == 503 and sent.get_json()["code"] == "service_unavailable"
    body = b'{"event": "push_notice", "member_id": 1, "variables": {}}'
    api = client.post("/api/events", data=body, headers={
        "Content-Type": "application/json", **EN,
        **signed_headers("e12345678", "api-key", "sign-key", "POST", "/api/events", body,
                          nonce=uuid.uuid4().hex)})
    assert api.status_code == 503 and api.get_json()["code"] == "service_unavailable"
    assert "unhandled error" not in caplog.text  # every one went through the 503 path

    postgres.allow_connections(True)
    assert client.get("/register", headers=EN).status_code == 200
    sent = client.post("/codes/send", data={"scene": "register", "destination": "13800138077"},
                       headers=JSON, buffered=True)
    sent.close()
    assert sent.status_code == 200 and sent.get_json()["code"] == "sent"


def test_connection_killed_mid_request_answers_503_and_loses_nothing_saved(build, postgres):
    other = build(postgres.url)
    migrate(other)
    client = other.test_client()
    first = client.post("/codes/send", data={"scene": "register", "destination": "13800138078"},
                        headers=JSON, buffered=True)
    first.close()
    assert first.get_json()["code"] == "sent"

    with other.app_context():
        engine = db.engine

    def kill_on_code_insert(conn, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO verification_codes"):
            postgres.kill(conn.connection.dbapi_connection.info.backend_pid)

    event.listen(engine, "before_cursor_execute", kill_on_code_insert)
    try:
        killed = client.post("/codes/send", headers=JSON, buffered=True,
                             data={"scene": "register", "destination": "13800138079"})
        killed.close()
    finally:
        event.remove(engine, "before_cursor_execute", kill_on_code_insert)
    assert killed.status_code == 503
    assert killed.get_json()["code"] == "service_unavailable"

    with other.app_context():  # the half-done send left nothing behind
        rows = db.session.scalars(db.select(VerificationCode.destination)).all()
        assert rows == ["+8613800138078"]
        keys = db.session.scalars(db.select(SendCounter.key)).all()
        assert not any("13800138079" in key for key in keys), keys

    again = client.post("/codes/send", data={"scene": "register", "destination": "13800138079"},
                        headers=JSON, buffered=True)
    again.close()
    assert again.status_code == 200 and again.get_json()["code"] == "sent"


def test_an_admin_page_killed_mid_request_is_a_503_page(build, postgres):
    other = build(postgres.url)
    migrate(other)
    with other.app_context():
        from core.admins import make_admin

        make_admin("ops", "correct-horse-battery")
    sent = other.test_client().post("/codes/send", headers=JSON, buffered=True,
                                    data={"scene": "register", "destination": "13800138078"})
    sent.close()
    client = other.test_client()
    signed = client.post("/admin/login", data={"username": "ops",
                                               "password": "correct-horse-battery"})
    assert signed.status_code == 302
    with other.app_context():
        engine = db.engine

    def kill_on_log_query(conn, _cursor, statement, *_args):
        if "FROM verification_codes" in statement:
            postgres.kill(conn.connection.dbapi_connection.info.backend_pid)

    event.listen(engine, "before_cursor_execute", kill_on_log_query)
    try:
        assert_unavailable_page(client.get("/admin/logs/codes", headers=EN))
    finally:
        event.remove(engine, "before_cursor_execute", kill_on_log_query)
    page = client.get("/admin/logs/codes", headers=EN)  # recovered, same app, same sign-in
    assert page.status_code == 200 and "13800138078" in page.get_data(as_text=True)
