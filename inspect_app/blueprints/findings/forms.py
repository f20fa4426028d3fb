"""Forms for findings, evidence uploads and the corrective-action thread."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from inspect_app import clock
from inspect_app.models import ChecklistItem, Inspection, Severity
from inspect_app.storage import ACCEPT, ALLOWED_EXTENSIONS
from inspect_app.web.forms import ChoiceField, DayField, options


class ChoiceRadio(RadioField):
    """Radio buttons whose tampered values get a Vietnamese message."""

    def pre_validate(self, form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_l("Giá trị đã chọn không hợp lệ."))


class FindingForm(FlaskForm):
    """Raise a finding; the view prefills it from the checklist item and its answer."""

    severity = ChoiceRadio(
        _l("Mức độ"),
        choices=options(Severity.choices()),
        default=Severity.MINOR.value,
    )
    requirement = StringField(
        _l("Yêu cầu / điều khoản không được đáp ứng"),
        validators=[Optional(), Length(max=255, message=_l("Tối đa 255 ký tự."))],
        render_kw={"placeholder": "7.5.3"},
    )
    description = TextAreaField(
        _l("Mô tả phát hiện"),
        validators=[
            DataRequired(_l("Vui lòng mô tả phát hiện.")),
            Length(max=10000, message=_l("Tối đa 10.000 ký tự.")),
        ],
    )
    corrective_action_required = TextAreaField(
        _l("Hành động khắc phục yêu cầu"),
        validators=[
            DataRequired(_l("Vui lòng nêu hành động khắc phục yêu cầu.")),
            Length(max=10000, message=_l("Tối đa 10.000 ký tự.")),
        ],
    )
    due_on = DayField(_l("Thời hạn khắc phục"))

    def validate_due_on(self, field) -> None:
        if field.data is None:
            if self.severity.data != Severity.OBSERVATION.value:
                raise ValidationError(_l("Vui lòng nhập thời hạn khắc phục (dd/mm/yyyy)."))
            return
        if field.data < clock.today():
            raise ValidationError(_l("Thời hạn khắc phục không được trước ngày hôm nay."))

    def values(self) -> dict:
        return {
            "severity": Severity(self.severity.data),
            "requirement": self.requirement.data or "",
            "description": self.description.data,
            "corrective_action_required": self.corrective_action_required.data,
            "due_on": self.due_on.data,
        }


class CloseFindingForm(FlaskForm):
    comment = TextAreaField(
        _l("Nhận xét khi xác minh"),
        validators=[Optional(), Length(max=5000, message=_l("Tối đa 5.000 ký tự."))],
    )


class ReopenFindingForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do mở lại"),
        validators=[
            DataRequired(_l("Vui lòng nêu lý do mở lại.")),
            Length(max=5000, message=_l("Tối đa 5.000 ký tự.")),
        ],
    )


class EvidenceUploadForm(FlaskForm):
    """One file for the inspection, optionally for one of its checklist items."""

    file = FileField(
        _l("Tệp bằng chứng"),
        validators=[
            FileRequired(_l("Vui lòng chọn tệp để tải lên.")),
            FileAllowed(
                list(ALLOWED_EXTENSIONS),
                _l(
                    "Chỉ nhận tệp PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument "
                    "(.odt, .ods) và ảnh JPG, PNG."
                ),
            ),
        ],
        render_kw={"accept": ACCEPT},
    )
    item = ChoiceField(_l("Nội dung kiểm tra (không bắt buộc)"), choices=[], default="")
    next = HiddenField()

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        items: list[ChecklistItem] = inspection.template.items if inspection.template else []
        self.items_by_code = {item.code: item for item in items}
        self.item.choices = options(
            [("", _l("— Cả cuộc kiểm tra —"))]
            + [(item.code, f"{item.code}. {_shorten(item.text)}") for item in items]
        )

    def chosen_item(self) -> ChecklistItem | None:
        return self.items_by_code.get(self.item.data or "")


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
