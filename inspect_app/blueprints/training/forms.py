"""Forms of the training register; every rule of the input lives here or in the service."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Decision,
    TrainingCourse,
    TrainingKind,
)
from inspect_app.services import training
from inspect_app.services.bounds import MAX_PAGE, row_id, row_ids
from inspect_app.services.workbooks.plan_import import DEFAULT_ISSUER
from inspect_app.web.forms import ChoiceField, DayField, options, required

YEAR_RANGE = NumberRange(min=1990, max=2200, message=_l("Năm phải từ 1990 đến 2200."))


class YearField(IntegerField):
    """A year typed as four digits, with a Vietnamese error for anything else."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.isdigit()):
            self.data = None
            raise ValueError(_l("Năm phải là một số, ví dụ 2020."))
        self.data = int(text)


def decision_label(decision: Decision) -> str:
    return f"{decision.number} ({decision.signed_on:%d/%m/%Y}, {decision.issuer})"


def agency_label(agency: Agency) -> str:
    return f"{agency.name} ({agency.code}, {agency.level.label})"


class CourseFilterForm(FlaskForm):
    """The year and kind filters of the list, read from the query string."""

    class Meta:
        csrf = False

    year = SelectField(_l("Năm"), choices=[], default="")
    kind = SelectField(
        _l("Loại khóa"),
        choices=options([("", _l("Tất cả các loại")), *TrainingKind.choices()]),
        default="",
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = options([("", _l("Tất cả các năm"))] + [(y, str(y)) for y in years])

    def filters(self) -> dict:
        """The chosen year and kind as arguments of services.training.course_query."""
        if not self.validate():
            return {"year": None, "kind": None}
        return {
            "year": int(self.year.data) if self.year.data else None,
            "kind": TrainingKind(self.kind.data) if self.kind.data else None,
        }


class CourseForm(FlaskForm):
    """Create or edit a course; pass the edited course, or the agencies to invite."""

    kind = ChoiceField(
        _l("Loại khóa"), choices=options(TrainingKind.choices()), default="maintain_improve"
    )
    title = StringField(
        _l("Tên khóa đào tạo"), validators=[required(_l("tên khóa đào tạo")), Length(max=500)]
    )
    start_on = DayField(_l("Từ ngày"), validators=[required(_l("ngày bắt đầu"))])
    end_on = DayField(_l("Đến ngày"), validators=[required(_l("ngày kết thúc"))])
    location = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=255)])
    organizer = StringField(
        _l("Đơn vị tổ chức"), validators=[Optional(), Length(max=255)], default=DEFAULT_ISSUER
    )
    trainers = TextAreaField(_l("Giảng viên"), validators=[Optional(), Length(max=5000)])
    audience_level = ChoiceField(
        _l("Đối tượng (cấp cơ quan)"),
        choices=options([("", _l("Mọi cấp")), *AgencyLevel.choices()]),
        default="",
    )
    decision_id = ChoiceField(_l("Quyết định phê duyệt (nếu có)"), choices=[], default="")
    invite = SelectMultipleField(
        _l("Mời các cơ quan"),
        choices=[],
        default=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(
        self,
        *args,
        course: TrainingCourse | None = None,
        invitees: list[Agency] = (),
        **kwargs,
    ):
        super().__init__(*args, obj=course, **kwargs)
        self.course = course
        self.decision: Decision | None = None
        self.decision_id.choices = options(
            [("", _l("— Không có —"))]
            + [(d.id, decision_label(d)) for d in training.decision_choices()]
        )
        if course is not None:
            del self.invite
            if not self.is_submitted():
                self.kind.data = course.kind.value
                self.audience_level.data = (
                    course.audience_level.value if course.audience_level else ""
                )
                self.decision_id.data = str(course.decision_id or "")
            return
        if self.is_submitted():
            ids = row_ids(self.invite.data)
            invitees = training.invitable_agencies(ids)
        self.invitees = {str(a.id): a for a in invitees}
        self.invite.choices = options((a.id, agency_label(a)) for a in invitees)
        if not self.is_submitted():
            self.invite.data = list(self.invitees)

    def validate_end_on(self, field) -> None:
        start = self.start_on.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("Ngày kết thúc không được trước ngày bắt đầu."))

    def validate_decision_id(self, field) -> None:
        number = row_id(field.data)
        self.decision = db.session.get(Decision, number) if number is not None else None

    def validate_invite(self, field) -> None:
        if any(value not in self.invitees for value in field.data or []):
            raise ValidationError(_l("Chỉ mời được cơ quan đang hoạt động."))
        start, end = self.start_on.data, self.end_on.data
        if start and end:
            inactive = [
                self.invitees[v].name
                for v in field.data or []
                if not training.active_during(self.invitees[v], start, end)
            ]
            if inactive:
                raise ValidationError(
                    _l(
                        "Cơ quan không hoạt động trong thời gian của khóa: %(names)s.",
                        names=", ".join(inactive),
                    )
                )

    def values(self) -> dict:
        """The cleaned input, as keyword arguments of create_course / update_course."""
        return {
            "title": self.title.data,
            "kind": TrainingKind(self.kind.data),
            "start_on": self.start_on.data,
            "end_on": self.end_on.data,
            "location": self.location.data,
            "organizer": self.organizer.data,
            "trainers": self.trainers.data,
            "audience_level": AgencyLevel(self.audience_level.data)
            if self.audience_level.data
            else None,
            "decision": self.decision,
        }

    def chosen_invitees(self) -> list[Agency]:
        if not hasattr(self, "invitees"):
            return []
        chosen = set(self.invite.data or [])
        return [agency for key, agency in self.invitees.items() if key in chosen]


