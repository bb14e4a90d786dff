"""The Herald application factory: ``flask --app app run`` or ``gunicorn 'app:create_app()'``."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from flask import Flask

import config as herald_config
from extensions import (
    babel,
    bootstrap,
    cache,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    queue,
    talisman,
)


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(herald_config.INSTANCE))
    app.config.from_mapping(herald_config.load_config(overrides))
    trust_proxies(app)
    register_extensions(app)
    register_gateways(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_tasks()
    return app


def trust_proxies(app: Flask) -> None:
    """Behind nginx the socket peer is the proxy; take the client from X-Forwarded-For."""
    count = int(app.config.get("HERALD_PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    from core import i18n, input_guard, routing, security
    from core.database import configure_engine

    routing.init_app(app)  # before any blueprint: bounded <int:...> URL parts
    input_guard.init_app(app)  # no NUL in form or query text (PostgreSQL cannot store it)

    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=str(herald_config.ROOT / "migrations"))
    csrf.init_app(app)
    cache.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    limiter.init_app(app)
    queue.init_app(app)
    security.init_talisman(app, talisman)
    security.init_login(app, login_manager)


def register_gateways(app: Flask) -> None:
    """Import every gateway so it registers, then declare its settings."""
    import gateways  # noqa: F401  (import registers the provider modules)
    from core.settings.gateway_settings import declare_gateway_settings

    declare_gateway_settings()


# One line per area: each names a package in blueprints/ that exposes ``bp``.
BLUEPRINTS = (
    "admin_auth",
    "admin_home",
    "admin_settings",
    "admin_logs",
    "admin_outbox",
    "admin_functions",
    "admin_admins",
    "admin_protection",
    "admin_templates",
    "language",
    "member_auth",
    "member_account",
    "admin_resellers",
    "api_sms",
    "admin_api_clients",
    "api_events",
    "admin_members",
    "admin_messages",
    "member_inbox",
    "admin_diagnostics",
    "admin_abuse",
    "admin_log_export",
    "callbacks",
    "member_wechat",
)


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(f"blueprints.{name}").bp)


def register_errorhandlers(app: Flask) -> None:
    from blueprints import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from cli import (
        admin_commands,
        delivery_commands,
        key_commands,
        log_commands,
        notify_commands,
        settings_commands,
        worker_command,
    )

    for group in (admin_commands.admin_cli, settings_commands.settings_cli, key_commands.keys_cli,
                  notify_commands.notify_cli, log_commands.logs_cli,
                  delivery_commands.delivery_cli, worker_command.worker_cli):
        app.cli.add_command(group)


# Every module that declares queue tasks or settle hooks, so that the web processes and the
# worker know the same task names (``core/queue.py``).
TASK_MODULES = (
    "services.delivery.tasks",
    "services.codes.sending",
    "services.notify.jobs",
    "services.delivery.status",
    "services.delivery.balance",
    "services.logs.retention",
    "services.reseller.messages",
)


def register_tasks() -> None:
    for name in TASK_MODULES:
        import_module(name)


def register_template_helpers(app: Flask) -> None:
    from core import navigation, templating

    templating.init_app(app)
    navigation.init_app(app)
