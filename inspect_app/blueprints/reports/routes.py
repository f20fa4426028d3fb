"""Reports: the yearly tallies with the report's paragraphs, the workbook, the history import."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from inspect_app.blueprints.jobs.start import start_job
from inspect_app.blueprints.reports import bp
from inspect_app.blueprints.reports.charts import bar_chart
from inspect_app.blueprints.reports.forms import (
    HistoryConfirmForm,
    HistoryUploadForm,
    PeriodForm,
)
from inspect_app.models import Conclusion, Role, Severity, TrainingKind
from inspect_app.permissions import roles_required
from inspect_app.services import history_import, imports, tallies

READERS = (Role.ADMIN, Role.VIEWER)
#: how many row errors the import preview lists before summarising the rest.
SHOWN_ERRORS = 200


def import_dir() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "imports"


def chosen_period() -> tuple[PeriodForm, tuple[int, int] | None]:
    """The period form read from the query string; the default period when none is given."""
    form = PeriodForm(formdata=request.args if request.args else None)
    if not request.args:
        form.first.data, form.last.data = (str(y) for y in tallies.default_period())
        return form, tallies.default_period()
    return form, (form.period if form.validate() else None)


@bp.route("/")
@roles_required(*READERS)
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
    )


@bp.route("/tallies.xlsx")
@roles_required(*READERS)
def export():
    """The tally workbook of the chosen period (contract 5.6)."""
    form, period = chosen_period()
    if period is None:
        for error in form.last.errors:
            flash(error, "danger")
        return redirect(url_for("reports.index"))
    return start_job("export:tallies", {"from": period[0], "to": period[1]})


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_upload():
    """Upload a history workbook and preview it (counts per year and mode, errors by row)."""
    form = HistoryUploadForm()
    result = confirm = None
    if form.validate_on_submit():
        data = form.file.data.read()
        result = history_import.read_history_workbook(data)
        if result.ok and result.new_rows:
            confirm = HistoryConfirmForm(token=imports.stash_upload(data, import_dir()))
    return render_template(
        "reports/import.html", form=form, result=result, confirm=confirm, shown=SHOWN_ERRORS
    )


@bp.route("/import/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def import_confirm():
    """Write the previewed workbook: every row, or none when anything changed meanwhile."""
    form = HistoryConfirmForm()
    data = imports.load_stash(import_dir(), form.token.data) if form.validate() else None
    if data is None:
        flash(
            _("Không tìm thấy tệp đã tải lên hoặc tệp đã hết hạn. Vui lòng tải lên lại."), "danger"
        )
        return redirect(url_for("reports.import_upload"))
    imports.discard_stash(import_dir(), form.token.data)
    return start_job("import:inspections", {}, upload=data)
