"""Report commands (CONTRACTS 5.3): `export-tallies` and `import-inspections`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from inspect_app.cli.errors import exit_on_domain_error, fail
from inspect_app.cli.progress import shown_progress
from inspect_app.extensions import db
from inspect_app.services import progress


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
    """Write the tally workbook of a period (CONTRACTS 5.6)."""
    from inspect_app.services import tallies
    from inspect_app.services.workbooks import tally_export

    try:
        first_year, last_year = tallies.parse_period(first, last)
    except tallies.PeriodError as exc:
        fail(exc.message)
    if output.suffix.lower() != ".xlsx":
        fail(f"the output file must end in .xlsx: {output}")
    folder = output.resolve().parent
    if not folder.is_dir():
        fail(f"no such directory: {folder}")
    # Written next to the target and renamed: a failure never leaves half a workbook.
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream, shown_progress():
            report = tally_export.write_tally_workbook(first_year, last_year, stream)
        os.replace(temporary, output)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        fail(f"cannot write {output}: {exc.strerror or exc}")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    total = report["total"]
    click.echo(
        f"Wrote {output} ({first_year}-{last_year}): {total['inspected']} inspected, "
        f"{total['on_site']} on-site, {total['dossier']} dossier."
    )


@click.command("import-inspections")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
def import_inspections_command(path: Path):
    """Load concluded inspections of past years from a workbook (CONTRACTS 5.5); all or none."""
    from inspect_app.services.workbooks import history_import

    if not path.is_file():
        fail(f"cannot read {path}: no such file")
    try:
        with path.open("rb") as stream, shown_progress():
            result = history_import.read_history_workbook(stream)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    if not result.ok:
        fail(*result.errors)
    with exit_on_domain_error(), shown_progress():
        added = history_import.apply_history_import(result, progress=progress.report)
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
