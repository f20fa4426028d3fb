"""Forms of the reports pages: the period, and the historical import upload."""

from __future__ import annotations

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
