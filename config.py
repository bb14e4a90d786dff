"""Configuration in layers: defaults -> environment -> the caller's mapping (tests).

Only process-level configuration lives here (where the database is, which keys to use).
Everything an admin can change at run time is a *setting* (see ``core/settings``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import limits
from babel import Locale
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "zh_CN"  # the language of the help-desk pages Herald was specified from
INSTANCE = Path(os.environ.get("HERALD_INSTANCE_PATH", ROOT / "instance"))

MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says how to fix it."""


def languages_in(directory: Path) -> tuple[str, ...]:
    """The language of every catalog in ``directory`` ("zh_Hans_CN" is offered as "zh_CN"),
    the default first: adding a language is adding its ``.po`` file."""
    codes = set()
    for catalog in directory.glob("*/LC_MESSAGES/messages.po"):
        locale = Locale.parse(catalog.parent.parent.name)
        codes.add(f"{locale.language}_{locale.territory}" if locale.territory else locale.language)
    return tuple(sorted(codes, key=lambda code: (code != DEFAULT_LANGUAGE, code)))


DEFAULTS: dict[str, Any] = {
    "HERALD_ENV": "production",
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "herald_session",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session does
    "BOOTSTRAP_SERVE_LOCAL": True,
    "BOOTSTRAP_BOOTSWATCH_THEME": None,
    "BABEL_DEFAULT_LOCALE": DEFAULT_LANGUAGE,
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
    "LANGUAGES": languages_in(ROOT / "translations"),
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_HEADERS_ENABLED": True,
    "CACHE_DEFAULT_TIMEOUT": 300,
    "CACHE_KEY_PREFIX": "herald:",
    # Admin-entered URLs may not reach loopback / private / link-local / metadata
    # addresses unless the operator allows it here (tests and local fakes do).
    "HERALD_ALLOW_PRIVATE_URLS": False,
    "HERALD_ENCRYPTION_KEYS": "",
    "REDIS_URL": "",
    "HERALD_PASSWORD_PROFILE": "default",
    # Reverse proxies in front of the app (nginx: 1); their X-Forwarded-For gives the
    # client address that limits, lockout and logs use.
    "HERALD_PROXY_COUNT": 0,  # "test": cheapest argon2 (tests only)
    # Flask-Limiter's per-IP limits on /codes/send and on every page that checks a code
    # (moving window, limits' notation; "; " separates several limits).
    "HERALD_CODE_SEND_RATE": "5 per minute; 30 per hour",
    "HERALD_CODE_CHECK_RATE": "10 per minute; 60 per hour",
    # The delivery queue (core/queue.py): "" picks Redis when REDIS_URL is set, else a
    # SQLite file beside the database (HERALD_QUEUE_FILE, default instance/queue.db);
    # "immediate" runs every task inline (tests).
    "HERALD_QUEUE": "",
    "HERALD_QUEUE_FILE": "",
    "HERALD_QUEUE_NAME": "herald",
    "HERALD_WORKER_THREADS": 8,  # sends at once per worker process
    "HERALD_WORKER_HEARTBEAT": 5.0,  # seconds between a worker's "alive"
    "HERALD_SWEEP_SECONDS": 15.0,  # seconds between sweeps (services/delivery/sweep.py)
    "HERALD_RETRY_DELAY": 10.0,  # seconds before the first retry; doubles each try
}

RATE_SETTINGS = ("HERALD_CODE_SEND_RATE", "HERALD_CODE_CHECK_RATE")

