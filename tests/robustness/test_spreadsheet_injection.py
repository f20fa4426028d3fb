"""Issue item 7: CSV and Excel injection, anywhere in a field and in every export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from inspect_app.services.spreadsheet_safety import safe_cell, safe_csv_field

SEPARATORS = ";,|\t"
FORMULA = ("=", "+", "-", "@")
risky_text = st.text(
    st.one_of(st.sampled_from(list("=+-@;,|\t\r \"'")), st.characters(codec="utf-8")),
    max_size=40,
)


def _is_formula(piece: str) -> bool:
    return piece.lstrip().startswith(FORMULA) or piece[:1] in ("\t", "\r")


@given(text=risky_text)
def test_no_piece_of_a_csv_field_reads_as_a_formula(text):
    field = safe_csv_field(text)
    for piece in re.split(f"[{re.escape(SEPARATORS)}]", field):
        assert not piece.lstrip().startswith(FORMULA), (text, field)
    assert field[:1] not in ("\t", "\r")
    assert field.replace("'", "") == text.replace("'", "")  # only apostrophes were added


@given(text=risky_text)
def test_no_excel_cell_reads_as_a_formula(text):
    cell = safe_cell(text)
    assert not _is_formula(cell)
    assert cell in (text, "'" + text)


@pytest.mark.parametrize("value", ["12;=1+1", "=1+1", " =1+1", "\t=1+1", "a,@SUM(A1)", "x|-2"])
def test_open_data_csv_quotes_every_field_and_splitting_on_any_separator_is_safe(
    client, make_agency, value
):
    make_agency(value, code="X-1")
    body = client.get("/api/v1/conformity?format=csv").data.decode("utf-8-sig")
    lines = body.split("\r\n")
    assert all(line.startswith('"') and line.endswith('"') for line in lines if line)
    for separator in SEPARATORS:
        for row in csv.reader(io.StringIO(body), delimiter=separator):
            for cell in row:
                assert not _is_formula(cell.strip('"')), (separator, cell)
    name = next(r for r in csv.DictReader(io.StringIO(body)) if r["code"] == "X-1")["name"]
    assert name.replace("'", "") == value  # only apostrophes were added


def test_the_tally_workbook_neutralises_a_formula_after_leading_spaces(
    client, login, make_user, make_agency, make_inspection
):
    from inspect_app.models import InspectionStatus

    agency = make_agency('  =HYPERLINK("http://evil")', code="X-2")
    make_inspection(agency=agency, status=InspectionStatus.CONCLUDED)
    from inspect_app.services.workbooks import tally_export

    # the page hands the workbook to a job; the job writes it with this same function
    book = load_workbook(io.BytesIO(tally_export.tally_workbook(2026, 2026)))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    texts = [v for v in values if isinstance(v, str)]
    assert not any(_is_formula(v) for v in texts)
    assert any("HYPERLINK" in v for v in texts)
