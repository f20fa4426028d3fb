"""Reports: the yearly tallies with the report's paragraphs, the workbook, the history import."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.blueprints.reports import bp
from inspect_app.blueprints.reports.charts import bar_chart
from inspect_app.models import Conclusion, Role, Severity, TrainingKind
from inspect_app.permissions import DEPARTMENT_ROLES, roles_required
from inspect_app.services import finding_kpis, tallies
from inspect_app.services.workbooks import history_import
from inspect_app.web.jobs import start_job
from inspect_app.web.periods import chosen_period
from inspect_app.web.workbook_import import WorkbookImport

#: how many row errors the import preview lists before summarising the rest.
SHOWN_ERRORS = 200


@bp.route("/")
@roles_required(*DEPARTMENT_ROLES)
def index():
    form, period = chosen_period()
    if period is None:
        return render_template("reports/index.html", form=form, report=None), 400
    report = tallies.tally_report(*period)
    return render_template(
        "reports/index.html",
        form=form,
        report=report,
        chart=bar_chart(report["years"]),
        inspection_text=tallies.inspection_paragraph(report),
        training_text=tallies.training_paragraph(report),
        conclusion_labels=Conclusion.choices(),
        severity_labels=Severity.choices(),
        training_labels=TrainingKind.choices(),
        kpis=finding_kpis.kpis(*period),
    )


@bp.route("/tallies.xlsx")
@roles_required(*DEPARTMENT_ROLES)
def export():
    """The tally workbook of the chosen period (CONTRACTS 5.6)."""
    form, period = chosen_period()
    if period is None:
        for error in form.last.errors:
            flash(error, "danger")
        return redirect(url_for("reports.index"))
    return start_job("export:tallies", {"from": period[0], "to": period[1]})


class HistoryImport(WorkbookImport):
    """Concluded inspections of past years from a workbook (CONTRACTS 5.5)."""

    template = "reports/import.html"
    upload_endpoint = "reports.import_upload"
    job_kind = "import:inspections"
    stale_message = _l("Dữ liệu đã thay đổi từ lúc xem trước; chưa ghi gì. Hãy xem các lỗi.")

    def context(self):
        return {"shown": SHOWN_ERRORS}

    def can_confirm(self, result):
        return result.ok and result.new_rows

    def read(self, data, form):
        return history_import.read_history_workbook(data)

    def apply(self, result, form):
        return history_import.apply_history_import(result, by=current_user)

    def finish(self, result, added):
        """Say what was added and open the tallies of the years it touched."""
        flash(
            _(
                "Đã nhập %(n)d cuộc kiểm tra (%(agencies)d cơ quan mới, "
                "%(same)d dòng đã có từ trước).",
                n=added,
                agencies=len(result.new_agencies),
                same=result.existing_rows,
            ),
            "success",
        )
        years = [row["year"] for row in result.counts()]
        last = max(years)
        first = max(min(years), last - tallies.MAX_SPAN + 1)
        return redirect(url_for("reports.index", **{"from": first, "to": last}))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_upload():
    """Upload a history workbook and preview it (counts per year and mode, errors by row)."""
    return HistoryImport().upload()


@bp.route("/import/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def import_confirm():
    """Write the previewed workbook: every row, or none when anything changed meanwhile."""
    return HistoryImport().confirm()
