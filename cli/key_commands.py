"""``flask --app app keys generate|rotate``: encryption keys for secrets at rest."""

from __future__ import annotations

import click
from cryptography.fernet import Fernet
from flask import g
from flask.cli import with_appcontext

from core import settings


@click.group("keys", help="Encryption keys for stored secrets.")
def keys_cli() -> None:
    pass


@keys_cli.command("generate")
def generate() -> None:
    """Print a new key to put first in HERALD_ENCRYPTION_KEYS."""
    click.echo(Fernet.generate_key().decode())


@keys_cli.command("rotate")
@with_appcontext
def rotate() -> None:
    """Re-encrypt every stored secret under the first key of HERALD_ENCRYPTION_KEYS."""
    g.audit_actor = "cli"
    count = settings.rotate_secrets()
    click.echo(f"Re-encrypted {count} secrets with the first key. Old keys can now be removed.")
