"""Report commands (contract 5.3): `export-tallies` and `import-inspections`."""

from __future__ import annotations

import os
import sys
import tempfile
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


@click.command("export-tallies")
@click.option("--from", "first", required=True, help="First year of the period, e.g. 2017.")
@click.option("--to", "last", required=True, help="Last year of the period, e.g. 2020.")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx file to write.",
)
def export_tallies_command(first: str, last: str, output: Path):
    """Write the tally workbook of a period (contract 5.6)."""
    from inspect_app.services import exports, tallies

    try:
        first_year, last_year = tallies.parse_period(first, last)
    except tallies.PeriodError as exc:
        _fail([exc.message])
    if output.suffix.lower() != ".xlsx":
        _fail([f"the output file must end in .xlsx: {output}"])
    folder = output.resolve().parent
    if not folder.is_dir():
        _fail([f"no such directory: {folder}"])
    # Written next to the target and renamed: a failure never leaves half a workbook.
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            report = exports.write_tally_workbook(first_year, last_year, stream)
        os.replace(temporary, output)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        _fail([f"cannot write {output}: {exc.strerror or exc}"])
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    total = report["total"]
    click.echo(
        f"Wrote {output} ({first_year}-{last_year}): {total['inspected']} inspected, "
        f"{total['on_site']} on-site, {total['dossier']} dossier."
    )


def _progress(stage: str, done: int, total: int | None) -> None:
    what = {"read": "read", "write": "written"}[stage]
    suffix = f"/{total}" if total else ""
    click.echo(f"{done}{suffix} rows {what}", err=True)


@click.command("import-inspections")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
def import_inspections_command(path: Path):
    """Load concluded inspections of past years from a workbook (contract 5.5); all or none."""
    from inspect_app.services import history_import

    if not path.is_file():
        _fail([f"cannot read {path}: no such file"])
    try:
        with path.open("rb") as stream:
            result = history_import.read_history_workbook(stream, progress=_progress)
    except OSError as exc:
        _fail([f"cannot read {path}: {exc.strerror or exc}"])
    if not result.ok:
        _fail(result.errors)
    try:
        added = history_import.apply_history_import(result, progress=_progress)
    except DomainError as exc:
        _fail(exc.message.splitlines())
    db.session.commit()
    years = ", ".join(
        f"{c['year']}: {c['new']} ({c['on_site']} on-site, {c['dossier']} dossier)"
        for c in result.counts()
    )
    click.echo(
        f"Imported {path.name}: {added} inspections added, {result.existing_rows} already "
        f"present, {len(result.new_agencies)} agencies created" + (f"; {years}." if years else ".")
    )


COMMANDS = (export_tallies_command, import_inspections_command)


def register(app: Flask) -> None:
    """Add the commands to the CLI."""
    for command in COMMANDS:
        app.cli.add_command(command)
