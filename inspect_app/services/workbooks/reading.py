"""Reading the first sheet of an uploaded workbook, shared by every importer.

Each importer says which columns it wants and what a row means; this module opens the file,
finds the header row, maps headers to columns and turns whole-file problems into one message.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import IO

from flask_babel import gettext as _

from inspect_app.models.base import search_key
from inspect_app.services import progress
from inspect_app.services.workbooks.limits import LimitExceeded, check_workbook


class SheetError(Exception):
    """A problem with the whole file, worded for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def header_key(text) -> str:
    """Header text compared without case, diacritics or surrounding spaces."""
    return search_key(str(text)) if text is not None else ""


def cell_text(value) -> str | None:
    """A cell as trimmed text; whole numbers lose their `.0`, blank cells become None."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = str(value)
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif isinstance(value, datetime | date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(str(value).split()) or None


@contextmanager
def first_sheet(source: bytes | str | IO[bytes]):
    """The first sheet, read-only with computed values; the workbook is closed afterwards.

    Raises SheetError when the source is no workbook, and turns any failure while reading
    the sheet into SheetError too.
    """
    from openpyxl import load_workbook

    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        row_count = _checked(handle)
        workbook = load_workbook(handle, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        #: rows the sheet's XML holds (blank ones included), for progress reports.
        sheet.row_count = row_count
        sheet.reset_dimensions()  # some writers store a wrong size; read what is really there
    except SheetError:
        raise
    except Exception:  # any unreadable upload (zip, xml, format) is the same for the user
        raise SheetError(
            _("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dưới dạng .xlsx.")
        ) from None
    try:
        yield sheet
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError(_("Không đọc được nội dung bảng tính.")) from exc
    finally:
        workbook.close()


def _checked(handle) -> int | None:
    """Refuse a workbook past the limits (SheetError); its first sheet's row count."""
    try:
        if isinstance(handle, str | os.PathLike):
            with open(handle, "rb") as fh:
                return check_workbook(fh)
        start = handle.tell()
        try:
            return check_workbook(handle)
        finally:
            handle.seek(start)
    except LimitExceeded as exc:
        raise SheetError(exc.message) from None


def find_header(
    rows: Iterator[tuple[int, tuple]],
    columns: dict[str, str],
    anchors: Iterable[str],
    *,
    cells: bool = False,
) -> dict[str, int] | None:
    """Read `rows` up to the first one holding an anchor's header; the index of each field.

    `columns` maps field → header text; `anchors` are fields. None when no row has an
    anchor. With `cells`, rows hold openpyxl cells rather than values.
    """
    anchor_keys = {header_key(columns[name]) for name in anchors}
    wanted = {header_key(text): name for name, text in columns.items()}
    for _number, values in rows:
        keys = [header_key(value.value if cells else value) for value in values]
        if anchor_keys.intersection(keys):
            found: dict[str, int] = {}
            for index, key in enumerate(keys):
                if key in wanted and wanted[key] not in found:
                    found[wanted[key]] = index
            return found
    return None


def no_header_message(text: str) -> str:
    return _("Không tìm thấy dòng tiêu đề có cột “%(col)s”.", col=text)


def require_columns(found: dict[str, int], columns: dict[str, str], required) -> None:
    """SheetError naming every required field whose column is missing."""
    missing = [columns[name] for name in required if name not in found]
    if missing:
        raise SheetError(_("Thiếu cột: %(cols)s.", cols=", ".join(f"“{c}”" for c in missing)))


def row_cells(values, found: dict[str, int]) -> dict:
    """The row's cells by field; fields past the end of the row are None."""
    return {name: values[index] if index < len(values) else None for name, index in found.items()}


def read_sheet(
    source: bytes | str | IO[bytes],
    result: ImportResult,
    read_rows: Callable[[Iterator[tuple[int, tuple]]], None],
    *,
    cells: bool = False,
) -> bool:
    """Pass the numbered rows of the first sheet to `read_rows`, which fills `result`.

    Whole-file problems (raised as SheetError, or no data row) become file errors of
    `result`, and no row is kept. True when rows were read.
    """
    try:
        with first_sheet(source) as sheet:
            rows = sheet.iter_rows(values_only=not cells)
            counted = progress.counted(rows, "read", getattr(sheet, "row_count", None))
            read_rows(enumerate(counted, start=1))
    except SheetError as exc:
        result.discard_rows()
        result.file_errors.append(exc.message)
        return False
    if not result.has_rows():
        result.file_errors.append(_("Bảng tính không có dòng dữ liệu nào."))
        return False
    return True


class ImportResult:
    """Mixin for what reading a workbook found: `file_errors` and `rows` with their errors."""

    rows: list
    file_errors: list[str]

    def numbered_errors(self) -> Iterable[tuple[int, str]]:
        """Every row problem as (row number, reason), in order."""
        for row in self.rows:
            for reason in row.errors:
                yield row.row, reason

    @property
    def errors(self) -> list[str]:
        """Every problem as `row N: reason`, file-level problems first."""
        lines = list(self.file_errors)
        lines.extend(f"row {number}: {reason}" for number, reason in self.numbered_errors())
        return lines

    @property
    def ok(self) -> bool:
        return not self.file_errors and next(iter(self.numbered_errors()), None) is None

    def has_rows(self) -> bool:
        return bool(self.rows)

    def discard_rows(self) -> None:
        self.rows.clear()
