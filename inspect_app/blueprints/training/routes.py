"""The training register: courses, participants, attendance, summary, needs, exports.

Who may do what: admins write; admins and viewers (department leadership) read; inspectors
and agency users get 403 on every page of the register.
"""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from inspect_app import clock
from inspect_app.blueprints.training import bp
from inspect_app.blueprints.training.forms import (
    ActionForm,
    AttendanceForm,
    CourseFilterForm,
    CourseForm,
    InviteForm,
    NeedsFilterForm,
    ParticipantForm,
    PeriodForm,
)
from inspect_app.extensions import db
from inspect_app.models import Role, TrainingCourse, TrainingKind
from inspect_app.permissions import DEPARTMENT_ROLES, roles_required
from inspect_app.services import training
from inspect_app.services.pagination import page_number
from inspect_app.services.workbooks import participant_import, training_export
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.jobs import start_job
from inspect_app.web.loaders import load_course, load_participant
from inspect_app.web.workbook_import import WorkbookImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def course_url(course: TrainingCourse, page: int | None = None) -> str:
    return url_for("training.detail", course_id=course.id, page=page if page != 1 else None)


def send_xlsx(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/")
@roles_required(*DEPARTMENT_ROLES)
def index():
    form = CourseFilterForm(formdata=request.args, years=training.course_years())
    courses = db.session.scalars(training.course_query(**form.filters())).all()
    counts = training.participant_counts([course.id for course in courses])
    return render_template("training/index.html", form=form, courses=courses, counts=counts)


@bp.route("/register.xlsx")
@roles_required(*DEPARTMENT_ROLES)
def register_xlsx():
    form = CourseFilterForm(formdata=request.args, years=training.course_years())
    filters = form.filters()
    kind = filters.get("kind")
    params = {"year": filters.get("year"), "kind": kind.value if kind else None}
    return start_job("export:training_register", {"filters": params})


def _saved(course: TrainingCourse):
    flash(_("Đã lưu khóa đào tạo %(title)s.", title=course.title), "success")
    return redirect(course_url(course))


@bp.route("/courses/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    invited = InviteForm(formdata=request.args).agency_ids()
    form = CourseForm(invitees=training.invitable_agencies(invited))
    if form.validate_on_submit():
        with unit_of_work():
            course = training.create_course(**form.values())
            training.invite_agencies(course, form.chosen_invitees())
            return _saved(course)
    return render_template("training/form.html", form=form, course=None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(course_id: int):
    course = load_course(course_id)
    form = CourseForm(course=course)
    if form.validate_on_submit():
        with unit_of_work():
            training.update_course(course, **form.values())
            return _saved(course)
    return render_template("training/form.html", form=form, course=course)


def render_detail(course: TrainingCourse, participant_form: ParticipantForm | None = None):
    page = training.participant_page(course, page_number(request.args.get("page")))
    total, present = training.participant_counts([course.id])[course.id]
    return render_template(
        "training/detail.html",
        course=course,
        page=page,
        total=total,
        present=present,
        participant_form=participant_form or ParticipantForm(course=course),
        attendance_form=AttendanceForm(course=course),
        action_form=ActionForm(),
        candidates=training.course_candidates(course),
    )


@bp.route("/courses/<int:course_id>")
@roles_required(*DEPARTMENT_ROLES)
def detail(course_id: int):
    return render_detail(load_course(course_id))


@bp.route("/courses/<int:course_id>/candidates")
@roles_required(Role.ADMIN)
def candidates(course_id: int):
    """Agencies a participant may come from, matching `q` (the add form's suggestions)."""
    course = load_course(course_id)
    found = training.suggest_candidates(course, request.args.get("q", "")[:100])
    return {
        "agencies": [
            {"code": agency.code, "name": agency.name, "level": agency.level.label}
            for agency in found
        ]
    }


@bp.route("/courses/<int:course_id>/participants", methods=["POST"])
@roles_required(Role.ADMIN)
def add_participant(course_id: int):
    course = load_course(course_id)
    form = ParticipantForm(course=course)
    if form.validate_on_submit():
        with unit_of_work():
            training.add_participant(course, **form.values())
            flash(_("Đã thêm học viên."), "success")
            return redirect(course_url(course) + "#participants")
    return render_detail(course, form), 422


@bp.route("/courses/<int:course_id>/participants/<int:participant_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_participant(course_id: int, participant_id: int):
    course = load_course(course_id)
    participant = load_participant(course, participant_id)
    if ActionForm().validate_on_submit():
        name = participant.name
        with unit_of_work():
            training.remove_participant(participant)
            flash(_("Đã xóa %(name)s khỏi danh sách học viên.", name=name), "success")
    return redirect(course_url(course) + "#participants")


@bp.route("/courses/<int:course_id>/attendance", methods=["POST"])
@roles_required(Role.ADMIN)
def attendance(course_id: int):
    course = load_course(course_id)
    form = AttendanceForm(course=course)
    if not form.validate_on_submit():
        errors = dict.fromkeys(str(e) for e in [*form.present.errors, *form.shown.errors])
        flash(" ".join(errors) or _("Yêu cầu không hợp lệ."), "danger")
        return redirect(course_url(course) + "#participants")
    with unit_of_work():
        training.set_attendance(course, form.present_ids(), form.shown_ids())
        total, present = training.participant_counts([course.id])[course.id]
        flash(
            _("Đã ghi nhận điểm danh: %(n)d/%(total)d học viên có mặt.", n=present, total=total),
            "success",
        )
    return redirect(course_url(course, form.page.data) + "#participants")


@bp.route("/courses/<int:course_id>/attendance-sheet")
@roles_required(*DEPARTMENT_ROLES)
def attendance_sheet(course_id: int):
    course = load_course(course_id)
    return render_template("training/attendance_sheet.html", course=course)


class ParticipantImport(WorkbookImport):
    """A course's participant list from a workbook (CONTRACTS 5.5)."""

    template = "training/import.html"
    upload_endpoint = "training.import_upload"
    stale_message = None

    job_kind = "import:participants"

    def __init__(self, course: TrainingCourse):
        self.course = course

    def job_params(self, form):
        return {"course_id": self.course.id}

    def context(self):
        return {"course": self.course}

    def read(self, data, form):
        return participant_import.read_participant_workbook(self.course, data)

    def apply(self, result, form):
        return participant_import.apply_participant_import(self.course, result)

    def finish(self, result, applied):
        flash(_("Đã nhập danh sách học viên."), "success")
        return redirect(course_url(self.course) + "#participants")


@bp.route("/courses/<int:course_id>/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_upload(course_id: int):
    """Upload a participant list and show what importing it would do; nothing is written."""
    return ParticipantImport(load_course(course_id)).upload()


@bp.route("/courses/<int:course_id>/import/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def import_confirm(course_id: int):
    """Apply the previewed list: every row, or none when anything changed meanwhile."""
    return ParticipantImport(load_course(course_id)).confirm()


@bp.route("/summary")
@roles_required(*DEPARTMENT_ROLES)
def summary():
    form = PeriodForm(formdata=request.args)
    first, last = form.period()
    return render_template(
        "training/summary.html",
        form=form,
        summary=training.summary(first, last),
        kinds=list(TrainingKind),
    )


def _need_rows(form: NeedsFilterForm) -> list[training.NeedRow]:
    return training.filter_needs(training.need_rows(clock.today()), **form.filters())


@bp.route("/needs")
@roles_required(*DEPARTMENT_ROLES)
def needs():
    form = NeedsFilterForm(formdata=request.args)
    page = training.needs_page(_need_rows(form), page_number(request.args.get("page")))
    return render_template("training/needs.html", form=form, page=page, needs=page.items)


@bp.route("/needs.xlsx")
@roles_required(*DEPARTMENT_ROLES)
def needs_xlsx():
    form = NeedsFilterForm(formdata=request.args)
    title = _(
        "Danh sách cơ quan cần đào tạo về HTQLCL (ngày %(day)s)",
        day=clock.today().strftime("%d/%m/%Y"),
    )
    needs = training.hydrate_needs(_need_rows(form))
    return send_xlsx(training_export.needs_xlsx(needs, title), "nhu-cau-dao-tao.xlsx")
