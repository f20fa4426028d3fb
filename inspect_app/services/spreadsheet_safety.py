"""User text made inert for spreadsheets (CSV and Excel injection, DESIGN §7).

A spreadsheet reads a cell as a formula when it starts with `=`, `+`, `-` or `@` (also
after leading spaces), and some read a leading tab or carriage return the same way. In a
CSV file a spreadsheet may also split a field on `;`, `,`, `|` or a tab, so every piece of
a field between those separators must be inert too. The apostrophe that neutralises a
piece is what Excel itself shows for "text that looks like a formula".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

#: a piece starting (after spaces) with a formula character, or with a tab or CR.
_RISKY_START = re.compile(r"^(?:\s*[=+\-@]|[\t\r])")
#: in CSV: the start of the field or of any piece after a separator a spreadsheet may use.
_RISKY_PIECE = re.compile(r"(^|[;,|\t])(\s*)(?=[=+\-@])")


def safe_cell(value: str | None) -> str:
    """Text for one spreadsheet cell: an apostrophe in front when it would be a formula."""
    text = value or ""
    return "'" + text if _RISKY_START.match(text) else text


def safe_csv_field(value: object) -> str:
    """Text for one CSV field: every separator-delimited piece made inert."""
    text = "" if value is None else str(value)
    text = _RISKY_PIECE.sub(lambda m: m.group(1) + m.group(2) + "'", text)
    return "'" + text if text[:1] in ("\t", "\r") else text


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    """UTF-8 CSV with a BOM (Excel reads the diacritics), every field quoted and inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([safe_csv_field(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
