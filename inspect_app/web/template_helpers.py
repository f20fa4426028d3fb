"""Filters and globals available to every template.

The partials that the inspection page includes (`findings/_inspection_findings.html`,
`evidence/_inspection_evidence.html`) need only `inspection` in their context; they fetch
the rest through the globals registered here.
"""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_login import current_user

from inspect_app import clock, i18n, permissions
from inspect_app.blueprints.findings.forms import EvidenceUploadForm
from inspect_app.models import AgencyLevel, Finding, Inspection, InspectionStatus
from inspect_app.services import evidence, findings
from inspect_app.web.navigation import nav_items


def register(app: Flask) -> None:
    app.add_template_filter(i18n.format_day, "day")
    app.add_template_filter(i18n.format_moment, "moment")
    app.add_template_filter(i18n.format_number, "number")
    app.add_template_global(i18n.format_percent, "percent")
    app.add_template_global(permissions, "can")

    app.add_template_global(page_url, "page_url")
    app.add_template_filter(filesize, "filesize")
    for name in ("inspection_findings", "finding_is_overdue", "evidence_files"):
        app.add_template_global(globals()[name], name)
    app.add_template_global(evidence_upload_form, "evidence_upload_form")

    @app.context_processor
    def inject_navigation() -> dict:
        return {
            "nav_items": nav_items(current_user),
            "current_language": i18n.current_language(),
            "level_labels": {level.value: level.label for level in AgencyLevel},
            "statuses": list(InspectionStatus),
            "view_names": app.view_functions,
            "today": clock.today(),
        }


def page_url(page: int) -> str:
    """The current page's URL with its query string, at another page number."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "page": page}
    return url_for(request.endpoint, **args)


def inspection_findings(inspection: Inspection) -> list[Finding]:
    return findings.inspection_findings(inspection)


def finding_is_overdue(finding: Finding) -> bool:
    return findings.is_overdue(finding, clock.today())


def evidence_files(inspection: Inspection) -> list:
    return evidence.inspection_files(inspection)


def evidence_upload_form(inspection: Inspection) -> EvidenceUploadForm:
    """An empty upload form that comes back to the page it is shown on."""
    form = EvidenceUploadForm(formdata=None, inspection=inspection)
    form.next.data = request.path
    return form


def filesize(size: int | None) -> str:
    """1.234.567 bytes as "1,2 MB" (in the locale's number style)."""
    if size is None:
        return ""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{i18n.format_number(size / scale, 1)} {unit}"
    return f"{size} B"
