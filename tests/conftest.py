"""Shared fixtures: one migrated database per run, emptied between tests; CSRF stays on.

The database is SQLite in a temporary folder unless ``HERALD_TEST_DATABASE_URL`` names
PostgreSQL or MariaDB; ``HERALD_TEST_REDIS_URL`` moves caches and rate limits to Redis.
When either is set and its server cannot be reached, the run stops with an error: a
service run that silently falls back to SQLite would prove nothing.
"""

from __future__ import annotations

import contextvars
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask.testing import FlaskClient

from core import clock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Every test runs with DNS offline (IP literals and localhost only): a code path that would
# reach a real provider, such as the SMS tab's save-time check, fails like an unknown host.
from tests.gateways.conftest import dns  # noqa: E402, F401  (autouse)

TEST_DATABASE_URL = os.environ.get("HERALD_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("HERALD_TEST_REDIS_URL", "")
ADMIN_PASSWORD = "correct-horse-battery"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def pytest_configure(config):
    _compile_translations()
    if TEST_DATABASE_URL:
        _require_database(TEST_DATABASE_URL)
    if TEST_REDIS_URL:
        _require_redis(TEST_REDIS_URL)


def pytest_report_header(config):
    return [f"herald database: {TEST_DATABASE_URL or 'sqlite (temporary file)'}",
            f"herald redis: {TEST_REDIS_URL or 'none (file cache, in-memory limits)'}"]


def _compile_translations() -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "--quiet", "compile",
                    "-d", str(ROOT / "translations")], check=True)


def _require_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    from config import normalise_database_url

    try:
        with create_engine(normalise_database_url(url)).connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise pytest.UsageError(f"HERALD_TEST_DATABASE_URL={url} is unreachable: {exc}") from exc


def _require_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except Exception as exc:
        raise pytest.UsageError(f"HERALD_TEST_REDIS_URL={url} is unreachable: {exc}") from exc


def test_config(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("herald")
    config = {
        "HERALD_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "HERALD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "HERALD_ALLOW_PRIVATE_URLS": True,
        "HERALD_PASSWORD_PROFILE": "test",  # cheapest argon2id: sign-ins stay fast
        "SERVER_NAME": "localhost",
        "SESSION_COOKIE_SECURE": False,
        "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{folder / 'test.db'}",
        # Tasks run inline; tests/queue starts real worker processes where the queue itself
        # is under test.
        "HERALD_QUEUE": "immediate",
    }
    if TEST_REDIS_URL:
        config.update(REDIS_URL=TEST_REDIS_URL, CACHE_KEY_PREFIX="herald-test:",
                      RATELIMIT_STORAGE_URI=TEST_REDIS_URL)
    else:
        config.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=str(folder / "cache"))
    return config


@pytest.fixture(scope="session")
def base_config(tmp_path_factory) -> dict:
    return test_config(tmp_path_factory)


@pytest.fixture(scope="session")
def _app(base_config):
    from flask_migrate import upgrade

    from app import create_app
    from extensions import db

    app = create_app(base_config)
    with app.app_context():
        _drop_everything(db)
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
    return app


def _drop_everything(db) -> None:
    """Start the run from an empty database, whatever an earlier run left behind."""
    from sqlalchemy import MetaData, inspect

    with db.engine.begin() as conn:
        if conn.dialect.name == "mysql":
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
        existing = MetaData()
        existing.reflect(bind=conn)
        existing.drop_all(bind=conn)
        if conn.dialect.name == "mysql":
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")
    assert not inspect(db.engine).get_table_names()


@pytest.fixture
def app(_app):
    """The session's app, in an app context, with every table emptied afterwards."""
    from extensions import cache, db, limiter

    with _app.app_context():
        yield _app
        db.session.rollback()
        _empty_tables(db)
        cache.clear()
        limiter.reset()
        db.session.remove()


def _empty_tables(db) -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


class HeraldClient(FlaskClient):
    """A test client that sends a real CSRF token with every form POST, like a browser.

    Each request runs in a fresh context, as in a server: otherwise Flask would reuse the
    test's app context, sharing ``g`` and the database session between requests.
    """

    def open(self, *args, **kwargs):
        # Buffered: a streamed body must be read inside the request's own context.
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _see_fresh_state()
        return response

    def csrf_token(self) -> str:
        page = self.get("/admin/login", follow_redirects=True).get_data(as_text=True)
        match = CSRF_INPUT.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if data is None and "json" not in kwargs:
            data = {}
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


def _see_fresh_state() -> None:
    """After a request, let the test body read what the request committed.

    The test's own session may sit in a read transaction (a snapshot, on SQLite WAL and
    MariaDB), and its settings memo in ``g`` may predate the request.
    """
    from flask import g, has_app_context

    from extensions import db

    if has_app_context():
        db.session.rollback()
        g.pop("_herald_settings", None)


@pytest.fixture
def client(app):
    app.test_client_class = HeraldClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin(app):
    from core.admins import make_admin

    return make_admin("root", ADMIN_PASSWORD, phone="+8613800138000", email="root@example.com")


@pytest.fixture
def auth(client, admin):
    return AuthActions(client, admin)


class AuthActions:
    def __init__(self, client: HeraldClient, admin):
        self.client = client
        self.admin = admin

    def login(self, username: str | None = None, password: str = ADMIN_PASSWORD):
        return self.client.post("/admin/login", data={
            "username": username or self.admin.username, "password": password,
        })

    def logout(self):
        return self.client.post("/admin/logout")

    def confirm_protection(self, minutes: int = 5) -> None:
        """Open the operation-protection window of this admin's sessions, as a confirmed
        code would (the confirmation flow itself is tested in test_protection.py)."""
        from datetime import timedelta

        from extensions import db
        from models import LoginSession

        db.session.execute(db.update(LoginSession).where(
            LoginSession.admin_id == self.admin.id).values(
            protected_until=clock.now() + timedelta(minutes=minutes)))
        db.session.commit()


@pytest.fixture
def frozen():
    """Herald's clock held still and moved by hand: ``frozen.move(minutes=11)``.

    Every timestamp Herald writes or compares follows it (``core.clock``), so a test makes
    time pass this way and never by editing rows.
    """

    class HeldClock:
        def __init__(self) -> None:
            self.now = clock.now().replace(microsecond=0)
            clock.hold(self.now)

        def __call__(self):
            return self.now

        def move(self, **delta) -> None:
            self.now += timedelta(**delta)
            clock.hold(self.now)

        def set(self, moment) -> None:
            """Jump to ``moment`` (aware UTC): a time of day a test depends on."""
            self.now = moment
            clock.hold(moment)

    held = HeldClock()
    yield held
    clock.hold(None)
