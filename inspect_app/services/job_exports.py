"""Exports made only by jobs: the findings register workbook and the inspections CSV.

Both stream their rows from the database (constant memory), whatever the period holds.
"""

from __future__ import annotations

import csv
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from inspect_app.extensions import db
from inspect_app.models import Agency, Inspection, InspectionPlan, User
from inspect_app.permissions import visible_inspections
from inspect_app.services import progress
from inspect_app.services.workbooks import tally_export

INSPECTION_CSV_HEADER = (
    "id",
    "year",
    "agency_code",
    "agency_name",
    "level",
    "mode",
    "status",
    "planned_from",
    "planned_to",
    "conducted_on",
    "concluded_on",
    "conclusion",
    "lead",
)


def write_findings_workbook(first: int, last: int, target: IO[bytes] | str) -> int:
    """The findings register of the period (one sheet, as in the tally workbook); row count."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "default_date_format": "dd/mm/yyyy", "strings_to_numbers": False},
    )
    try:
        styles = tally_export._Styles(workbook)
        tally_export._write_findings(workbook, styles, first, last)
        workbook.set_properties({"title": _("Sổ phát hiện %(a)d - %(b)d", a=first, b=last)})
    finally:
        workbook.close()
    return db.session.scalar(
        select(db.func.count()).select_from(tally_export.finding_rows_query(first, last).subquery())
    )


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def inspections_csv_query(user, first: int, last: int):
    """Every inspection of the period that `user` may see, as plain columns."""
    visible = visible_inspections(user).with_only_columns(Inspection.id).subquery()
    lead = aliased(User)
    return (
        select(
            Inspection.id,
            InspectionPlan.year,
            Agency.code,
            Agency.name,
            Agency.level,
            Inspection.mode,
            Inspection.status,
            Inspection.planned_from,
            Inspection.planned_to,
            Inspection.conducted_on,
            Inspection.concluded_on,
            Inspection.conclusion,
            lead.username,
        )
        .select_from(Inspection)
        .join(Inspection.plan)
        .join(Inspection.agency)
        .outerjoin(lead, lead.id == Inspection.lead_id)
        .where(Inspection.id.in_(select(visible.c.id)), InspectionPlan.year.between(first, last))
        .order_by(InspectionPlan.year, Inspection.id)
    )


def write_inspections_csv(user, first: int, last: int, target: IO[str]) -> int:
    """One CSV row per inspection of the period visible to `user`; the number of rows.

    Cells a spreadsheet would read as formulas are neutralised like the workbooks' cells.
    """
    writer = csv.writer(target)
    writer.writerow(INSPECTION_CSV_HEADER)
    count = 0
    query = inspections_csv_query(user, first, last).execution_options(
        yield_per=tally_export.STREAM_BATCH
    )
    for row in progress.counted(db.session.execute(query), "write"):
        (ident, year, code, name, level, mode, status, p_from, p_to, conducted, concluded,
         conclusion, lead) = row  # fmt: skip
        writer.writerow(
            (
                ident,
                year,
                tally_export.safe_text(code),
                tally_export.safe_text(name),
                _value(level),
                _value(mode),
                _value(status),
                _iso(p_from),
                _iso(p_to),
                _iso(conducted),
                _iso(concluded),
                _value(conclusion),
                lead or "",
            )
        )
        count += 1
    return count


def _value(member) -> str:
    if member is None:
        return ""
    return getattr(member, "value", member)
