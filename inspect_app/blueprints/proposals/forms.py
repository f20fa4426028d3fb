"""Forms of the plan proposal: filters, the admin's lines, the weights and thresholds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, HiddenField, IntegerField, StringField, SubmitField
from wtforms.fields import FieldList, FormField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from inspect_app.models import AgencyLevel, InspectionMode
from inspect_app.services import plan_proposal
from inspect_app.web.forms import ChoiceField, options

QUARTER_LABELS = {1: _l("Quý I"), 2: _l("Quý II"), 3: _l("Quý III"), 4: _l("Quý IV")}
QUARTER_CHOICES = list(QUARTER_LABELS.items())


class WholeNumberField(IntegerField):
    """An integer typed by a person: a Vietnamese message for anything else."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist and valuelist[0] is not None else ""
        if not text:
            self.data = None
            return
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(_l("“%(text)s” không phải là số nguyên.", text=text)) from None


class ProposalFilterForm(FlaskForm):
    """Year and filters of the proposal page, read from the query string."""

    class Meta:
        csrf = False

    year = WholeNumberField(_l("Năm kế hoạch"), validators=[Optional()])
    level = ChoiceField(_l("Cấp"), choices=[], default="")
    mode = ChoiceField(_l("Hình thức"), choices=[], default="")
    show = ChoiceField(_l("Hiển thị"), choices=[], default="")
    reason = ChoiceField(_l("Lý do"), choices=[], default="")
    compare = ChoiceField(_l("So sánh với kế hoạch đã thực hiện"), choices=[], default="")
    q = StringField(_l("Tìm cơ quan"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = ("", _l("Tất cả"))
        self.level.choices = options([every] + AgencyLevel.choices())
        self.mode.choices = options([every] + InspectionMode.choices())
        self.show.choices = options(
            [
                every,
                ("selected", _l("Được đề xuất")),
                ("unselected", _l("Không được đề xuất")),
                ("coverage", _l("Đến hạn theo quy tắc bao phủ")),
                ("adjusted", _l("Đã điều chỉnh")),
            ]
        )
        self.reason.choices = options([every] + [(r.code, r.label) for r in plan_proposal.REASONS])
        self.compare.choices = options(
            [
                every,
                ("both", _l("Có trong cả hai")),
                ("only_proposed", _l("Chỉ có trong đề xuất")),
            ]
        )

    def filters(self) -> dict[str, str]:
        """The valid filters; a tampered value is ignored."""
        self.validate()
        names = ("level", "mode", "show", "reason", "compare")
        chosen = {
            name: getattr(self, name).data for name in names if not getattr(self, name).errors
        }
        chosen["q"] = (self.q.data or "").strip()
        return {name: value for name, value in chosen.items() if value}


class LineForm(Form):
    """One agency's line as the admin left it."""

    agency_id = HiddenField()
    selected = BooleanField(_l("Đưa vào kế hoạch"))
    mode = ChoiceField(_l("Hình thức"), choices=options(InspectionMode.choices()))
    quarter = ChoiceField(_l("Quý"), choices=options(QUARTER_CHOICES))

    def validate_agency_id(self, field) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError(_l("Giá trị đã chọn không hợp lệ."))


class ProposalLinesForm(FlaskForm):
    """The page's lines, saved together; or the whole proposal made into the draft plan."""

    lines = FieldList(FormField(LineForm))
    replace = BooleanField(_l("Thay thế dự thảo kế hoạch đã có của năm này"))
    save = SubmitField(_l("Lưu thay đổi"))
    create = SubmitField(_l("Tạo kế hoạch dự thảo"))
    reset = SubmitField(_l("Bỏ mọi điều chỉnh"))

    def changes(self) -> list[tuple[int, bool, InspectionMode, int]]:
        return [
            (
                int(line.agency_id.data),
                bool(line.selected.data),
                InspectionMode(line.mode.data),
                int(line.quarter.data),
            )
            for line in (entry.form for entry in self.lines)
        ]


def settings_form(values: dict[str, int]) -> FlaskForm:
    """A form with one whole-number field per setting, filled with the current values."""

    class SettingsForm(FlaskForm):
        submit = SubmitField(_l("Lưu thiết lập"))

    for spec in plan_proposal.setting_specs():
        field = WholeNumberField(
            spec.label,
            validators=[
                InputRequired(message=_l("Vui lòng nhập một số.")),
                NumberRange(
                    min=spec.minimum,
                    max=spec.maximum,
                    message=_l(
                        "Phải là số nguyên từ %(lo)d đến %(hi)d.", lo=spec.minimum, hi=spec.maximum
                    ),
                ),
            ],
            description=spec.help,
        )
        setattr(SettingsForm, spec.key, field)
    form = SettingsForm(data=values)
    form.specs = plan_proposal.setting_specs()
    return form
