"""The participant list of a course from Excel: read and check every row, then apply.

`parse_participant_sheet` only reads bytes; `check_participant_import` resolves agencies and
duplicates against the register (writing nothing); `apply_participant_import` adds every row
or raises, and the caller commits once. All rows or none, errors as `row N: reason`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from inspect_app.errors import DomainError
from inspect_app.models import Agency, IsoOfficer, TrainingCourse, TrainingParticipant
from inspect_app.models.base import search_key
from inspect_app.services import training
from inspect_app.services.workbooks import reading
from inspect_app.services.workbooks.reading import ImportResult, SheetError, cell_text, row_cells

#: header text per field of the participant workbook.
PARTICIPANT_COLUMNS = {
    "name": "Họ và tên",
    "agency": "Cơ quan",
    "position": "Chức vụ",
    "attended": "Có mặt",
}
REQUIRED_COLUMNS = ("name", "agency")
#: `Có mặt` cells (without case or diacritics) meaning present / absent.
YES_WORDS = frozenset({"x", "co", "co mat", "1", "yes", "y", "true", "dat", "v", "✓", "✔", "+"})
NO_WORDS = frozenset(
    {"", "0", "khong", "k", "vang", "vang mat", "khong co mat", "no", "n", "false", "-"}
)


def attended_from_text(text) -> bool | None:
    """`x`, `có`, `1`, `yes` … → True; blank, `không`, `0`, `vắng` … → False; else None."""
    if isinstance(text, bool):
        return text
    key = search_key(cell_text(text) or "")
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    return None


@dataclass
class ParticipantRow:
    """One data row of the workbook and the participant it would become."""

    row: int
    name: str | None = None
    agency_ref: str | None = None
    position: str | None = None
    attended_text: str | None = None
    attended: bool = False
    agency: Agency | None = None
    #: the agency's ISO officer record the person matches, shown in the preview.
    officer: IsoOfficer | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ParticipantImport(ImportResult):
    """What reading the workbook found: rows and every problem, file-level first."""

    rows: list[ParticipantRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for row in self.rows if row.attended and not row.errors)

    @property
    def linked(self) -> int:
        return sum(1 for row in self.rows if row.officer is not None and not row.errors)


def parse_participant_sheet(data: bytes) -> ParticipantImport:
    """The rows of the first sheet under the header row that has `Họ và tên`; no database."""
    result = ParticipantImport()

    def read_rows(rows) -> None:
        columns = reading.find_header(rows, PARTICIPANT_COLUMNS, anchors=("name",))
        if columns is None:
            raise SheetError(reading.no_header_message(PARTICIPANT_COLUMNS["name"]))
        reading.require_columns(columns, PARTICIPANT_COLUMNS, REQUIRED_COLUMNS)
        for number, values in rows:
            raw = row_cells(values, columns)
            texts = {name: cell_text(value) for name, value in raw.items()}
            if not any(texts.values()):
                continue
            row = ParticipantRow(
                row=number,
                name=texts.get("name"),
                agency_ref=texts.get("agency"),
                position=texts.get("position"),
                attended_text=texts.get("attended"),
            )
            attended = attended_from_text(raw.get("attended"))
            if attended is None:
                row.errors.append(
                    _(
                        "“Có mặt” “%(text)s” không hiểu được (ghi x, có, 1 nếu có mặt; để trống, "
                        "không, 0 nếu vắng).",
                        text=row.attended_text,
                    )
                )
            row.attended = bool(attended)
            result.rows.append(row)

    reading.read_sheet(data, result, read_rows)
    return result


def check_participant_import(course: TrainingCourse, result: ParticipantImport) -> None:
    """Resolve agencies and flag every bad row: no name, unknown agency, the same person twice
    in the file or already on the course. Writes nothing."""
    first_row: dict[tuple[int, str], int] = {}
    existing = {(p.agency_id, p.name_key) for p in course.participants}
    for row in result.rows:
        if not row.name:
            row.errors.append(_("thiếu “Họ và tên”."))
        elif len(row.name) > training.NAME_MAX:
            row.errors.append(_("“Họ và tên” dài quá %(n)d ký tự.", n=training.NAME_MAX))
        if row.position and len(row.position) > training.TEXT_MAX:
            row.errors.append(_("“Chức vụ” dài quá %(n)d ký tự.", n=training.TEXT_MAX))
        if not row.agency_ref:
            row.errors.append(_("thiếu “Cơ quan”."))
        else:
            row.agency, problem = training.find_agency(
                row.agency_ref, course.start_on, course.end_on
            )
            if problem:
                row.errors.append(problem)
        if row.agency is None or not row.name:
            continue
        key = (row.agency.id, search_key(row.name))
        if key in existing:
            row.errors.append(training.duplicate_message(row.name, row.agency))
        elif key in first_row:
            row.errors.append(
                _(
                    "%(name)s (%(agency)s) trùng với dòng %(other)d.",
                    name=row.name,
                    agency=row.agency.name,
                    other=first_row[key],
                )
            )
        else:
            first_row[key] = row.row
        row.officer = training.matching_officer(
            row.agency, row.name, course.start_on, course.end_on
        )


def read_participant_workbook(course: TrainingCourse, data: bytes) -> ParticipantImport:
    """Read and check a participant workbook for the course; writes nothing."""
    result = parse_participant_sheet(data)
    if not result.file_errors:
        check_participant_import(course, result)
    return result


def apply_participant_import(
    course: TrainingCourse, result: ParticipantImport
) -> list[TrainingParticipant]:
    """Add every row of a checked import to the course; flush only.

    Raises DomainError (every problem, one per line) so that nothing is written.
    """
    if not result.ok:
        raise DomainError("\n".join(result.errors))
    added = []
    for row in result.rows:
        try:
            added.append(
                training.add_participant(
                    course,
                    agency=row.agency,
                    name=row.name,
                    position=row.position,
                    attended=row.attended,
                )
            )
        except DomainError as exc:
            raise DomainError(f"row {row.row}: {exc.message}") from exc
    return added
