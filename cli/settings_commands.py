"""``flask --app app settings get|set|export|import``."""

from __future__ import annotations

import json
import sys

import click
from flask import g
from flask.cli import with_appcontext

from core import settings


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(2)


def _report_invalid(exc: settings.SettingsInvalid) -> None:
    for name, message in exc.errors.items():
        click.echo(f"{name}: {message}", err=True)
    _fail("Nothing was saved.")


@click.group("settings", help="Read and change settings.")
def settings_cli() -> None:
    g.audit_actor = "cli"


@settings_cli.command("get")
@click.argument("name")
@with_appcontext
def get(name: str) -> None:
    try:
        setting = settings.lookup(name)
    except KeyError:
        _fail(f"Unknown setting {name!r}. `flask --app app settings export` lists them all.")
    if setting.secret:
        click.echo("(secret: set)" if settings.is_set(name) else "(secret: not set)")
        return
    click.echo(setting.to_text(settings.get(name)))


@settings_cli.command("set")
@click.argument("name")
@click.argument("value")
@with_appcontext
def set_(name: str, value: str) -> None:
    g.audit_actor = "cli"
    try:
        changes = settings.update({name: value}, action="settings.set", target="cli")
    except settings.SettingsInvalid as exc:
        _report_invalid(exc)
    click.echo(f"{name} saved." if changes else f"{name} unchanged.")


@settings_cli.command("export")
@click.option("--with-secrets", is_flag=True, help="Include secret values in clear text.")
@with_appcontext
def export(with_secrets: bool) -> None:
    g.audit_actor = "cli"
    if with_secrets:
        from core import audit
        from extensions import db

        audit.record("settings.export", target="cli", changes={"with_secrets": [False, True]})
        db.session.commit()
    click.echo(json.dumps(settings.export(with_secrets=with_secrets), ensure_ascii=False,
                          indent=2, sort_keys=True))


@settings_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def import_(file) -> None:
    """Validate every value first; save all of them or none."""
    g.audit_actor = "cli"
    try:
        data = json.load(file)
    except json.JSONDecodeError as exc:
        _fail(f"{getattr(file, 'name', 'input')} is not valid JSON: {exc}")
    if not isinstance(data, dict):
        _fail("The file must hold one JSON object of setting names and values.")
    try:
        changes = settings.update(data, action="settings.import",
                                  target=getattr(file, "name", "stdin"))
    except settings.SettingsInvalid as exc:
        _report_invalid(exc)
    click.echo(f"Imported {len(data)} settings, {len(changes)} changed.", file=sys.stdout)
