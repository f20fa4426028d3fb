"""Workbook import commands (`flask --app wsgi import-agencies FILE.xlsx`, CONTRACTS 5.3)."""

from __future__ import annotations

from pathlib import Path

import click

from inspect_app import clock
from inspect_app.cli.errors import exit_on_domain_error, fail
from inspect_app.cli.progress import shown_progress
from inspect_app.extensions import db


@click.command("import-agencies")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
def import_agencies_command(path: Path):
    """Create or update agencies (by code) from a workbook; all rows or none."""
    from inspect_app.services.workbooks.agency_import import (
        apply_agency_import,
        read_agency_workbook,
    )

    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    with shown_progress():
        result = read_agency_workbook(data)
    if not result.ok:
        fail(*result.errors)
    with exit_on_domain_error():
        apply_agency_import(result, today=clock.today())
    db.session.commit()
    click.echo(
        f"Imported {path.name}: {result.new} new, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


COMMANDS = (import_agencies_command,)
