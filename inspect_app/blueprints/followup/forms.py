"""Forms of the follow-up pages: register filters, account settings, feed, resend."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from inspect_app.models import AgencyLevel, FindingStatus, Severity
from inspect_app.services import mail
from inspect_app.web.forms import ChoiceField, options


def _all(pairs) -> list:
    return options([("", _l("Tất cả"))] + list(pairs))


class RegisterFilterForm(FlaskForm):
    """The findings register's filters, read from the query string."""

    class Meta:
        csrf = False

    year = ChoiceField(_l("Năm"), validators=[Optional()])
    agency = StringField(_l("Mã cơ quan"), validators=[Optional(), Length(max=32)])
    level = ChoiceField(_l("Cấp"), choices=_all(AgencyLevel.choices()), validators=[Optional()])
    severity = ChoiceField(_l("Mức độ"), choices=_all(Severity.choices()), validators=[Optional()])
    status = ChoiceField(
        _l("Trạng thái"),
        choices=_all([*FindingStatus.choices(), ("not_closed", _l("Chưa đóng"))]),
        validators=[Optional()],
    )
    overdue = BooleanField(_l("Chỉ những phát hiện quá hạn"), false_values=("", "0", "false"))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = _all((str(y), str(y)) for y in years)


class AccountForm(FlaskForm):
    email = StringField(_l("Địa chỉ thư điện tử"), validators=[Optional(), Length(max=255)])
    email_reminders = BooleanField(_l("Nhận thư nhắc việc (hạn nộp hồ sơ, hạn khắc phục)"))
    save = SubmitField(_l("Lưu"))

    def validate_email(self, field) -> None:
        if field.data and not mail.is_valid_address(field.data):
            raise ValidationError(_l("Địa chỉ thư điện tử không hợp lệ."))


class CalendarFeedForm(FlaskForm):
    create = SubmitField(_l("Tạo địa chỉ lịch mới"))
    revoke = SubmitField(_l("Thu hồi địa chỉ lịch"))


class ResendForm(FlaskForm):
    """Put a failed message back in the queue (no fields: the CSRF token is the point)."""