class InviteForm(FlaskForm):
    """The agencies ticked on the needs list (query string of the new-course form)."""

    class Meta:
        csrf = False

    agency = SelectMultipleField(choices=[], default=[], validate_choice=False)

    def agency_ids(self) -> list[int]:
        return row_ids(self.agency.data)[:2000]


class ParticipantForm(FlaskForm):
    """Add one person by hand: agency (code or name, picked from a list), name, position."""

    agency_ref = StringField(
        _l("Cơ quan"),
        validators=[required(_l("cơ quan")), Length(max=255)],
        render_kw={"list": "agency-candidates", "autocomplete": "off"},
    )
    name = StringField(_l("Họ và tên"), validators=[required(_l("họ và tên")), Length(max=255)])
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=255)])

    def __init__(self, *args, course: TrainingCourse, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        self.agency: Agency | None = None

    def validate_agency_ref(self, field) -> None:
        agency, problem = training.find_agency(field.data, self.course.start_on, self.course.end_on)
        if problem:
            raise ValidationError(problem[0].upper() + problem[1:])
        self.agency = agency

    def validate_name(self, field) -> None:
        name = (field.data or "").strip()
        duplicate = self.agency is not None and name
        if duplicate and training.find_participant(self.course, self.agency, name) is not None:
            raise ValidationError(training.duplicate_message(name, self.agency))

    def values(self) -> dict:
        return {"agency": self.agency, "name": self.name.data, "position": self.position.data}


class AttendanceForm(FlaskForm):
    """The ticked participants of a course are present; the others are not."""

    present = SelectMultipleField(choices=[], default=[], validate_choice=False)
    #: the participants the page showed (one page of a long list); absent means all of them.
    shown = SelectMultipleField(choices=[], default=[], validate_choice=False)
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)])

    def __init__(self, *args, course: TrainingCourse, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course

    def _check_participants(self, field) -> None:
        known = {str(p.id) for p in self.course.participants}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Học viên đã chọn không thuộc khóa đào tạo này."))

    validate_present = validate_shown = _check_participants

    def present_ids(self) -> set[int]:
        return {int(value) for value in self.present.data or []}

    def shown_ids(self) -> set[int] | None:
        return {int(value) for value in self.shown.data} if self.shown.data else None


class ActionForm(FlaskForm):
    """A button that changes state (remove a participant): only the CSRF token."""


class PeriodForm(FlaskForm):
    """The summary's period (query string); the last four years by default."""

    class Meta:
        csrf = False

    first_year = YearField(_l("Từ năm"), validators=[Optional(), YEAR_RANGE])
    last_year = YearField(_l("Đến năm"), validators=[Optional(), YEAR_RANGE])

    def validate_last_year(self, field) -> None:
        first = self.first_year.data
        if field.data is not None and first is not None and first > field.data:
            raise ValidationError(_l("Năm bắt đầu không được sau năm kết thúc."))

    def period(self, today: date | None = None) -> tuple[int, int]:
        """The chosen years, or the default period when the input is missing or invalid."""
        default_first, default_last = training.default_period(today)
        if not self.validate():
            return default_first, default_last
        last = self.last_year.data or max(default_last, self.first_year.data or default_last)
        first = self.first_year.data or last - training.SUMMARY_YEARS + 1
        return first, last


NEED_REASONS = (
    ("", _l("Mọi lý do")),
    (training.NEED_OFFICER, _l("Cán bộ ISO mới chưa được đào tạo")),
    (training.NEED_MERGER, _l("Cơ quan sau sắp xếp năm 2025 chưa được đào tạo")),
)


class NeedsFilterForm(FlaskForm):
    """The needs list's filters (query string)."""

    class Meta:
        csrf = False

    reason = SelectField(_l("Lý do"), choices=options(NEED_REASONS), default="")
    level = SelectField(
        _l("Cấp"), choices=options([("", _l("Tất cả các cấp")), *AgencyLevel.choices()]), default=""
    )

    def filters(self) -> dict:
        if not self.validate():
            return {"reason": None, "level": None}
        return {
            "reason": self.reason.data or None,
            "level": AgencyLevel(self.level.data) if self.level.data else None,
        }
