"""Forms of the conformity register and of the department's acknowledgement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from inspect_app.models import AgencyLevel
from inspect_app.services.conformity import REGISTER_STATUSES, RegisterFilters
from inspect_app.web.forms import ChoiceField, options


class RegisterSearchForm(FlaskForm):
    """The public register's search box and filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Tìm theo tên hoặc mã cơ quan"),
        validators=[Optional(), Length(max=255, message=_l("Tối đa 255 ký tự."))],
    )
    level = ChoiceField(
        _l("Cấp"),
        choices=options([("", _l("Tất cả các cấp"))] + AgencyLevel.choices()),
        default="",
    )
    status = ChoiceField(
        _l("Tình trạng công bố"),
        choices=options([("", _l("Tất cả"))] + list(REGISTER_STATUSES.items())),
        default="",
    )

    def filters(self) -> RegisterFilters:
        """The valid filters; a tampered field is left out (its error is shown)."""
        return RegisterFilters(
            q="" if self.q.errors else (self.q.data or "").strip(),
            level="" if self.level.errors else (self.level.data or ""),
            status="" if self.status.errors else (self.status.data or ""),
        )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do trả lại"),
        validators=[
            DataRequired(_l("Vui lòng nêu lý do trả lại.")),
            Length(max=5000, message=_l("Tối đa 5.000 ký tự.")),
        ],
    )
