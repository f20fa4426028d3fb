"""Forms for editing the items of an unused checklist version."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from inspect_app.models import ChecklistItem, ChecklistTemplate
from inspect_app.services import checklists


class ActionForm(FlaskForm):
    """A button that changes something: CSRF only."""


def _length(limit: int):
    return Length(max=limit, message=_l("Tối đa %(n)d ký tự.", n=limit))


class ItemForm(FlaskForm):
    """Add or edit an item; pass the template and, when editing, the item."""

    code = StringField(
        _l("Mã nội dung"),
        validators=[
            DataRequired(_l("Vui lòng nhập mã nội dung (ví dụ A.7 hoặc 7.5.3).")),
            _length(16),
        ],
        render_kw={"placeholder": "7.5.3"},
    )
    group_code = StringField(
        _l("Mã nhóm"),
        validators=[DataRequired(_l("Vui lòng nhập mã nhóm (ví dụ A hoặc 7).")), _length(16)],
        render_kw={"list": "checklist-groups", "autocomplete": "off"},
    )
    #: not Optional(): its own validator must run when empty (a new group needs a title).
    group_title = StringField(_l("Tên nhóm"), validators=[_length(255)])
    group_title_en = StringField(_l("Tên nhóm (tiếng Anh)"), validators=[Optional(), _length(255)])
    text = TextAreaField(
        _l("Nội dung kiểm tra"),
        validators=[DataRequired(_l("Vui lòng nhập nội dung kiểm tra.")), _length(5000)],
    )
    text_en = TextAreaField(_l("Nội dung (tiếng Anh)"), validators=[Optional(), _length(5000)])
    guidance = TextAreaField(_l("Hướng dẫn kiểm tra"), validators=[Optional(), _length(5000)])
    position = IntegerField(
        _l("Thứ tự"),
        validators=[
            InputRequired(_l("Vui lòng nhập thứ tự (số nguyên).")),
            NumberRange(min=0, max=100000, message=_l("Thứ tự phải từ 0 đến 100.000.")),
        ],
    )

    def __init__(
        self, *args, template: ChecklistTemplate, item: ChecklistItem | None = None, **kwargs
    ):
        super().__init__(*args, obj=item, **kwargs)
        self.template = template
        self.item = item
        # IntegerField's own parse error is English; replace it with ours.
        if self.position.process_errors:
            self.position.process_errors = [_l("Thứ tự phải là một số nguyên.")]

    def validate_code(self, field) -> None:
        if checklists.code_taken(self.template, field.data, self.item):
            raise ValidationError(_l("Mã này đã có trong phiếu kiểm tra."))

    def validate_group_title(self, field) -> None:
        code = (self.group_code.data or "").strip()
        if (
            code
            and not (field.data or "").strip()
            and not checklists.group_title_of(self.template, code)
        ):
            raise ValidationError(_l("Nhóm mới cần có tên nhóm."))

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "code",
                "group_code",
                "group_title",
                "group_title_en",
                "text",
                "text_en",
                "guidance",
                "position",
            )
        }
