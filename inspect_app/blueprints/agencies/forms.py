"""Forms of the agency register; every rule of the input lives here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from inspect_app.models import Agency, AgencyLevel
from inspect_app.models.base import search_key
from inspect_app.services import agencies
from inspect_app.services.workbooks.agency_import import EMAIL_RE
from inspect_app.web.forms import ChoiceField, DayField, options, required

EMAIL_PATTERN = EMAIL_RE.pattern


class AgencySearchForm(FlaskForm):
    """The list's search box and filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Tìm theo tên hoặc mã"), validators=[Optional(), Length(max=255)])
    level = SelectField(
        _l("Cấp"),
        choices=options([("", _l("Tất cả các cấp")), *AgencyLevel.choices()]),
        default="",
    )
    active = SelectField(
        _l("Tình trạng"),
        choices=options(
            [
                ("", _l("Tất cả")),
                ("active", _l("Đang hoạt động")),
                ("inactive", _l("Đã ngừng hoạt động")),
            ]
        ),
        default="",
    )
    iso = SelectField(
        _l("Công bố HTQLCL"),
        choices=options(
            [
                ("", _l("Tất cả")),
                ("yes", _l("Đã công bố (đã tiếp nhận)")),
                ("no", _l("Chưa công bố")),
            ]
        ),
        default="",
    )

    def filters(self) -> dict:
        """The chosen filters as arguments of services.agencies.search_agencies."""
        valid = self.validate()
        level = self.level.data if valid and self.level.data else None
        return {
            "text": (self.q.data or "") if valid else "",
            "level": AgencyLevel(level) if level else None,
            "active": {"active": True, "inactive": False}.get(self.active.data or ""),
            "announced": {"yes": True, "no": False}.get(self.iso.data or ""),
        }


class AgencyForm(FlaskForm):
    """Create or edit an agency; pass the edited agency as `agency`."""

    code = StringField(_l("Mã cơ quan"), validators=[required(_l("mã cơ quan")), Length(max=32)])
    name = StringField(_l("Tên cơ quan"), validators=[required(_l("tên cơ quan")), Length(max=255)])
    level = ChoiceField(_l("Cấp"), choices=options(AgencyLevel.choices()), default="provincial")
    parent_code = StringField(
        _l("Mã cơ quan cấp trên"),
        validators=[Optional(), Length(max=32)],
        render_kw={"list": "parent-candidates", "autocomplete": "off"},
    )
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=500)])
    active_from = DayField(_l("Ngày bắt đầu hoạt động"), validators=[Optional()])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, agency: Agency | None = None, **kwargs):
        super().__init__(*args, obj=agency, **kwargs)
        self.agency = agency
        self.parent: Agency | None = None
        if agency is not None and not self.is_submitted():
            self.parent_code.data = agency.parent.code if agency.parent else ""
            self.level.data = agency.level.value

    def validate_code(self, field) -> None:
        if agencies.code_taken(field.data, self.agency):
            raise ValidationError(_l("Mã cơ quan này đã được dùng cho cơ quan khác."))

    def validate_parent_code(self, field) -> None:
        self.parent = None
        if not (field.data or "").strip():
            return
        parent = agencies.agency_by_code(field.data)
        if parent is None:
            raise ValidationError(_l("Không có cơ quan nào mang mã này."))
        if self.level.data not in {level.value for level in AgencyLevel}:
            return
        problem = agencies.parent_problem(self.agency, parent, AgencyLevel(self.level.data))
        if problem:
            raise ValidationError(problem)
        self.parent = parent

    def validate_active_from(self, field) -> None:
        agency = self.agency
        if field.data and agency is not None and agency.active_to and field.data > agency.active_to:
            raise ValidationError(_l("Ngày bắt đầu hoạt động phải trước ngày ngừng hoạt động."))

    def values(self) -> dict:
        """The cleaned input, as keyword arguments of the create/update services."""
        return {
            "code": self.code.data,
            "name": self.name.data,
            "level": AgencyLevel(self.level.data),
            "parent": self.parent,
            "address": self.address.data,
            "active_from": self.active_from.data,
            "note": self.note.data,
        }


class DeactivateForm(FlaskForm):
    last_day = DayField(
        _l("Ngày cuối cùng hoạt động"), validators=[required(_l("ngày cuối cùng hoạt động"))]
    )

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency

    def validate_last_day(self, field) -> None:
        if not self.agency.is_active:
            raise ValidationError(_l("Cơ quan này đã ngừng hoạt động."))
        if self.agency.active_from and field.data < self.agency.active_from:
            raise ValidationError(_l("Ngày này phải sau ngày bắt đầu hoạt động của cơ quan."))


class MergeForm(FlaskForm):
    into_code = StringField(
        _l("Mã cơ quan tiếp nhận"),
        validators=[required(_l("mã cơ quan tiếp nhận")), Length(max=32)],
        render_kw={"list": "merge-candidates", "autocomplete": "off"},
    )
    merged_on = DayField(_l("Sáp nhập từ ngày"), validators=[required(_l("ngày sáp nhập"))])

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.into: Agency | None = None

    def validate_into_code(self, field) -> None:
        into = agencies.agency_by_code(field.data)
        if into is None:
            raise ValidationError(_l("Không có cơ quan nào mang mã này."))
        if into.id == self.agency.id:
            raise ValidationError(_l("Không thể sáp nhập một cơ quan vào chính nó."))
        if not into.is_active:
            raise ValidationError(_l("Cơ quan tiếp nhận đã ngừng hoạt động."))
        self.into = into

    def validate_merged_on(self, field) -> None:
        if not self.agency.is_active:
            raise ValidationError(_l("Cơ quan này đã ngừng hoạt động."))
        if self.agency.active_from and field.data <= self.agency.active_from:
            raise ValidationError(_l("Ngày sáp nhập phải sau ngày bắt đầu hoạt động của cơ quan."))
        if self.into is not None and not self.into.is_active_on(field.data):
            raise ValidationError(_l("Cơ quan tiếp nhận chưa hoạt động vào ngày này."))


class OfficerForm(FlaskForm):
    """A new ISO officer (or new contacts of the current one)."""

    name = StringField(_l("Họ và tên"), validators=[required(_l("họ và tên")), Length(max=255)])
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=255)])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=64)])
    email = StringField(
        _l("Email"),
        validators=[
            Optional(),
            Length(max=255),
            Regexp(EMAIL_PATTERN, message=_l("Địa chỉ email không hợp lệ.")),
        ],
    )
    since = DayField(_l("Phụ trách từ ngày"), validators=[required(_l("ngày bắt đầu"))])
    part_time = BooleanField(_l("Kiêm nhiệm"), default=True)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency

    def validate_since(self, field) -> None:
        current = self.agency.current_officer
        same_person = current is not None and search_key(current.name) == search_key(self.name.data)
        if current is not None and not same_person and field.data < current.since:
            raise ValidationError(
                _l("Ngày bắt đầu không được trước ngày bắt đầu của cán bộ hiện tại.")
            )

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "position": self.position.data,
            "phone": self.phone.data,
            "email": self.email.data,
            "since": self.since.data,
            "part_time": self.part_time.data,
        }
