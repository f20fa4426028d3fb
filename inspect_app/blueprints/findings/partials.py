"""Template globals behind the partials that the inspection page includes.

`templates/findings/_inspection_findings.html` and `templates/evidence/_inspection_evidence.html`
need only `inspection` in their context; they fetch the rest through these functions.
"""

from __future__ import annotations

from flask import request

from inspect_app import clock
from inspect_app.blueprints.findings import bp
from inspect_app.blueprints.findings.forms import EvidenceUploadForm
from inspect_app.i18n import format_number
from inspect_app.models import Finding, Inspection
from inspect_app.services import evidence, findings


@bp.app_template_global("inspection_findings")
def inspection_findings(inspection: Inspection) -> list[Finding]:
    return findings.inspection_findings(inspection)


@bp.app_template_global("finding_is_overdue")
def finding_is_overdue(finding: Finding) -> bool:
    return findings.is_overdue(finding, clock.today())


@bp.app_template_global("evidence_files")
def evidence_files(inspection: Inspection) -> list:
    return evidence.inspection_files(inspection)


@bp.app_template_global("evidence_upload_form")
def evidence_upload_form(inspection: Inspection) -> EvidenceUploadForm:
    """An empty upload form that comes back to the page it is shown on."""
    form = EvidenceUploadForm(formdata=None, inspection=inspection)
    form.next.data = request.path
    return form


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    """1.234.567 bytes as "1,2 MB" (in the locale's number style)."""
    if size is None:
        return ""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{format_number(size / scale, 1)} {unit}"
    return f"{size} B"
