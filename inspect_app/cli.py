"""Command-line interface (`flask --app wsgi ...`, DESIGN contract 5.3)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from sqlalchemy import select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Agency, Role, User


def fail(message: str) -> None:
    """Print the problem and exit with status 1; the transaction is rolled back."""
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


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
    try:
        user = create_user(
            username, role=Role(role), password=password, full_name=full_name, agency=agency
        )
    except DomainError as exc:
        fail(exc.message)
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


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
def seed_demo_command(if_empty):
    """Load the demo data set (idempotent)."""
    from flask import current_app

    from inspect_app.services.demo import seed_demo

    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("Database already has data; demo not loaded.")
        return
    try:
        summary = seed_demo(current_app.config["DEMO_PASSWORD"])
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    for name, count in summary.items():
        click.echo(f"{name}: {count}")


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
def backup_command(output):
    """Back up the database and the evidence files into one .tar.gz."""
    from pathlib import Path

    from flask import current_app

    from inspect_app.services.backup import create_backup

    manifest = create_backup(Path(output), Path(current_app.config["UPLOAD_DIR"]))
    rows = sum(manifest["row_counts"].values())
    click.echo(f"Backup written to {output}: {rows} rows, revision {manifest['revision']}.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore_command(archive):
    """Restore a backup into an empty, migrated database (all or nothing)."""
    from pathlib import Path

    from flask import current_app

    from inspect_app.services.backup import restore_backup

    try:
        manifest = restore_backup(Path(archive), Path(current_app.config["UPLOAD_DIR"]))
    except DomainError as exc:
        fail(exc.message)
    rows = sum(manifest["row_counts"].values())
    click.echo(f"Restored {rows} rows from the backup of {manifest['created_at']}.")


COMMANDS = (
    create_user_command,
    create_token_command,
    seed_demo_command,
    backup_command,
    restore_command,
)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
