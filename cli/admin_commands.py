"""``flask --app app admin create|ensure``: admin accounts from the command line."""

from __future__ import annotations

import secrets

import click
from flask import g
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from extensions import db
from models import Admin


@click.group("admin", help="Manage admin accounts.")
def admin_cli() -> None:
    pass


@admin_cli.command("create")
@click.option("--username", required=True)
# Asked for (twice, hidden) when not given: a password typed on the command line stays in
# the shell's history.
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--phone", default="")
@click.option("--email", default="")
@click.option("--role", default="super", type=click.Choice(["super", "operator"]))
@with_appcontext
def create(username: str, password: str, phone: str, email: str, role: str) -> None:
    """Create an admin, validated exactly as the web form validates it."""
    from core.admins import AdminForm, create_admin

    form = AdminForm(MultiDict({"username": username, "password": password, "phone": phone,
                                "email": email, "role": role}), meta={"csrf": False})
    if not form.validate():
        for name, errors in form.errors.items():
            for error in errors:
                click.echo(f"{name}: {error}", err=True)
        raise SystemExit(2)
    g.audit_actor = "cli"
    admin = create_admin(form)
    click.echo(f"Created admin {admin.username} (id {admin.id}).")


@admin_cli.command("ensure")
@with_appcontext
def ensure() -> None:
    """Create the first admin when there is none; print its credentials once."""
    if db.session.scalar(db.select(Admin.id).limit(1)) is not None:
        return
    from core.admins import make_admin

    password = secrets.token_urlsafe(12)
    g.audit_actor = "cli"
    make_admin(username="admin", password=password)
    click.echo("First admin created. Sign in at /admin/login with the credentials below; the "
               "first sign-in asks for a phone or email to send operation-protection codes to.")
    click.echo("Username: admin")
    click.echo(f"Password: {password}")
