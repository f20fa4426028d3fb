"""Uploaded workbooks past a limit are refused before openpyxl unpacks them."""

from __future__ import annotations

import io
import resource
import zipfile

import pytest
from openpyxl import Workbook

from inspect_app.services.workbooks import agency_import, history_import
from inspect_app.services.workbooks.limits import LimitExceeded, WorkbookLimits, check_workbook


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_entry(data: bytes, name: str, body: bytes) -> bytes:
    """The workbook with one zip entry replaced (deflated)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, body)
    return out.getvalue()


def blank_rows_sheet(count: int) -> bytes:
    rows = b"".join(b'<row r="%d"/>' % n for n in range(1, count + 1))
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )


def strings_bomb(count: int) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><sst '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>x</t></si>" * count
        + b"</sst>"
    )


def test_an_ordinary_workbook_passes_and_counts_its_rows():
    assert check_workbook(io.BytesIO(xlsx([["a", "b"]] * 25))) == 25


def test_a_million_blank_rows_are_refused_naming_the_limit(app):
    data = with_entry(
        xlsx([["Mã cơ quan"]]), "xl/worksheets/sheet1.xml", blank_rows_sheet(1_048_576)
    )
    assert len(data) < 4_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = agency_import.read_agency_workbook(data)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert not result.ok
    assert "WORKBOOK_MAX_ROWS" in result.errors[0] and "200.000 dòng" in result.errors[0]
    assert grown_mb < 100


def test_a_shared_strings_bomb_is_refused(app):
    data = with_entry(xlsx([["Năm"]]), "xl/sharedStrings.xml", strings_bomb(3_000_000))
    assert len(data) < 1_000_000  # a few hundred KB that would unpack into millions of strings
    result = history_import.read_history_workbook(data)
    assert result.file_errors and "WORKBOOK_MAX_STRINGS" in result.file_errors[0]


def test_the_unpacked_size_limit(app):
    app.config["WORKBOOK_MAX_UNPACKED_MB"] = 1
    data = with_entry(xlsx([["x"]]), "xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    result = agency_import.read_agency_workbook(data)
    assert "WORKBOOK_MAX_UNPACKED_MB" in result.errors[0] and "1 MB" in result.errors[0]


@pytest.mark.parametrize(
    ("limits", "setting"),
    [
        (WorkbookLimits(rows=10), "WORKBOOK_MAX_ROWS"),
        (WorkbookLimits(cells=10), "WORKBOOK_MAX_CELLS"),
        (WorkbookLimits(strings=5), "WORKBOOK_MAX_STRINGS"),
    ],
)
def test_each_limit_is_a_setting(app, limits, setting):
    data = xlsx([[f"text {n}", f"more {n}"] for n in range(20)])
    with pytest.raises(LimitExceeded) as caught:
        check_workbook(io.BytesIO(data), limits)
    assert setting in caught.value.message


def test_limits_come_from_the_configuration(app):
    app.config["WORKBOOK_MAX_ROWS"] = 3
    result = agency_import.read_agency_workbook(xlsx([["Mã cơ quan"], ["A"], ["B"], ["C"]]))
    assert "3 dòng" in result.errors[0]


def test_not_a_zip_is_left_to_the_reader():
    assert check_workbook(io.BytesIO(b"%PDF-1.4")) is None
