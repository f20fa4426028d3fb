"""What a dossier request asks for, and which of it the agency has not sent yet.

The team writes the request as free text ("Đề nghị cơ quan gửi: báo cáo …; danh mục …").
Each line or `;`-separated part is one requested document; the agency files each upload
under one of them (its document type), so a requested document without a file is missing.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import EvidenceFile, Inspection
from inspect_app.models.base import search_key

#: "Đề nghị cơ quan gửi:" and the like, before the list itself.
_PREAMBLE = re.compile(r"^[^:;\n]{0,80}(?:gửi|nộp|cung cấp|gồm)[^:;\n]{0,20}:\s*", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-–•*+]|\d+[.)]|[a-zđ][.)])\s*", re.IGNORECASE)


def requested_documents(text: str | None) -> list[str]:
    """The requested documents, one per line or `;`-separated part, in the team's order."""
    if not text:
        return []
    text = _PREAMBLE.sub("", text.strip(), count=1)
    items: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[;\n]+", text):
        item = _BULLET.sub("", part).strip().rstrip(".").strip()
        if not item:
            continue
        item = item[0].upper() + item[1:]
        if search_key(item) not in seen:
            seen.add(search_key(item))
            items.append(item)
    return items


def missing_documents(inspection: Inspection, files: list[EvidenceFile]) -> list[str]:
    """Requested documents that no file of the dossier is filed under."""
    sent = {search_key(f.document_type) for f in files if f.document_type}
    return [
        item
        for item in requested_documents(inspection.dossier_request)
        if search_key(item) not in sent
    ]


def summary(inspection: Inspection) -> dict:
    """For the team: the requested documents, which are missing, and whether it was sent."""
    files = dossier_files(inspection) if inspection.dossier_requested_at else []
    return {
        "requested": requested_documents(inspection.dossier_request),
        "missing": missing_documents(inspection, files),
        "files": files,
    }


def dossier_files(inspection: Inspection) -> list[EvidenceFile]:
    """The files the agency handed in for this dossier, in upload order."""
    return list(
        db.session.scalars(
            select(EvidenceFile)
            .where(
                EvidenceFile.inspection_id == inspection.id,
                EvidenceFile.purpose == "dossier",
                EvidenceFile.finding_id.is_(None),
            )
            .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
        )
    )
