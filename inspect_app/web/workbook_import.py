"""The one workbook-import flow of the pages: upload → preview → confirm.

Every import (agencies, a plan's annex, past inspections, a course's participants) is a
`WorkbookImport`: a pure reader (bytes in, rows and errors out), an applier (writes the
rows through the services, flushes, raises DomainError to refuse), a template and its
messages. The upload page reads the file, shows the preview and stashes the bytes under a
token; nothing is written. The confirmation reads the same bytes again and applies them in
one transaction: every row, or none when the data changed since the preview. Imports with
a `job_kind` hand the confirmed bytes to a job instead, which applies them the same way on
the queue and shows its progress (CONTRACTS 5.8).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import DataRequired, Regexp

from inspect_app.services.workbooks import upload_stash
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.jobs import start_job


class WorkbookUploadForm(FlaskForm):
    """The workbook to preview."""

    file = FileField(
        _l("Tệp Excel (.xlsx)"),
        validators=[
            FileRequired(message=_l("Vui lòng chọn tệp .xlsx.")),
            FileAllowed(["xlsx"], message=_l("Chỉ nhận tệp Excel .xlsx.")),
        ],
    )


class WorkbookConfirmForm(FlaskForm):
    """The token of the previewed upload, sent back by the confirm button."""

    token = HiddenField(
        validators=[
            DataRequired(message=_l("Thiếu mã tệp tải lên.")),
            Regexp(upload_stash.TOKEN_RE.pattern, message=_l("Mã tệp tải lên không hợp lệ.")),
        ]
    )


def stash_dir() -> Path:
    """Where previewed uploads wait for their confirmation."""
    return Path(current_app.config["INSTANCE_DIR"]) / "imports"


class WorkbookImport:
    """One import's reader, applier, template and messages; subclasses fill them in.

    `read(data, form)` gets the upload form on the preview and the confirm form on the
    confirmation (forms that carry options, like a plan's year, give them to both).
    """

    #: the page with the upload form, the preview and the confirm button.
    template: str
    #: the endpoint of the upload page (an expired token sends the user back there).
    upload_endpoint: str
    upload_form: type[WorkbookUploadForm] = WorkbookUploadForm
    confirm_form: type[WorkbookConfirmForm] = WorkbookConfirmForm
    #: the job kind that applies a confirmed upload on the queue (CONTRACTS 5.8); None:
    #: applied inside the request.
    job_kind: str | None = None
    #: flashed when the applier refuses what the preview accepted; None: the refusal's message.
    stale_message: str | None = _l(
        "Dữ liệu đã thay đổi từ lúc xem trước; chưa ghi gì. Hãy xem các lỗi bên dưới."
    )

    def read(self, data: bytes, form: FlaskForm) -> Any:
        raise NotImplementedError

    def apply(self, result: Any, form: WorkbookConfirmForm) -> Any:
        raise NotImplementedError

    def finish(self, result: Any, applied: Any) -> Response:
        """After the commit: say what was written and go where it can be seen."""
        raise NotImplementedError

    def job_params(self, form: WorkbookConfirmForm) -> dict:
        """The options the job needs besides the file (a plan's year, a course)."""
        return {}

    def can_confirm(self, result: Any) -> bool:
        return result.ok

    def prefill(self, form: WorkbookUploadForm) -> None:
        """Defaults of the upload form's options, on the first visit."""

    def carried(self, form: WorkbookUploadForm) -> dict:
        """The upload form's options that the confirm form carries (hidden fields)."""
        return {}

    def context(self) -> dict:
        """What the template needs besides the forms and the result."""
        return {}

    def upload_url(self) -> str:
        return url_for(self.upload_endpoint, **(request.view_args or {}))

    def page(self, form: WorkbookUploadForm, result: Any = None, confirm=None) -> str:
        return render_template(
            self.template, form=form, result=result, confirm=confirm, **self.context()
        )

    def upload(self) -> str:
        """The upload page: read the file and show what importing it would do; write nothing."""
        form = self.upload_form()
        if request.method == "GET":
            self.prefill(form)
        result = confirm = None
        if form.validate_on_submit():
            data = form.file.data.read()
            result = self.read(data, form)
            if self.can_confirm(result):
                token = upload_stash.stash(data, stash_dir())
                confirm = self.confirm_form(token=token, **self.carried(form))
        return self.page(form, result, confirm)

    def confirm(self) -> Response | str:
        """Apply the previewed upload: every row, or none when anything changed meanwhile."""
        form = self.confirm_form()
        data = upload_stash.load(stash_dir(), form.token.data) if form.validate() else None
        if data is None:
            flash(
                _("Không tìm thấy tệp đã tải lên hoặc tệp đã hết hạn. Vui lòng tải lên lại."),
                "danger",
            )
            return redirect(self.upload_url())
        if self.job_kind is not None:
            upload_stash.discard(stash_dir(), form.token.data)
            return start_job(self.job_kind, self.job_params(form), upload=data)
        result = self.read(data, form)
        with unit_of_work(message=self.stale_message) as work:
            applied = self.apply(result, form)
        if not work.ok:
            return self.page(self.upload_form(), result)
        upload_stash.discard(stash_dir(), form.token.data)
        return self.finish(result, applied)
