"""User and token commands: `create-user`, `create-token` (docs/CONTRACTS.md, 5.3)."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from inspect_app.cli.errors import exit_on_domain_error, fail
from inspect_app.extensions import db
from inspect_app.models import Agency, Role, User


@click.command("create-user")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="admin, inspector, agency or viewer.",
)
@click.option("--agency", "agency_code", help="Agency code; required for the agency role.")
@click.option("--full-name", default=None, help="Display name (defaults to the username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username, role, agency_code, full_name, password_stdin):
    """Create a user."""
    from inspect_app.services.users import create_user

    agency = None
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            fail(f"unknown agency code {agency_code!r}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with exit_on_domain_error():
        user = create_user(
            username, role=Role(role), password=password, full_name=full_name, agency=agency
        )
    db.session.commit()
    click.echo(f"Created user {user.username} ({user.role.value}).")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
def create_token_command(username, name):
    """Create an API token and print it once."""
    from inspect_app.services.users import create_token

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        fail(f"unknown user {username!r}")
    if not user.active:
        fail(f"user {username!r} is disabled")
    _row, token = create_token(user, name)
    db.session.commit()
    click.echo(token)


COMMANDS = (create_user_command, create_token_command)
