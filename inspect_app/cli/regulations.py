"""Regulation tracker commands (DESIGN 5.11): import-legal-documents, import-processes,
notify-stale-processes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from inspect_app.cli.errors import exit_on_domain_error, fail
from inspect_app.cli.progress import shown_progress
from inspect_app.extensions import db


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")


def _today(text: str | None):
    from inspect_app.services import regulations

    if not text:
        return regulations.today()
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        fail(f"--today must be dd/mm/yyyy, got {text!r}")


FILE = click.Path(dir_okay=False, path_type=Path)


@click.command("import-legal-documents")
@click.argument("path", metavar="FILE.xlsx", type=FILE)
def import_legal_documents_command(path: Path):
    """Create or update legal documents (by Số hiệu) from a workbook; all rows or none."""
    from inspect_app.services import regulations
    from inspect_app.services.workbooks import regulation_import

    with shown_progress():
        result = regulation_import.read_legal_document_workbook(_read(path))
    if not result.ok:
        fail(*result.errors)
    with exit_on_domain_error():
        regulation_import.apply_legal_document_import(result)
        notices = regulations.notify_stale(regulations.today())
    db.session.commit()
    click.echo(
        f"Imported {path.name}: {result.count('new')} new, {result.count('updated')} updated, "
        f"{result.count('unchanged')} unchanged; {len(notices)} agencies notified."
    )


@click.command("import-processes")
@click.argument("path", metavar="FILE.xlsx", type=FILE)
def import_processes_command(path: Path):
    """Import agencies' ISO process catalogues; a later date is a new version."""
    from inspect_app.services.workbooks import regulation_import

    with shown_progress():
        result = regulation_import.read_process_workbook(_read(path))
    if not result.ok:
        fail(*result.errors)
    with exit_on_domain_error():
        counts = regulation_import.apply_process_import(result)
    db.session.commit()
    click.echo(
        f"Imported {path.name}: {counts['new']} new processes, {counts['version']} new versions, "
        f"{counts['unchanged']} unchanged."
    )


@click.command("notify-stale-processes")
@click.option("--today", "today_text", help="The day to run for (dd/mm/yyyy); default today.")
def notify_stale_processes_command(today_text):
    """Tell each agency which processes a change that took effect made stale (once each)."""
    from inspect_app.services import regulations

    notices = regulations.notify_stale(_today(today_text))
    db.session.commit()
    click.echo(f"Notified {len(notices)} agency/document pairs.")


COMMANDS = (
    import_legal_documents_command,
    import_processes_command,
    notify_stale_processes_command,
)

