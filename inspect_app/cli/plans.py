"""Plan commands (CONTRACTS 5.3): `flask --app wsgi import-plan FILE.xlsx --year YEAR`."""

from __future__ import annotations

from pathlib import Path

import click

from inspect_app.cli.errors import exit_on_domain_error, fail
from inspect_app.cli.progress import shown_progress
from inspect_app.extensions import db


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
    from inspect_app.services.workbooks import plan_import

    if number and not signed_on:
        fail("--decision needs --signed-on DD/MM/YYYY.")
    if signed_on and not number:
        fail("--signed-on needs --decision NUMBER.")
    with exit_on_domain_error("--signed-on: "):
        signed = plan_import.parse_signed_on(signed_on) if signed_on else None
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    with shown_progress():
        result = plan_import.read_plan_workbook(data, year)
    if result.ok:
        plan_import.check_plan_year(result)
    if not result.ok:
        fail(*result.errors)
    with exit_on_domain_error():
        plan = plan_import.apply_plan_import(
            result,
            decision_number=number,
            signed_on=signed,
            issuer=issuer or plan_import.DEFAULT_ISSUER,
        )
    db.session.commit()
    decision = f", decision {plan.decision.number}" if plan.decision else ""
    click.echo(
        f"Plan {plan.id} ({plan.year}): {plan.status.value}{decision}; "
        f"{len(result.rows)} inspections ({result.on_site} on-site, {result.dossier} dossier)."
    )


COMMANDS = (import_plan_command,)
