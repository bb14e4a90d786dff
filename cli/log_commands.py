"""``flask --app app logs prune``: delete log rows past their retention (cron-able)."""

from __future__ import annotations

import click
from flask import g
from flask.cli import with_appcontext

from services.logs import retention as log_retention


@click.group("logs", help="Maintain the logs.")
def logs_cli() -> None:
    g.audit_actor = "cli"


@logs_cli.command("prune")
@click.option("--dry-run", is_flag=True, help="Only count the rows that would be deleted.")
@with_appcontext
def prune(dry_run: bool) -> None:
    """Delete rows older than the retention days set under Basic → Log retention."""
    counts = log_retention.prune(dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    for log in log_retention.LOGS:
        forever = log_retention.cutoff(log) is None
        note = "kept forever (retention 0)" if forever else f"{verb} {counts[log.name]}"
        click.echo(f"{log.name}: {note}")
