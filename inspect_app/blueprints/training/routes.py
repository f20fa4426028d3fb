"""The training register: courses, participants, attendance, summary, needs, exports.

Who may do what: admins write; admins and viewers (department leadership) read; inspectors
and agency users get 403 on every page of the register.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from inspect_app.blueprints.jobs.start import start_job
from inspect_app.blueprints.training import bp
from inspect_app.blueprints.training.forms import (
    ActionForm,
    AttendanceForm,
    CourseFilterForm,
    CourseForm,
    ImportConfirmForm,
    ImportUploadForm,
    InviteForm,
    NeedsFilterForm,
    ParticipantForm,
    PeriodForm,
)
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Role, TrainingCourse, TrainingKind, TrainingParticipant
from inspect_app.permissions import roles_required
from inspect_app.services import agencies, imports, training, training_exports, training_import

READERS = (Role.ADMIN, Role.VIEWER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def load_course(course_id: int) -> TrainingCourse:
    course = db.session.get(TrainingCourse, course_id)
    if course is None:
        abort(404)
    return course


def load_participant(course: TrainingCourse, participant_id: int) -> TrainingParticipant:
    participant = db.session.get(TrainingParticipant, participant_id)
    if participant is None or participant.course_id != course.id:
        abort(404)
    return participant


def import_dir() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "imports"


def course_url(course: TrainingCourse) -> str:
    return url_for("training.detail", course_id=course.id)


def attempt(success: str, work, *args, **kwargs) -> tuple[bool, object]:
    """Call a service, commit and flash `success`; on a domain error roll back and say why."""
    try:
        result = work(*args, **kwargs)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return False, None
    db.session.commit()
    flash(success, "success")
    return True, result


def send_xlsx(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/")
@roles_required(*READERS)
def index():
    form = CourseFilterForm(formdata=request.args, years=training.course_years())
    courses = db.session.scalars(training.course_query(**form.filters())).all()
    counts = training.participant_counts([course.id for course in courses])
    return render_template("training/index.html", form=form, courses=courses, counts=counts)


@bp.route("/register.xlsx")
@roles_required(*READERS)
def register_xlsx():
    form = CourseFilterForm(formdata=request.args, years=training.course_years())
    filters = form.filters()
    kind = filters.get("kind")
    params = {"year": filters.get("year"), "kind": kind.value if kind else None}
    return start_job("export:training_register", {"filters": params})


def _save_course(form: CourseForm, course: TrainingCourse | None) -> TrainingCourse | None:
    try:
        if course is None:
            course = training.create_course(**form.values())
            training.invite_agencies(course, form.chosen_invitees())
        else:
            training.update_course(course, **form.values())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return None
    db.session.commit()
    flash(_("Đã lưu khóa đào tạo %(title)s.", title=course.title), "success")
    return course


@bp.route("/courses/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    invited = InviteForm(formdata=request.args).agency_ids()
    form = CourseForm(invitees=training.invitable_agencies(invited))
    if form.validate_on_submit() and (course := _save_course(form, None)):
        return redirect(course_url(course))
    return render_template("training/form.html", form=form, course=None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(course_id: int):
    course = load_course(course_id)
    form = CourseForm(course=course)
    if form.validate_on_submit() and _save_course(form, course):
        return redirect(course_url(course))
    return render_template("training/form.html", form=form, course=course)


def render_detail(course: TrainingCourse, participant_form: ParticipantForm | None = None):
    return render_template(
        "training/detail.html",
        course=course,
        participant_form=participant_form or ParticipantForm(course=course),
        attendance_form=AttendanceForm(course=course),
        action_form=ActionForm(),
        candidates=[
            a
            for a in agencies.active_agencies()
            if training.active_during(a, course.start_on, course.end_on)
        ],
    )


@bp.route("/courses/<int:course_id>")
@roles_required(*READERS)
def detail(course_id: int):
    return render_detail(load_course(course_id))


@bp.route("/courses/<int:course_id>/participants", methods=["POST"])
@roles_required(Role.ADMIN)
def add_participant(course_id: int):
    course = load_course(course_id)
    form = ParticipantForm(course=course)
    if form.validate_on_submit():
        ok, participant = attempt(
            _("Đã thêm học viên."), training.add_participant, course, **form.values()
        )
        if ok:
            return redirect(course_url(course) + "#participants")
    return render_detail(course, form), 422


@bp.route("/courses/<int:course_id>/participants/<int:participant_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_participant(course_id: int, participant_id: int):
    course = load_course(course_id)
    participant = load_participant(course, participant_id)
    if ActionForm().validate_on_submit():
        attempt(
            _("Đã xóa %(name)s khỏi danh sách học viên.", name=participant.name),
            training.remove_participant,
            participant,
        )
    return redirect(course_url(course) + "#participants")


@bp.route("/courses/<int:course_id>/attendance", methods=["POST"])
@roles_required(Role.ADMIN)
def attendance(course_id: int):
    course = load_course(course_id)
    form = AttendanceForm(course=course)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.present.errors) or _("Yêu cầu không hợp lệ."), "danger")
        return redirect(course_url(course) + "#participants")
    present = form.present_ids()
    attempt(
        _(
            "Đã ghi nhận điểm danh: %(n)d/%(total)d học viên có mặt.",
            n=len(present),
            total=len(course.participants),
        ),
        training.set_attendance,
        course,
        present,
    )
    return redirect(course_url(course) + "#participants")


@bp.route("/courses/<int:course_id>/attendance-sheet")
@roles_required(*READERS)
def attendance_sheet(course_id: int):
    course = load_course(course_id)
    return render_template("training/attendance_sheet.html", course=course)


@bp.route("/courses/<int:course_id>/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_upload(course_id: int):
    """Upload a participant list and show what importing it would do; nothing is written."""
    course = load_course(course_id)
    form = ImportUploadForm()
    result = token = None
    if form.validate_on_submit():
        data = form.file.data.read()
        result = training_import.read_participant_workbook(course, data)
        if result.ok:
            token = imports.stash_upload(data, import_dir())
    confirm = ImportConfirmForm(token=token) if token else None
    return render_template(
        "training/import.html", course=course, form=form, result=result, confirm=confirm
    )


@bp.route("/courses/<int:course_id>/import/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def import_confirm(course_id: int):
    """Apply the previewed list: every row, or none when anything changed meanwhile."""
    course = load_course(course_id)
    form = ImportConfirmForm()
    data = imports.load_stash(import_dir(), form.token.data) if form.validate() else None
    if data is None:
        flash(
            _("Không tìm thấy tệp đã tải lên hoặc tệp đã hết hạn. Vui lòng tải lên lại."), "danger"
        )
        return redirect(url_for("training.import_upload", course_id=course.id))
    imports.discard_stash(import_dir(), form.token.data)
    return start_job("import:participants", {"course_id": course.id}, upload=data)


@bp.route("/summary")
@roles_required(*READERS)
def summary():
    form = PeriodForm(formdata=request.args)
    first, last = form.period()
    return render_template(
        "training/summary.html",
        form=form,
        summary=training.summary(first, last),
        kinds=list(TrainingKind),
    )


def _needs(form: NeedsFilterForm) -> list[training.TrainingNeed]:
    return training.filter_needs(training.training_needs(date.today()), **form.filters())


@bp.route("/needs")
@roles_required(*READERS)
def needs():
    form = NeedsFilterForm(formdata=request.args)
    return render_template("training/needs.html", form=form, needs=_needs(form))


@bp.route("/needs.xlsx")
@roles_required(*READERS)
def needs_xlsx():
    form = NeedsFilterForm(formdata=request.args)
    title = _(
        "Danh sách cơ quan cần đào tạo về HTQLCL (ngày %(day)s)",
        day=date.today().strftime("%d/%m/%Y"),
    )
    return send_xlsx(training_exports.needs_xlsx(_needs(form), title), "nhu-cau-dao-tao.xlsx")
