"""The agency's ISO process catalogue in the portal: see what is stale or missing, add a
process, record a new version (file optional)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.processes import bp
from inspect_app.blueprints.processes.forms import ProcessForm, VersionForm
from inspect_app.errors import NotFound
from inspect_app.extensions import db
from inspect_app.models import Agency, EvidenceFile, IsoProcess, Role
from inspect_app.permissions import roles_required
from inspect_app.services import evidence, regulations
from inspect_app.web.boundary import unit_of_work


def _own_agency() -> Agency:
    if current_user.agency_id is None:
        abort(404)
    return db.session.get_one(Agency, current_user.agency_id)


def _own_process(process_id: int) -> IsoProcess:
    process = db.session.get(IsoProcess, process_id)
    if process is None or process.agency_id != current_user.agency_id:
        abort(404)
    return process


@bp.route("/")
@roles_required(Role.AGENCY)
def index():
    agency = _own_agency()
    today = regulations.today()
    return render_template(
        "processes/index.html",
        agency=agency,
        processes=regulations.agency_processes(agency),
        stale={s.process.id: s for s in regulations.stale_processes(today, agency_id=agency.id)},
        missing=regulations.missing_procedures(today, agency_id=agency.id),
        editable=True,
    )


def _attach(form, agency):
    """The uploaded file of a version, if any (a refused file raises DomainError)."""
    if not form.file.data:
        return None
    return evidence.attach_agency_file(form.file.data, agency, "process", current_user)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.AGENCY)
def new_process():
    agency = _own_agency()
    form = ProcessForm(
        agency=agency, procedures=regulations.agency_procedures(agency, regulations.today())
    )
    if form.validate_on_submit():
        with unit_of_work(form.code) as work:
            process = regulations.create_process(
                agency,
                code=form.code.data,
                name=form.name.data,
                issued_on=form.issued_on.data,
                number=form.number.data or "",
                bases=regulations.resolve_bases(form.bases.numbers()),
                procedure_key=form.procedure.data or None,
                by=current_user,
            )
            work.field = form.file
            process.versions[0].file_id = getattr(_attach(form, agency), "id", None)
            flash(_("Đã thêm quy trình %(code)s.", code=process.code), "success")
            return redirect(url_for("processes.index"))
    return render_template("processes/form.html", form=form, process=None)


@bp.route("/<int:process_id>/version", methods=["GET", "POST"])
@roles_required(Role.AGENCY)
def new_version(process_id: int):
    process = _own_process(process_id)
    form = VersionForm(process=process)
    if form.validate_on_submit():
        with unit_of_work(form.issued_on) as work:
            version = regulations.record_version(
                process,
                issued_on=form.issued_on.data,
                number=form.number.data or "",
                bases=regulations.resolve_bases(form.bases.numbers()),
                by=current_user,
            )
            work.field = form.file
            version.file_id = getattr(_attach(form, process.agency), "id", None)
            flash(
                _(
                    "Đã ghi phiên bản ngày %(day)s của quy trình %(code)s.",
                    day=version.issued_on.strftime("%d/%m/%Y"),
                    code=process.code,
                ),
                "success",
            )
            return redirect(url_for("processes.index"))
    return render_template("processes/form.html", form=form, process=process)


@bp.route("/<int:process_id>/files/<int:file_id>")
@roles_required(Role.AGENCY)
def download_file(process_id: int, file_id: int):
    process = _own_process(process_id)
    row = db.session.get(EvidenceFile, file_id)
    if row is None or row.id not in {v.file_id for v in process.versions}:
        abort(404)
    try:
        return evidence.send_evidence(row)
    except NotFound:  # the row is there but its blob is not: a 404 page, not a 500
        abort(404)
