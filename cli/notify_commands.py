"""``flask --app app notify EVENT (--member ID | --all) [--at TIME] --var k=v ...``.

Queues a business event for one member or for every active member and prints the job id;
the worker sends it (``flask --app app worker``).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core import catalog, clock
from core.i18n import select_locale
from services.members import lookup as member_lookup
from services.notify import audience, jobs
from services.notify.dispatch import NotifyError
from services.notify.schedule import parse_send_at


def _variables(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--var {pair!r}: write name=value")
        values[name.strip()] = value
    return values


@click.command("notify", help="Queue a business event for one member, or for every active "
                              "member with --all; the worker sends it.")
@click.argument("event")
@click.option("--member", "member_ref", help="The member's id, phone or email.")
@click.option("--all", "everyone", is_flag=True, help="Every active member (a broadcast).")
@click.option("--at", "send_at", metavar="TIME",
              help="Send later: ISO 8601 with a time zone, e.g. 2026-12-24T09:00:00+08:00.")
@click.option("--var", "pairs", multiple=True, metavar="NAME=VALUE",
              help="An event variable; repeat for each.")
@with_appcontext
def notify_cli(event: str, member_ref: str | None, everyone: bool, send_at: str | None,
               pairs: tuple[str, ...]) -> None:
    if bool(member_ref) == everyone:
        raise click.UsageError("give --member ID or --all")
    variables = _variables(pairs)
    try:
        when = parse_send_at(send_at)
        if everyone:
            job = jobs.notify_all(event, audience.ALL, variables=variables, send_at=when,
                                  origin="cli")
            click.echo(f"job {job.id}: {job.event} for {job.total} members, "
                       f"{_when(job.due_at)}")
            return
        member = member_lookup.find(member_ref)
        if member is None:
            _fail("member_not_found", member_ref)
        dispatched = jobs.notify(event, member, send_at=when, origin="cli", **variables)
    except NotifyError as exc:
        _fail(exc.code, exc.detail)
    if dispatched.job_id:
        click.echo(f"job {dispatched.job_id}")
    for outcome in dispatched:
        line = f"{outcome.channel}: {outcome.status}"
        if outcome.destination:
            line += f" -> {outcome.destination}"
        if outcome.error:
            line += f" [{outcome.error}] {catalog.message(outcome.error, select_locale())}"
        click.echo(line)


def _when(moment) -> str:
    return "sending now" if moment <= clock.now() else f"sending at {moment.isoformat()}"


def _fail(code: str, detail: str) -> None:
    locale = select_locale()  # the site's language: the CLI has no browser to ask
    message = f"[{code}] {catalog.message(code, locale)}"
    click.echo(message + (f": {detail}" if detail else ""), err=True)
    click.echo(catalog.fix(code, locale), err=True)
    raise SystemExit(2)
