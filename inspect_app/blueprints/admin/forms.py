from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from inspect_app.models import Agency, Role
from inspect_app.models.user import HONORIFICS
from inspect_app.services.agencies import agency_by_code
from inspect_app.services.users import MIN_PASSWORD_LENGTH
from inspect_app.services.workbooks.agency_import import EMAIL_RE
from inspect_app.web.forms import ChoiceField, DayField, options, required

USERNAME_RULE = Regexp(
    r"^[A-Za-z0-9_.-]+$",
    message=_l("Tên đăng nhập chỉ gồm chữ không dấu, số và các ký tự . _ -"),
)
PASSWORD_RULE = Length(
    min=MIN_PASSWORD_LENGTH,
    max=256,
    message=_l("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH),
)


class ProfileFields(FlaskForm):
    honorific = ChoiceField(
        _l("Danh xưng"),
        choices=options([("", _l("(chưa ghi)")), *((word, word) for word in HONORIFICS)]),
        validators=[Optional()],
    )
    full_name = StringField(
        _l("Họ và tên"), validators=[required(_l("họ và tên")), Length(max=255)]
    )
    position = StringField(
        _l("Chức vụ"),
        validators=[Optional(), Length(max=255)],
    )
    email = StringField(
        _l("Email"),
        validators=[
            Optional(),
            Regexp(EMAIL_RE, message=_l("Email không hợp lệ.")),
            Length(max=255),
        ],
    )
    role = ChoiceField(_l("Vai trò"), choices=options((r.value, r.label) for r in Role))
    agency_code = StringField(
        _l("Mã cơ quan (chỉ cho vai trò cơ quan)"), validators=[Optional(), Length(max=32)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency: Agency | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problem = self._agency_problem()
        if problem:
            self.agency_code.errors = [*self.agency_code.errors, problem]
        return valid and problem is None

    def _agency_problem(self):
        """The role and the agency go together: only the agency role is bound to one."""
        code = (self.agency_code.data or "").strip()
        if self.role.data == Role.AGENCY.value and not code:
            return _l("Người dùng vai trò cơ quan phải gắn với một cơ quan.")
        if self.role.data != Role.AGENCY.value and code:
            return _l("Chỉ người dùng vai trò cơ quan mới gắn với cơ quan.")
        if code:
            self.agency = agency_by_code(code)
            if self.agency is None:
                return _l("Không có cơ quan mã %(code)s.", code=code)
            if not self.agency.is_active:
                return _l("Cơ quan này đã ngừng hoạt động.")
        return None


class UserCreateForm(ProfileFields):
    username = StringField(
        _l("Tên đăng nhập"),
        validators=[required(_l("tên đăng nhập")), Length(max=64), USERNAME_RULE],
    )
    password = PasswordField(_l("Mật khẩu ban đầu"), validators=[DataRequired(), PASSWORD_RULE])

    def validate_username(self, field) -> None:
        from sqlalchemy import select

        from inspect_app.extensions import db
        from inspect_app.models import User

        if db.session.scalar(select(User.id).where(User.username == field.data.strip())):
            raise ValidationError(_l("Tên đăng nhập đã tồn tại."))


class UserEditForm(ProfileFields):
    active = BooleanField(_l("Đang hoạt động"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(), PASSWORD_RULE])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user = StringField(_l("Người thực hiện"), validators=[Optional(), Length(max=64)])
    action = StringField(_l("Thao tác"), validators=[Optional(), Length(max=64)])
    object_type = SelectField(_l("Đối tượng"), validators=[Optional()], validate_choice=False)
    object_id = StringField(
        _l("Mã đối tượng"),
        validators=[Optional(), Regexp(r"^\d+$", message=_l("Mã đối tượng là một số."))],
    )
    since = DayField(_l("Từ ngày"), validators=[Optional()])
    until = DayField(_l("Đến ngày"), validators=[Optional()])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("“Đến ngày” phải sau “Từ ngày”."))
