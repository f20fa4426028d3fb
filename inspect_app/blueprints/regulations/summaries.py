"""What other pages show of the tracker (agency home, agency detail, inspection, checklist):
one template global, so those templates only include a partial."""

from __future__ import annotations

from inspect_app.blueprints.regulations import bp
from inspect_app.services import regulations


@bp.app_template_global()
def regulation_summary(agency) -> dict:
    """An agency's stale processes and TTHC without a process, as of today."""
    today = regulations.today()
    if agency is None:
        return {"stale": [], "missing": [], "today": today, "overdue": 0}
    stale = regulations.stale_processes(today, agency_id=agency.id)
    return {
        "agency": agency,
        "stale": stale,
        "missing": regulations.missing_procedures(today, agency_id=agency.id),
        "overdue": sum(1 for s in stale if s.overdue),
        "today": today,
    }


@bp.app_template_filter("isoday")
def iso_day(text: str) -> str:
    """An ISO date string (as the API records carry it) shown as dd/mm/yyyy."""
    from datetime import date

    from inspect_app.i18n import format_day

    return format_day(date.fromisoformat(text)) if text else ""


@bp.app_template_global()
def regulation_report(first: int, last: int) -> dict:
    """The tracker's figures per year and the report's "Hạn chế" sentence for the period."""
    figures = regulations.yearly_figures(first, last, regulations.today())
    return {"years": figures, "paragraph": regulations.limitation_paragraph(figures)}
