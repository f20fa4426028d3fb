"""The period of the reports and the department's documents: `?from=YEAR&to=YEAR`."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from inspect_app.services import tallies


class PeriodForm(FlaskForm):
    """`?from=YEAR&to=YEAR`, the same parameters as the API; checked by the tallies service."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    first = StringField(_l("Từ năm"), name="from", render_kw={"inputmode": "numeric"})
    last = StringField(_l("Đến năm"), name="to", render_kw={"inputmode": "numeric"})

    def validate_last(self, field) -> None:
        try:
            self.period = tallies.parse_period(self.first.data, field.data)
        except tallies.PeriodError as exc:
            raise ValidationError(exc.message) from None


def chosen_period() -> tuple[PeriodForm, tuple[int, int] | None]:
    """The period form read from the query string; the default period when none is given."""
    form = PeriodForm(formdata=request.args if request.args else None)
    if not request.args:
        form.first.data, form.last.data = (str(y) for y in tallies.default_period())
        return form, tallies.default_period()
    return form, (form.period if form.validate() else None)
