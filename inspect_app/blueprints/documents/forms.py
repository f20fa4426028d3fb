"""Forms of the document templates page: upload a template, go back to the shipped one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class TemplateUploadForm(FlaskForm):
    file = FileField(
        _l("Tệp mẫu Word (.docx)"),
        validators=[
            FileRequired(message=_l("Vui lòng chọn tệp .docx.")),
            FileAllowed(["docx"], message=_l("Chỉ nhận tệp Word .docx.")),
        ],
    )


class TemplateResetForm(FlaskForm):
    """Only the CSRF token: the button that returns to the shipped template."""
