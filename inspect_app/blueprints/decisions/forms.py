"""Forms of the decisions register."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from inspect_app.models import Decision, DecisionKind
from inspect_app.services import decisions
from inspect_app.web.forms import ChoiceField, DayField, options, required


class DecisionFilterForm(FlaskForm):
    """The year filter of the list, read from the query string."""

    class Meta:
        csrf = False

    year = SelectField(_l("Năm"), choices=[], default="")

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = options([("", _l("Tất cả các năm"))] + [(y, str(y)) for y in years])

    def chosen_year(self) -> int | None:
        return int(self.year.data) if self.validate() and self.year.data else None


class DecisionForm(FlaskForm):
    """Create or edit a decision; pass the edited decision as `decision`."""

    number = StringField(
        _l("Số hiệu"),
        validators=[required(_l("số hiệu quyết định")), Length(max=64)],
        render_kw={"placeholder": "728/QĐ-UBND"},
    )
    signed_on = DayField(_l("Ngày ký"), validators=[required(_l("ngày ký"))])
    issuer = StringField(
        _l("Cơ quan ban hành"),
        validators=[required(_l("cơ quan ban hành")), Length(max=255)],
        render_kw={"placeholder": "UBND tỉnh Quảng Ngãi"},
    )
    kind = ChoiceField(
        _l("Loại quyết định"), choices=options(DecisionKind.choices()), default="other"
    )
    summary = TextAreaField(_l("Trích yếu"), validators=[Optional(), Length(max=5000)])
    file = FileField(_l("Bản scan quyết định (không bắt buộc)"))

    def __init__(self, *args, decision: Decision | None = None, **kwargs):
        super().__init__(*args, obj=decision, **kwargs)
        self.decision = decision
        if decision is not None and not self.is_submitted():
            self.kind.data = decision.kind.value

    def validate_signed_on(self, field) -> None:
        if not decisions.FIRST_YEAR <= field.data.year <= decisions.LAST_YEAR:
            raise ValidationError(
                _l("Năm ký phải từ %(a)d đến %(b)d.", a=decisions.FIRST_YEAR, b=decisions.LAST_YEAR)
            )

    def validate_number(self, field) -> None:
        signed_on, issuer = self.signed_on.data, (self.issuer.data or "").strip()
        if signed_on is None or not issuer:
            return  # the other fields report their own problem
        if decisions.find_duplicate(field.data, issuer, signed_on.year, self.decision):
            raise ValidationError(decisions.duplicate_message(field.data, issuer, signed_on.year))

    def values(self) -> dict:
        return {
            "number": self.number.data,
            "signed_on": self.signed_on.data,
            "issuer": self.issuer.data,
            "kind": DecisionKind(self.kind.data),
            "summary": self.summary.data or "",
        }
