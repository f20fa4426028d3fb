from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from inspect_app.services import throttle
from inspect_app.services.users import MIN_PASSWORD_LENGTH, authenticate


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=256)])
    #: a field laptop stays logged in across browser restarts, so unsent answers sync.
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))
    next = HiddenField()
    submit = SubmitField(_l("Đăng nhập"))

    def __init__(self, *args, ip: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.ip = ip or "unknown"
        self.user = None

    def validate(self, extra_validators=None) -> bool:
        """Check the throttle, then the credentials; every attempt is recorded."""
        if not super().validate(extra_validators):
            return False
        username = self.username.data
        if throttle.is_throttled(username, self.ip):
            self.password.errors.append(
                _l(
                    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)d phút.",
                    n=throttle.window_minutes(),
                )
            )
            return False
        self.user = authenticate(username, self.password.data)
        throttle.record_attempt(username, self.ip, self.user is not None)
        if self.user is None:
            # One neutral message: never tell which of the two was wrong.
            self.password.errors.append(_l("Tên đăng nhập hoặc mật khẩu không đúng."))
            return False
        return True


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired()])
    new = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=_l("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(), EqualTo("new", message=_l("Hai mật khẩu mới không khớp."))],
    )
