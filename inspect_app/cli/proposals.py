"""`flask --app wsgi propose-plan --year Y -o FILE.xlsx` (DESIGN 5.12)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from inspect_app.extensions import db


@click.command("propose-plan")
@click.option("--year", required=True, help="The plan's year, e.g. 2027.")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The annex .xlsx to write (import-plan reads it unchanged).",
)
def propose_plan_command(year: str, output: Path):
    """Write the risk-based proposal of a year's plan as a plan annex, reasons on sheet 2."""
    from inspect_app.services import plan_proposal
    from inspect_app.services.workbooks import proposal_export

    try:
        proposal = plan_proposal.propose(year)
    except plan_proposal.ProposalError as exc:
        db.session.rollback()
        for line in exc.message.splitlines():
            click.echo(f"Error: {line}", err=True)
        sys.exit(1)
    db.session.rollback()  # read only
    data = proposal_export.proposal_xlsx(proposal)
    directory = output.resolve().parent
    if not directory.is_dir():
        click.echo(f"Error: folder {directory} does not exist.", err=True)
        sys.exit(1)
    # Written beside the target and renamed: a failure never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".xlsx.part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, output)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        click.echo(f"Error: cannot write {output}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    totals = proposal.totals()
    click.echo(
        f"Proposal {proposal.year}: {totals['selected']} of {totals['agencies']} agencies "
        f"({totals['on_site']} on-site, {totals['dossier']} dossier) written to {output}."
    )


COMMANDS = (propose_plan_command,)

