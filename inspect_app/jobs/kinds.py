"""What each kind of job does: it calls the same services as the CLI and the pages.

A handler gets the Job and a JobContext, does its work through the services (which flush,
never commit) and returns an Outcome. A bad file raises JobFailed with every `row N: reason`;
the runner then rolls back, so nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Inspection, InspectionPlan, Job, TrainingCourse, User
from inspect_app.services import progress


class JobFailed(Exception):
    """The job cannot be done; `errors` are shown to its owner."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(slots=True)
class Outcome:
    summary: str = ""
    #: (file name in the job folder, download name)
    result: tuple[str, str] | None = None


@dataclass(slots=True)
class JobContext:
    folder: Path
    owner: User
    extra: dict = field(default_factory=dict)

    def input_path(self) -> Path:
        return self.folder / "input.xlsx"

    def output_path(self, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / name


Handler = Callable[[Job, JobContext], Outcome]
HANDLERS: dict[str, Handler] = {}
#: kinds a POST /api/v1/exports or /imports may name (others start from the pages).
API_EXPORTS = ("tallies", "findings", "inspections")
API_IMPORTS = ("agencies", "plan", "inspections", "participants")


def handler(kind: str):
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def _raise_errors(result) -> None:
    if not result.ok:
        raise JobFailed(result.errors)


def _domain(work, *args, **kwargs):
    """Run a service; its DomainError (one problem per line) fails the job."""
    try:
        return work(*args, **kwargs)
    except DomainError as exc:
        raise JobFailed(exc.message.splitlines()) from exc


# -- exports ----------------------------------------------------------------------------------


def _period(job: Job) -> tuple[int, int]:
    return int(job.params["from"]), int(job.params["to"])


def _row_total(*queries) -> int:
    return sum(db.session.scalar(select(func.count()).select_from(q.subquery())) for q in queries)


@handler("export:tallies")
def export_tallies(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.services.workbooks import tally_export

    first, last = _period(job)
    total = _row_total(
        tally_export.inspection_rows_query(first, last),
        tally_export.finding_rows_query(first, last),
    )
    progress.report("write", 0, total)
    name = tally_export.tally_filename(first, last)
    tally_export.write_tally_workbook(first, last, str(ctx.output_path("result.xlsx")))
    return Outcome(_("Đã tạo bảng tổng hợp %(a)d–%(b)d.", a=first, b=last), ("result.xlsx", name))


@handler("export:findings")
def export_findings(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.services import job_exports
    from inspect_app.services.workbooks import tally_export

    first, last = _period(job)
    progress.report("write", 0, _row_total(tally_export.finding_rows_query(first, last)))
    count = job_exports.write_findings_workbook(first, last, str(ctx.output_path("result.xlsx")))
    return Outcome(
        _("Đã xuất %(n)d phát hiện.", n=count),
        ("result.xlsx", f"phat-hien-{first}-{last}.xlsx"),
    )


@handler("export:inspections")
def export_inspections(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.services import job_exports

    first, last = _period(job)
    with open(ctx.output_path("result.csv"), "w", encoding="utf-8-sig", newline="") as fh:
        count = job_exports.write_inspections_csv(ctx.owner, first, last, fh)
    return Outcome(
        _("Đã xuất %(n)d cuộc kiểm tra.", n=count),
        ("result.csv", f"cuoc-kiem-tra-{first}-{last}.csv"),
    )


@handler("export:plan_annex")
def export_plan_annex(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.services.workbooks import plan_annex_export

    plan = db.session.get(
        InspectionPlan,
        job.params["plan_id"],
        options=[selectinload(InspectionPlan.inspections).selectinload(Inspection.agency)],
    )
    if plan is None:
        raise JobFailed([_("Kế hoạch không còn tồn tại.")])
    ctx.output_path("result.xlsx").write_bytes(plan_annex_export.annex_xlsx(plan))
    return Outcome(
        _("Đã tạo phụ lục kế hoạch năm %(year)d.", year=plan.year),
        ("result.xlsx", f"phu-luc-ke-hoach-{plan.year}.xlsx"),
    )


@handler("export:training_register")
def export_training_register(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.models import TrainingKind
    from inspect_app.services import training
    from inspect_app.services.workbooks import training_export

    filters = job.params.get("filters") or {}
    kind = filters.get("kind")
    courses = db.session.scalars(
        training.course_query(filters.get("year"), TrainingKind(kind) if kind else None)
    ).all()
    courses = sorted(courses, key=lambda c: (c.start_on, c.id))
    data = training_export.register_xlsx(courses, _("Sổ theo dõi các khóa đào tạo HTQLCL"))
    ctx.output_path("result.xlsx").write_bytes(data)
    return Outcome(
        _("Đã xuất %(n)d khóa đào tạo.", n=len(courses)), ("result.xlsx", "so-dao-tao.xlsx")
    )


# -- imports ----------------------------------------------------------------------------------


@handler("import:agencies")
def import_agencies(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.services.workbooks import agency_import

    result = agency_import.read_agency_workbook(ctx.input_path().read_bytes())
    _raise_errors(result)
    _domain(agency_import.apply_agency_import, result, today=clock.today())
    return Outcome(
        _(
            "Đã nhập: %(new)d cơ quan mới, %(updated)d cơ quan cập nhật, %(same)d không đổi.",
            new=result.new,
            updated=result.updated,
            same=result.unchanged,
        )
    )


@handler("import:plan")
def import_plan(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.services.workbooks import plan_import

    params = job.params
    result = plan_import.read_plan_workbook(ctx.input_path().read_bytes(), int(params["year"]))
    plan_import.check_plan_year(result)
    _raise_errors(result)
    signed_on = (
        _domain(plan_import.parse_signed_on, params["signed_on"])
        if params.get("signed_on")
        else None
    )
    plan = _domain(
        plan_import.apply_plan_import,
        result,
        decision_number=params.get("decision") or None,
        signed_on=signed_on,
        issuer=params.get("issuer") or plan_import.DEFAULT_ISSUER,
        by=ctx.owner,
    )
    db.session.flush()
    ctx.extra["link"] = f"/plans/{plan.id}"
    return Outcome(
        _(
            "Đã tạo kế hoạch năm %(year)d với %(n)d cuộc kiểm tra.",
            year=result.year,
            n=len(result.rows),
        )
    )


@handler("import:inspections")
def import_inspections(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.services.workbooks import history_import

    result = history_import.read_history_workbook(str(ctx.input_path()), progress=progress.report)
    _raise_errors(result)
    added = _domain(
        history_import.apply_history_import, result, by=ctx.owner, progress=progress.report
    )
    return Outcome(
        _(
            "Đã nhập %(added)d cuộc kiểm tra; %(same)d dòng đã có từ trước.",
            added=added,
            same=result.existing_rows,
        )
    )


@handler("import:participants")
def import_participants(job: Job, ctx: JobContext) -> Outcome:
    from inspect_app.services.workbooks import participant_import

    course = db.session.get(TrainingCourse, job.params["course_id"])
    if course is None:
        raise JobFailed([_("Khóa đào tạo không còn tồn tại.")])
    result = participant_import.read_participant_workbook(course, ctx.input_path().read_bytes())
    _raise_errors(result)
    added = _domain(participant_import.apply_participant_import, course, result)
    ctx.extra["link"] = f"/training/courses/{course.id}"
    return Outcome(_("Đã thêm %(n)d học viên.", n=len(added)))
