"""``flask --app app keys generate|rotate``: encryption keys for secrets at rest."""

from __future__ import annotations

import click
from cryptography.fernet import Fernet
from flask import g
from flask.cli import with_appcontext

from core import rotation
from core.rotation import ColumnReport


@click.group("keys", help="Encryption keys for stored secrets.")
def keys_cli() -> None:
    pass


@keys_cli.command("generate")
def generate() -> None:
    """Print a new key to put first in HERALD_ENCRYPTION_KEYS."""
    click.echo(Fernet.generate_key().decode())


@keys_cli.command("rotate")
@click.option("--batch-size", default=rotation.BATCH, show_default=True,
              type=click.IntRange(1, 100_000), help="Rows re-encrypted per transaction.")
@with_appcontext
def rotate(batch_size: int) -> None:
    """Re-encrypt every encrypted column under the first key of HERALD_ENCRYPTION_KEYS.

    Safe to run again: a value is only re-encrypted again; one no key reads is left as it is.
    """
    g.audit_actor = "cli"
    reports = rotation.rotate_all(batch_size, progress=_line)
    count = sum(r.rotated for r in reports)
    click.echo(f"Re-encrypted {count} values with the first key.")
    if any(r.unreadable for r in reports):
        click.echo("Values that no key in HERALD_ENCRYPTION_KEYS can read were left as they "
                   "are: the key that encrypted them was removed. Put it back (after the "
                   "first key) and run `keys rotate` again, or replace these values "
                   "(for an API client: Reset its keys).", err=True)
        return
    click.echo("Every encrypted value is under the first key. Old keys can now be removed.")


def _line(report: ColumnReport) -> None:
    text = f"{report.name}: {report.rotated} re-encrypted, {report.unreadable} unreadable"
    if report.unreadable_keys:
        text += " (keys: " + ", ".join(map(str, report.unreadable_keys)) + ")"
    click.echo(text)
