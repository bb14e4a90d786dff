"""``flask --app app delivery poll``: fetch delivery reports of recent sends (cron-able).

Asks Alibaba Cloud (QuerySendDetails) about every recent send still without a final
report and drains Tencent Cloud's receipt queue (PullSmsSendStatus). Twilio needs no
polling: it calls back. Run it every few minutes from cron; it exits 1 when a query failed.
"""

from __future__ import annotations

import click
from flask import g
from flask.cli import with_appcontext

from core import catalog
from services.delivery import status as delivery_status


@click.group("delivery", help="Delivery reports of sent messages.")
def delivery_cli() -> None:
    g.audit_actor = "cli"


@delivery_cli.command("poll")
@click.option("--hours", default=48, show_default=True, type=click.IntRange(1, 720),
              help="How far back to ask about sends without a final report.")
@with_appcontext
def poll(hours: int) -> None:
    summaries = delivery_status.poll_recent(hours=hours)
    if not summaries:
        click.echo("Nothing to poll: no recent Alibaba Cloud sends, Tencent Cloud not "
                   "configured.")
    failed = False
    for gateway, summary in summaries.items():
        click.echo(f"{gateway}: checked {summary.checked}, updated {summary.updated}")
        for failure in summary.failures:
            failed = True
            click.echo(f"{gateway}: [{failure.error}] {catalog.message(failure.error, 'en')}: "
                       f"{failure.raw_code} {failure.raw_message}", err=True)
    if failed:
        raise SystemExit(1)
