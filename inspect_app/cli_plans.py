"""Plan commands (contract 5.3): `flask --app wsgi import-plan FILE.xlsx --year YEAR`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from inspect_app.errors import DomainError
from inspect_app.extensions import db


def _fail(lines: list[str]) -> None:
    """Print every problem on stderr and exit with status 1; nothing is written."""
    db.session.rollback()
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    sys.exit(1)


@click.command("import-plan")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2200), required=True, help="The plan's year.")
@click.option("--decision", "number", help="Number of the approving decision, e.g. 79/QĐ-KHCN.")
@click.option("--signed-on", "signed_on", help="The decision's signing date, dd/mm/yyyy.")
@click.option(
    "--issuer",
    default=None,
    help="Issuer of a decision not yet registered (default: Sở Khoa học và Công nghệ).",
)
def import_plan_command(path: Path, year: int, number, signed_on, issuer):
    """Create the year's plan from its annex; approved when a decision is given."""
    from inspect_app.services import plan_import

    if number and not signed_on:
        _fail(["--decision needs --signed-on DD/MM/YYYY."])
    if signed_on and not number:
        _fail(["--signed-on needs --decision NUMBER."])
    try:
        signed = plan_import.parse_signed_on(signed_on) if signed_on else None
    except DomainError as exc:
        _fail([f"--signed-on: {exc.message}"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        _fail([f"cannot read {path}: {exc.strerror or exc}"])
    result = plan_import.read_plan_workbook(data, year)
    if result.ok:
        plan_import.check_plan_year(result)
    if not result.ok:
        _fail(result.errors)
    try:
        plan = plan_import.apply_plan_import(
            result,
            decision_number=number,
            signed_on=signed,
            issuer=issuer or plan_import.DEFAULT_ISSUER,
        )
    except DomainError as exc:
        _fail(exc.message.splitlines())
    db.session.commit()
    decision = f", decision {plan.decision.number}" if plan.decision else ""
    click.echo(
        f"Plan {plan.id} ({plan.year}): {plan.status.value}{decision}; "
        f"{len(result.rows)} inspections ({result.on_site} on-site, {result.dossier} dossier)."
    )


COMMANDS = (import_plan_command,)


def register(app: Flask) -> None:
    """Add the plan commands to the CLI."""
    for command in COMMANDS:
        app.cli.add_command(command)
