"""Workbook import commands (`flask --app wsgi import-agencies FILE.xlsx`, contract 5.3)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db


def _fail(lines: list[str]) -> None:
    """Print every problem on stderr and exit with status 1; nothing is written."""
    db.session.rollback()
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    sys.exit(1)


@click.command("import-agencies")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
def import_agencies_command(path: Path):
    """Create or update agencies (by code) from a workbook; all rows or none."""
    from inspect_app.services.imports import apply_agency_import, read_agency_workbook

    try:
        data = path.read_bytes()
    except OSError as exc:
        _fail([f"cannot read {path}: {exc.strerror or exc}"])
    result = read_agency_workbook(data)
    if not result.ok:
        _fail(result.errors)
    try:
        apply_agency_import(result, today=clock.today())
    except DomainError as exc:
        _fail(exc.message.splitlines())
    db.session.commit()
    click.echo(
        f"Imported {path.name}: {result.new} new, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


COMMANDS = (import_agencies_command,)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
