"""Helpers for the regulation tracker tests: documents, processes and workbooks."""

from __future__ import annotations

import io

from openpyxl import Workbook

from inspect_app.extensions import db
from inspect_app.services import regulations
from inspect_app.services.regulations import DocumentData


def document(number, signed_on, effective_on=None, *, replaces=(), amends=(), **fields):
    """A document saved through the service and committed."""
    data = DocumentData(
        number=number,
        summary=fields.pop("summary", f"Trích yếu của {number}"),
        signed_on=signed_on,
        effective_on=effective_on or signed_on,
        kind=fields.pop("kind", regulations.kind_from_text(None, number)),
        issuer=fields.pop("issuer", "UBND tỉnh Quảng Ngãi"),
        replaces=list(replaces),
        amends=list(amends),
        **fields,
    )
    doc = regulations.save_document(None, data)
    db.session.commit()
    return doc


def process(agency, code, issued_on, *bases, name=None, procedure=None):
    """A process citing documents (objects) with its first version, committed."""
    row = regulations.create_process(
        agency,
        code=code,
        name=name or f"Quy trình {code}",
        issued_on=issued_on,
        number="01",
        bases=list(bases),
        procedure_key=regulations.procedure_key(procedure) if procedure else None,
    )
    db.session.commit()
    return row


def workbook(header, *rows, preamble=(("DANH MỤC",), ())) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in preamble:
        sheet.append(list(line))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
