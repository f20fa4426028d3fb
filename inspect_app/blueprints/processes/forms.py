"""The agency's own process catalogue: a new process, a newer version (CONTRACTS 5.11)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from inspect_app.services import regulations
from inspect_app.web.forms import ChoiceField, DayField, NumbersField, options, required


class VersionForm(FlaskForm):
    """Record a newer version of a process; pass the process to check the date."""

    issued_on = DayField(_l("Ngày ban hành"), validators=[required(_l("ngày ban hành"))])
    number = StringField(
        _l("Lần ban hành"), validators=[Optional(), Length(max=regulations.VERSION_MAX)]
    )
    bases = NumbersField(
        _l("Căn cứ pháp lý (số hiệu, cách nhau bởi dấu ;)"), validators=[Length(max=4000)]
    )
    file = FileField(_l("Tệp quy trình (không bắt buộc)"))

    def __init__(self, *args, process=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        if process is not None and not self.is_submitted():
            self.bases.data = "; ".join(doc.number for doc in process.legal_bases)

    def validate_issued_on(self, field) -> None:
        current = self.process.version_date if self.process is not None else None
        if field.data and current and field.data <= current:
            raise ValidationError(
                _l(
                    "Phiên bản mới phải có ngày ban hành sau %(day)s (phiên bản hiện hành).",
                    day=current.strftime("%d/%m/%Y"),
                )
            )


class ProcessForm(VersionForm):
    """Add a process to the agency's catalogue (its first version)."""

    code = StringField(
        _l("Mã quy trình"),
        validators=[required(_l("mã quy trình")), Length(max=regulations.CODE_MAX)],
        render_kw={"placeholder": "QT-01"},
    )
    name = StringField(
        _l("Tên quy trình"),
        validators=[required(_l("tên quy trình")), Length(max=regulations.NAME_MAX)],
    )
    procedure = ChoiceField(_l("Thủ tục hành chính được quy trình này giải quyết"), choices=[])

    def __init__(self, *args, agency, procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.procedure.choices = options(
            [("", _l("— Không gắn với TTHC —"))] + [(p.name_key, p.name) for p in procedures]
        )

    def validate_code(self, field) -> None:
        if regulations.find_process(self.agency, " ".join((field.data or "").split())):
            raise ValidationError(_l("Cơ quan đã có quy trình mã %(code)s.", code=field.data))
