"""``flask --app app notify EVENT --member ID --var k=v ...``: fire a business event."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core import catalog
from core.i18n import select_locale
from services.members import lookup as member_lookup
from services.notify.dispatch import NotifyError, notify


def _variables(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--var {pair!r}: write name=value")
        values[name.strip()] = value
    return values


@click.command("notify", help="Send a business event to one member on its enabled channels.")
@click.argument("event")
@click.option("--member", "member_ref", required=True,
              help="The member's id, phone or email.")
@click.option("--var", "pairs", multiple=True, metavar="NAME=VALUE",
              help="An event variable; repeat for each.")
@with_appcontext
def notify_cli(event: str, member_ref: str, pairs: tuple[str, ...]) -> None:
    variables = _variables(pairs)
    member = member_lookup.find(member_ref)
    if member is None:
        _fail("member_not_found", member_ref)
    try:
        outcomes = notify(event, member, **variables)
    except NotifyError as exc:
        _fail(exc.code, exc.detail)
    for outcome in outcomes:
        line = f"{outcome.channel}: {outcome.status}"
        if outcome.destination:
            line += f" -> {outcome.destination}"
        if outcome.error:
            line += f" [{outcome.error}] {catalog.message(outcome.error, select_locale())}"
        click.echo(line)


def _fail(code: str, detail: str) -> None:
    locale = select_locale()  # the site's language: the CLI has no browser to ask
    message = f"[{code}] {catalog.message(code, locale)}"
    click.echo(message + (f": {detail}" if detail else ""), err=True)
    click.echo(catalog.fix(code, locale), err=True)
    raise SystemExit(2)
