"""``flask --app app worker``: deliver what the web and the API queued."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from services.delivery import consumer


@click.command("worker", help="Run the delivery worker: sends every queued message, runs "
                              "the periodic jobs. Ctrl-C stops it after the sends in hand.")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Sends at once (default: HERALD_WORKER_THREADS, 8).")
@with_appcontext
def worker_cli(threads: int | None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                                                   "%(message)s")
    logging.getLogger("huey").setLevel(logging.WARNING)  # not two lines per message sent
    logging.getLogger("huey.consumer").setLevel(logging.INFO)  # but say what it runs
    app = current_app._get_current_object()
    try:
        consumer.run(app, threads or int(app.config["HERALD_WORKER_THREADS"]))
    except consumer.NothingToConsume as exc:
        raise click.ClickException(str(exc)) from None
