"""`seed-demo`: the demo data set (docs/CONTRACTS.md, 5.3)."""

from __future__ import annotations

import click
from sqlalchemy import select

from inspect_app.cli.errors import exit_on_domain_error
from inspect_app.extensions import db
from inspect_app.models import User


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
def seed_demo_command(if_empty):
    """Load the demo data set (idempotent)."""
    from flask import current_app

    from inspect_app.seed.demo import seed_demo

    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("Database already has data; demo not loaded.")
        return
    with exit_on_domain_error():
        summary = seed_demo(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    for name, count in summary.items():
        click.echo(f"{name}: {count}")


COMMANDS = (seed_demo_command,)
