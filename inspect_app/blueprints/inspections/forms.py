from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from inspect_app import clock
from inspect_app.models import Conclusion, ConflictResolution, InspectionMode, InspectionStatus
from inspect_app.web.forms import DayField, options


class ActionForm(FlaskForm):
    """A button that changes state: CSRF only."""


def not_in_future(_form, field) -> None:
    if field.data and field.data > clock.today():
        raise ValidationError(_l("Ngày không được ở tương lai."))


def not_in_past(_form, field) -> None:
    if field.data and field.data < clock.today():
        raise ValidationError(_l("Hạn không được trước ngày hôm nay."))


class DossierRequestForm(FlaskForm):
    dossier_request = TextAreaField(
        _l("Tài liệu yêu cầu cơ quan gửi"),
        validators=[DataRequired(_l("Cần nêu các tài liệu yêu cầu.")), Length(max=5000)],
    )
    dossier_due = DayField(
        _l("Hạn nộp hồ sơ"),
        validators=[InputRequired(_l("Cần nhập hạn nộp hồ sơ.")), not_in_past],
    )


class ConductedForm(FlaskForm):
    conducted_on = DayField(
        _l("Ngày kiểm tra"),
        validators=[InputRequired(_l("Cần nhập ngày kiểm tra.")), not_in_future],
    )


class ConcludeForm(FlaskForm):
    conducted_on = DayField(
        _l("Ngày kiểm tra"),
        validators=[InputRequired(_l("Cần nhập ngày kiểm tra.")), not_in_future],
    )
    conclusion = RadioField(
        _l("Kết luận"),
        choices=options((c.value, c.label) for c in Conclusion),
        validators=[InputRequired(_l("Cần chọn kết luận."))],
    )
    summary = TextAreaField(
        _l("Tóm tắt kết luận"),
        validators=[DataRequired(_l("Cần nhập nội dung tóm tắt kết luận.")), Length(max=10000)],
    )
    #: shown only while a team member's device reports unsent changes.
    confirm_unsent = BooleanField(
        _l("Vẫn kết luận, dù thiết bị của thành viên còn thay đổi chưa gửi")
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do"), validators=[DataRequired(_l("Cần nêu lý do.")), Length(max=2000)]
    )


class RecordDetailsForm(FlaskForm):
    record_number = StringField(_l("Số biên bản"), validators=[Optional(), Length(max=64)])
    agency_representatives = TextAreaField(
        _l("Đại diện cơ quan được kiểm tra (mỗi người một dòng)"),
        validators=[Optional(), Length(max=2000)],
    )


class ConflictForm(FlaskForm):
    resolution = RadioField(
        _l("Giữ giá trị"),
        choices=options(
            [
                (ConflictResolution.KEEP_SERVER.value, _l("Giữ giá trị trên máy chủ")),
                (ConflictResolution.TAKE_CLIENT.value, _l("Lấy giá trị nhập ngoại tuyến")),
            ]
        ),
        validators=[InputRequired(_l("Cần chọn giá trị giữ lại."))],
    )


#: the years a filter may name (those of plans).
FIRST_YEAR, LAST_YEAR = 1900, 2200


class InspectionFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Tìm cơ quan"), validators=[Optional(), Length(max=100)])
    year = SelectField(_l("Năm"), validators=[Optional()], validate_choice=False)

    def validate_year(self, field) -> None:
        text = field.data or ""
        if text and not (text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
            raise ValidationError(_l("Năm không hợp lệ."))
    status = SelectField(
        _l("Trạng thái"),
        choices=options([("", _l("Tất cả"))] + [(s.value, s.label) for s in InspectionStatus]),
        validators=[Optional()],
    )
    mode = SelectField(
        _l("Hình thức"),
        choices=options([("", _l("Tất cả"))] + [(m.value, m.label) for m in InspectionMode]),
        validators=[Optional()],
    )
