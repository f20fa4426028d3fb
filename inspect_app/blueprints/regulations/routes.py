"""The department's regulation tracker: legal documents register, lineage, stale and missing
processes by agency and by document, TTHC per decision, and the two workbook imports."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from inspect_app.blueprints.regulations import bp
from inspect_app.blueprints.regulations.forms import (
    DocumentFilterForm,
    DocumentForm,
    ProceduresForm,
)
from inspect_app.blueprints.regulations.paging import ListPage
from inspect_app.extensions import db
from inspect_app.models import AdministrativeProcedure, Agency, LegalDocument, Role
from inspect_app.permissions import STAFF_ROLES, roles_required
from inspect_app.services import regulations
from inspect_app.services.pagination import page_number
from inspect_app.services.workbooks import regulation_import
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.workbook_import import WorkbookImport

PER_PAGE = 50


@bp.route("/")
@roles_required(*STAFF_ROLES)
def index():
    """Every stale or missing process in the province, by agency and by legal document."""
    today = regulations.today()
    by_agency = regulations.stale_by_agency(today)
    impacts = regulations.change_impacts(today)
    page = ListPage(by_agency, page_number(request.args.get("page")), PER_PAGE)
    totals = {
        "stale": sum(r["stale"] for r in by_agency),
        "overdue": sum(r["overdue"] for r in by_agency),
        "missing": sum(r["missing"] for r in by_agency),
        "agencies": sum(1 for r in by_agency if r["stale"]),
    }
    return render_template(
        "regulations/index.html", page=page, impacts=impacts, totals=totals, today=today
    )


@bp.route("/agencies/<int:agency_id>")
@roles_required(*STAFF_ROLES)
def agency(agency_id: int):
    """One agency's catalogue with what is stale and what is missing."""
    agency = db.session.get(Agency, agency_id) or abort(404)
    today = regulations.today()
    return render_template(
        "regulations/agency.html",
        agency=agency,
        processes=regulations.agency_processes(agency),
        stale={s.process.id: s for s in regulations.stale_processes(today, agency_id=agency.id)},
        missing=regulations.missing_procedures(today, agency_id=agency.id),
        today=today,
    )


@bp.route("/documents/")
@roles_required(*STAFF_ROLES)
def documents():
    form = DocumentFilterForm(formdata=request.args)
    today = regulations.today()
    page = db.paginate(
        regulations.document_query(form.filters(), on=today),
        page=page_number(request.args.get("page")),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("regulations/documents.html", form=form, page=page, today=today)


@bp.route("/documents/<int:document_id>")
@roles_required(*STAFF_ROLES)
def document(document_id: int):
    document = db.session.get(LegalDocument, document_id) or abort(404)
    today = regulations.today()
    procedures = db.session.scalars(
        select(AdministrativeProcedure)
        .where(AdministrativeProcedure.document_id == document.id)
        .order_by(AdministrativeProcedure.agency_id, AdministrativeProcedure.position)
    ).all()
    return render_template(
        "regulations/document.html",
        document=document,
        lineage=regulations.lineage(document),
        impacts=regulations.change_impacts(today, document_id=document.id),
        citing=regulations.citing_processes(document),
        in_force=regulations.in_force(document, today),
        procedures=procedures,
        today=today,
    )


def _save_document(form: DocumentForm, document: LegalDocument | None):
    """Save the document and tell the agencies whose processes it makes stale; None if refused."""
    with unit_of_work(form.number):
        document = regulations.save_document(document, form.values(), by=current_user)
        notices = regulations.notify_stale(regulations.today())
        flash(_("Đã lưu văn bản số %(number)s.", number=document.number), "success")
        if notices:
            flash(
                _(
                    "Đã thông báo cho %(n)d cơ quan có quy trình cần cập nhật.",
                    n=len({n.agency_id for n in notices}),
                ),
                "info",
            )
        return redirect(url_for("regulations.document", document_id=document.id))
    return None


@bp.route("/documents/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_document():
    form = DocumentForm()
    if form.validate_on_submit() and (response := _save_document(form, None)):
        return response
    return render_template("regulations/document_form.html", form=form, document=None)


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_document(document_id: int):
    document = db.session.get(LegalDocument, document_id) or abort(404)
    form = DocumentForm(document=document)
    if form.validate_on_submit() and (response := _save_document(form, document)):
        return response
    return render_template("regulations/document_form.html", form=form, document=document)


@bp.route("/documents/<int:document_id>/procedures", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def add_procedures(document_id: int):
    """Record the TTHC a decision of the Chủ tịch UBND tỉnh announces for an agency."""
    document = db.session.get(LegalDocument, document_id) or abort(404)
    form = ProceduresForm()
    if form.validate_on_submit():
        agency = db.session.scalar(select(Agency).where(Agency.code == form.agency_code.data))
        if agency is None:
            form.agency_code.errors.append(
                _("Không có cơ quan mã %(code)s.", code=form.agency_code.data)
            )
        else:
            added = regulations.add_procedures(document, agency, form.entries())
            db.session.commit()
            flash(_("Đã ghi %(n)d thủ tục hành chính.", n=len(added)), "success")
            return redirect(url_for("regulations.document", document_id=document.id))
    return render_template("regulations/procedures_form.html", form=form, document=document)


# --- workbook imports: the shared upload → preview → confirm flow ----------------------------

class RegulationImport(WorkbookImport):
    """The legal-document register or the agencies' process catalogues from a workbook (5.11)."""

    template = "regulations/import.html"
    upload_endpoint = "regulations.import_upload"
    READERS = {
        "documents": (
            regulation_import.read_legal_document_workbook,
            regulation_import.apply_legal_document_import,
        ),
        "processes": (
            regulation_import.read_process_workbook,
            regulation_import.apply_process_import,
        ),
    }

    def __init__(self, kind: str) -> None:
        if kind not in self.READERS:
            abort(404)
        self.kind = kind
        self.reader, self.applier = self.READERS[kind]

    def read(self, data, form):
        return self.reader(data)

    def apply(self, result, form):
        self.applier(result, by=current_user)
        regulations.notify_stale(regulations.today())

    def finish(self, result, applied):
        flash(_("Đã nhập %(n)d dòng.", n=len(result.rows)), "success")
        target = "regulations.documents" if self.kind == "documents" else "regulations.index"
        return redirect(url_for(target))

    def context(self) -> dict:
        return {"kind": self.kind}


@bp.route("/import/<kind>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_upload(kind: str):
    """Upload a workbook and show what importing it would do; nothing is written yet."""
    return RegulationImport(kind).upload()


@bp.route("/import/<kind>/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def import_confirm(kind: str):
    """Apply the previewed workbook: every row, or none."""
    return RegulationImport(kind).confirm()