# Environment variables read on top of the defaults, with their converters.
ENVIRONMENT: dict[str, Any] = {
    "HERALD_ENV": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "HERALD_ENCRYPTION_KEYS": str,
    "HERALD_ALLOW_PRIVATE_URLS": lambda v: v.lower() in {"1", "true", "yes", "on"},
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in {"1", "true", "yes", "on"},
    "HERALD_PROXY_COUNT": int,
    "HERALD_CODE_SEND_RATE": str,
    "HERALD_CODE_CHECK_RATE": str,
    "HERALD_QUEUE": str,
    "HERALD_QUEUE_FILE": str,
    "HERALD_QUEUE_NAME": str,
    "HERALD_WORKER_THREADS": int,
    "HERALD_WORKER_HEARTBEAT": float,
    "HERALD_SWEEP_SECONDS": float,
    "HERALD_RETRY_DELAY": float,
}


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, environment and ``overrides``; derive and validate the rest."""
    config = dict(DEFAULTS)
    for name, convert in ENVIRONMENT.items():
        if os.environ.get(name):
            config[name] = convert(os.environ[name])
    config.update(overrides or {})
    _derive(config)
    validate(config)
    return config


def _derive(config: dict[str, Any]) -> None:
    development = config["HERALD_ENV"] != "production"
    for name, file_name, make in _INSTANCE_SECRETS:
        if config.get(name):
            continue
        if development:
            # The quick start runs on http://127.0.0.1 and must need no configuration.
            config[name] = _instance_secret(file_name, make())
        else:
            # A command typed in the quick start's checkout (`flask --app app admin create`,
            # without HERALD_ENV) uses the secrets the quick start wrote; with neither the
            # variable nor the file, validate() still refuses to start.
            config[name] = _existing_instance_secret(file_name)
    if development and "SESSION_COOKIE_SECURE" not in os.environ:
        config["SESSION_COOKIE_SECURE"] = False
    url = config.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'herald.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A local file cannot drop the connection the way a server can: no "SELECT 1"
        # before every checkout (a send-code request checks out twice).
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**config["SQLALCHEMY_ENGINE_OPTIONS"],
                                               "pool_pre_ping": False}
    redis_url = config.get("REDIS_URL")
    config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:
        # A Redis outage turns into cache misses, not failed pages (core/resilient_cache.py).
        config.setdefault("CACHE_TYPE", "core.resilient_cache.ResilientRedisCache")
        config.setdefault("CACHE_REDIS_URL", redis_url)
    else:
        # Several gunicorn workers on one box share a file cache, so a settings save in
        # one worker is seen by all of them.
        config.setdefault("CACHE_TYPE", "FileSystemCache")
        config.setdefault("CACHE_DIR", str(INSTANCE / "cache"))


def normalise_database_url(url: str) -> str:
    """Pick the drivers Herald ships with for bare ``postgresql://`` / ``mysql://`` URLs."""
    for bare, driver in (
        ("postgres://", "postgresql+psycopg://"),
        ("postgresql://", "postgresql+psycopg://"),
        ("mysql://", "mysql+pymysql://"),
        ("mariadb://", "mysql+pymysql://"),
    ):
        if url.startswith(bare):
            return driver + url[len(bare) :]
    return url


def validate(config: Mapping[str, Any]) -> None:
    """Refuse to start on a configuration that would run insecurely or not at all."""
    if config["HERALD_ENV"] not in {"production", "development", "testing"}:
        raise ConfigError(
            f"HERALD_ENV={config['HERALD_ENV']!r} is unknown; use production, development "
            "or testing."
        )
    if config.get("HERALD_PASSWORD_PROFILE") not in {"default", "test"} or (
            config["HERALD_ENV"] == "production"
            and config.get("HERALD_PASSWORD_PROFILE") != "default"):
        raise ConfigError("HERALD_PASSWORD_PROFILE must be 'default' in production.")
    for name in RATE_SETTINGS:
        try:
            limits.parse_many(str(config.get(name, "")))
        except ValueError as exc:
            raise ConfigError(
                f"{name}={config.get(name)!r} is not a rate limit; write it like "
                "'5 per minute; 30 per hour'."
            ) from exc
    _validate_queue(config)
    key = config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 10:
        raise ConfigError(
            "SECRET_KEY is missing or weak (at least 32 varied characters). Make one with:\n"
            "  python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    keys = [k.strip() for k in str(config.get("HERALD_ENCRYPTION_KEYS", "")).split(",")]
    keys = [k for k in keys if k]
    if not keys:
        raise ConfigError(
            "HERALD_ENCRYPTION_KEYS is missing. Make a key with:\n"
            "  python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    for candidate in keys:
        try:
            Fernet(candidate)
        except ValueError as exc:
            raise ConfigError(
                "HERALD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe "
                "base64-encoded bytes). Make one with:\n"
                "  python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from exc


# The secrets a missing variable is read from ``instance/`` for: (variable, file, maker).
_INSTANCE_SECRETS = (
    ("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(48)),
    ("HERALD_ENCRYPTION_KEYS", "encryption_keys", lambda: Fernet.generate_key().decode()),
)


def _existing_instance_secret(name: str) -> str:
    """A secret ``instance/`` already holds, or "" (production never creates one)."""
    path = INSTANCE / name
    return path.read_text().strip() if path.is_file() else ""


def _instance_secret(name: str, fresh: str) -> str:
    """Read a development secret from ``instance/``, creating it on first use."""
    path = INSTANCE / name
    if path.exists():
        return path.read_text().strip()
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path.write_text(fresh)
    path.chmod(0o600)
    return fresh


def _validate_queue(config: Mapping[str, Any]) -> None:
    kind = config.get("HERALD_QUEUE") or ""
    if kind not in {"", "sqlite", "redis", "immediate"}:
        raise ConfigError(f"HERALD_QUEUE={kind!r} is unknown; leave it empty (SQLite, or "
                          "Redis when REDIS_URL is set), or use sqlite or redis.")
    if kind == "redis" and not config.get("REDIS_URL"):
        raise ConfigError("HERALD_QUEUE=redis needs REDIS_URL (redis://host:6379/0).")
    if kind == "immediate" and config["HERALD_ENV"] == "production" and not config.get("TESTING"):
        raise ConfigError("HERALD_QUEUE=immediate sends inside the web request (tests only); "
                          "leave it empty in production and run `flask --app app worker`.")
    if int(config.get("HERALD_WORKER_THREADS") or 0) < 1:
        raise ConfigError("HERALD_WORKER_THREADS must be 1 or more.")
