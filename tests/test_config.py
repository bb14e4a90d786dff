"""Configuration layers and the refusal to start on unsafe production settings."""

import pytest
from cryptography.fernet import Fernet

import config
from config import ConfigError, load_config, normalise_database_url

GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.fixture(autouse=True)
def empty_instance(tmp_path, monkeypatch):
    """An instance folder of each test's own: the checkout's quick-start secrets (which
    production reads when the variables are missing) must not decide these tests."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(config, "INSTANCE", folder)
    return folder


def production(**overrides):
    return {"HERALD_ENV": "production", "SECRET_KEY": GOOD_KEY,
            "HERALD_ENCRYPTION_KEYS": Fernet.generate_key().decode(), **overrides}


def test_production_accepts_good_configuration():
    loaded = load_config(production())
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


@pytest.mark.parametrize("key", ["", "short", "a" * 40])
def test_production_refuses_missing_or_weak_secret_key(key, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match=r"secrets\.token_urlsafe"):
        load_config(production(SECRET_KEY=key))


@pytest.mark.parametrize("keys", ["", "not-a-fernet-key"])
def test_production_refuses_missing_or_bad_encryption_key(keys, monkeypatch):
    monkeypatch.delenv("HERALD_ENCRYPTION_KEYS", raising=False)
    with pytest.raises(ConfigError, match=r"Fernet\.generate_key"):
        load_config(production(HERALD_ENCRYPTION_KEYS=keys))


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="HERALD_ENV"):
        load_config(production(HERALD_ENV="staging"))


def test_environment_overrides_defaults_and_mapping_overrides_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/herald")
    assert load_config(production())["SQLALCHEMY_DATABASE_URI"] == \
        "postgresql+psycopg://u@db/herald"
    monkeypatch.setenv("SECRET_KEY", "short")
    assert load_config(production())["SECRET_KEY"] == GOOD_KEY


def test_development_creates_its_secrets_once(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("HERALD_ENCRYPTION_KEYS", raising=False)
    first = load_config({"HERALD_ENV": "development"})
    second = load_config({"HERALD_ENV": "development"})
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "encryption_keys").read_text() == first["HERALD_ENCRYPTION_KEYS"]
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_production_reads_the_secrets_the_quick_start_wrote(empty_instance, monkeypatch):
    """A CLI command in the quick start's checkout runs without HERALD_ENV=development."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("HERALD_ENCRYPTION_KEYS", raising=False)
    written = load_config({"HERALD_ENV": "development"})
    loaded = load_config({"HERALD_ENV": "production"})
    assert loaded["SECRET_KEY"] == written["SECRET_KEY"]
    assert loaded["HERALD_ENCRYPTION_KEYS"] == written["HERALD_ENCRYPTION_KEYS"]
    assert loaded["SESSION_COOKIE_SECURE"] is True  # still production in every other way
    # The variables, when set, win over the files.
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    assert load_config({"HERALD_ENV": "production"})["SECRET_KEY"] == GOOD_KEY


def test_production_never_creates_secrets(empty_instance, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("HERALD_ENCRYPTION_KEYS", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is missing"):
        load_config({"HERALD_ENV": "production"})
    assert not (empty_instance / "secret_key").exists()
    assert not (empty_instance / "encryption_keys").exists()


def test_production_refuses_a_weak_secret_in_the_instance_file(empty_instance, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    empty_instance.mkdir()
    (empty_instance / "secret_key").write_text("short\n")
    with pytest.raises(ConfigError, match=r"secrets\.token_urlsafe"):
        load_config(production(SECRET_KEY=""))


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ("mysql://root@h/d", "mysql+pymysql://root@h/d"),
    ("mariadb://root@h/d", "mysql+pymysql://root@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_get_the_shipped_drivers(url, expected):
    assert normalise_database_url(url) == expected


def test_redis_url_moves_cache_and_limits_to_redis():
    loaded = load_config(production(REDIS_URL="redis://127.0.0.1:6379/3"))
    # Redis-backed, and a Redis outage is a cache miss (core/resilient_cache.py).
    assert loaded["CACHE_TYPE"] == "core.resilient_cache.ResilientRedisCache"
    assert loaded["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


def test_sqlite_runs_in_wal_mode_with_busy_timeout(base_config, tmp_path):
    from app import create_app
    from extensions import db

    app = create_app({**base_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.db'}"})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_production_refuses_the_test_password_profile():
    with pytest.raises(ConfigError, match="HERALD_PASSWORD_PROFILE"):
        load_config(production(HERALD_PASSWORD_PROFILE="test"))


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(base_config, app):
    from app import create_app
    from core.audit import client_ip

    proxied = create_app({**base_config, "HERALD_PROXY_COUNT": 1})

    @proxied.route("/whoami")
    def whoami():
        return client_ip()

    answer = proxied.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.get_data(as_text=True) == "203.0.113.9"
    direct = create_app(base_config)
    assert direct.wsgi_app.__class__.__name__ != "ProxyFix"


def test_code_rates_come_from_the_environment(monkeypatch):
    assert load_config(production())["HERALD_CODE_SEND_RATE"] == "5 per minute; 30 per hour"
    assert load_config(production())["HERALD_CODE_CHECK_RATE"] == "10 per minute; 60 per hour"
    monkeypatch.setenv("HERALD_CODE_SEND_RATE", "3 per minute")
    monkeypatch.setenv("HERALD_CODE_CHECK_RATE", "7 per hour")
    loaded = load_config(production())
    assert (loaded["HERALD_CODE_SEND_RATE"], loaded["HERALD_CODE_CHECK_RATE"]) == \
        ("3 per minute", "7 per hour")
    # The caller's mapping still wins over the environment.
    assert load_config(production(HERALD_CODE_SEND_RATE="9 per minute"))[
        "HERALD_CODE_SEND_RATE"] == "9 per minute"


@pytest.mark.parametrize("name", ["HERALD_CODE_SEND_RATE", "HERALD_CODE_CHECK_RATE"])
def test_a_code_rate_that_is_not_a_limit_is_refused(name, monkeypatch):
    monkeypatch.setenv(name, "five a minute")
    with pytest.raises(ConfigError, match=name):
        load_config(production())


def test_the_code_send_rate_set_in_the_environment_limits_sends(base_config, app, _app,
                                                                 monkeypatch):
    from app import create_app
    from extensions import limiter
    from tests.codes.conftest import send
    from tests.conftest import HeraldClient

    monkeypatch.setenv("HERALD_CODE_SEND_RATE", "1 per minute")
    assert "HERALD_CODE_SEND_RATE" not in base_config
    limited = create_app(base_config)
    limited.test_client_class = HeraldClient
    try:
        client = limited.test_client()
        with limited.app_context():
            assert send(client, "register", "13800138001").status_code == 200
            second = send(client, "register", "13800138002")
            assert second.status_code == 429 and second.get_json()["code"] == "rate_limited"
    finally:
        limiter.init_app(_app)  # one limiter object: point it back at the session app
