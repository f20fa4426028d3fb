"""Which Word template each official document uses, and the documents rendered from them.

The department may replace a shipped template with its own (letterhead, signer, wording);
an upload is checked first and refused as a whole, so the template in use never breaks.
"""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select

from inspect_app.documents import KINDS, contexts, shipped_template
from inspect_app.documents.render import check_template, render_docx
from inspect_app.errors import NotFound
from inspect_app.extensions import db
from inspect_app.models import DocumentTemplate, Inspection, InspectionPlan
from inspect_app.models.base import utcnow
from inspect_app.services import audit


def _known(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"unknown document kind: {kind}")
    return kind


def uploaded_template(kind: str) -> DocumentTemplate | None:
    return db.session.scalar(select(DocumentTemplate).where(DocumentTemplate.kind == _known(kind)))


def current_template(kind: str) -> bytes:
    """The department's template for `kind` when it uploaded one, else the shipped one."""
    uploaded = uploaded_template(kind)
    return uploaded.content if uploaded is not None else shipped_template(kind)


def install_template(kind: str, data: bytes, filename: str, by) -> DocumentTemplate:
    """Use `data` for `kind` from now on; TemplateRejected (nothing changed) when it is unusable."""
    check_template(_known(kind), data)
    template = uploaded_template(kind)
    before = {"sha256": template.sha256, "filename": template.filename} if template else None
    if template is None:
        template = DocumentTemplate(kind=kind)
        db.session.add(template)
    template.content = data
    template.filename = (filename or "")[:255]
    template.sha256 = hashlib.sha256(data).hexdigest()
    template.uploaded_by_id = getattr(by, "id", None)
    template.uploaded_at = utcnow()
    db.session.flush()
    audit.record(
        "document_template.upload",
        template,
        before=before,
        after={"kind": kind, "sha256": template.sha256, "filename": template.filename},
        user=by,
    )
    return template


def reset_template(kind: str, by) -> bool:
    """Go back to the shipped template; False when it was already in use."""
    template = uploaded_template(kind)
    if template is None:
        return False
    audit.record(
        "document_template.reset",
        template,
        before={"kind": kind, "sha256": template.sha256, "filename": template.filename},
        user=by,
    )
    db.session.delete(template)
    db.session.flush()
    return True


# -- the documents ----------------------------------------------------------------------------


def record_docx(inspection: Inspection) -> bytes:
    return render_docx(current_template("record"), contexts.record_context(inspection))


def notice_docx(inspection: Inspection, today: date | None = None) -> bytes:
    return render_docx(current_template("notice"), contexts.notice_context(inspection, today))


def annex_docx(plan: InspectionPlan) -> bytes:
    return render_docx(current_template("annex"), contexts.annex_context(plan))


def report_docx(first: int, last: int, today: date | None = None) -> bytes:
    return render_docx(current_template("report"), contexts.report_context(first, last, today))
