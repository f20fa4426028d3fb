"""Forms of the annual plans; every rule of the input lives here or in the plan service."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Decision,
    DecisionKind,
    Inspection,
    InspectionMode,
    InspectionPlan,
    PlanStatus,
    User,
)
from inspect_app.services import decisions, plans
from inspect_app.services.bounds import row_id
from inspect_app.services.workbooks import plan_import
from inspect_app.services.workbooks.plan_import import DEFAULT_ISSUER
from inspect_app.web.forms import ChoiceField, DayField, options
from inspect_app.web.workbook_import import WorkbookConfirmForm, WorkbookUploadForm

YEAR_RANGE = NumberRange(min=2000, max=2200, message=_l("Năm phải từ 2000 đến 2200."))


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def decision_label(decision: Decision) -> str:
    return f"{decision.number} ({_day(decision.signed_on)}, {decision.issuer})"


class PlanFilterForm(FlaskForm):
    """The year filter of the list, read from the query string."""

    class Meta:
        csrf = False

    year = SelectField(_l("Năm"), choices=[], default="")

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = options([("", _l("Tất cả các năm"))] + [(y, str(y)) for y in years])

    def chosen_year(self) -> int | None:
        return int(self.year.data) if self.validate() and self.year.data else None


class PlanForm(FlaskForm):
    year = IntegerField(
        _l("Năm kế hoạch"),
        validators=[DataRequired(message=_l("Vui lòng nhập năm kế hoạch.")), YEAR_RANGE],
    )
    title = StringField(
        _l("Tên kế hoạch"),
        validators=[Optional(), Length(max=500)],
        description=_l("Để trống để dùng tên mặc định."),
    )

    def validate_year(self, field) -> None:
        if field.errors:  # out of range: not a year to look up
            return
        if field.data and plans.plan_for_year(field.data) is not None:
            raise ValidationError(_l("Đã có kế hoạch kiểm tra năm %(year)d.", year=field.data))


class DecisionPickerForm(FlaskForm):
    """Choose a registered decision of `kind`, or enter a new one on the same form."""

    KIND = DecisionKind.PLAN_APPROVAL

    decision_id = SelectField(_l("Quyết định đã có"), choices=[], default="", validate_choice=False)
    number = StringField(
        _l("Số hiệu quyết định mới"),
        validators=[Optional(), Length(max=64)],
        render_kw={"placeholder": "79/QĐ-KHCN"},
    )
    signed_on = DayField(_l("Ngày ký"), validators=[Optional()])
    issuer = StringField(
        _l("Cơ quan ban hành"), validators=[Optional(), Length(max=255)], default=DEFAULT_ISSUER
    )
    summary = TextAreaField(_l("Trích yếu"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, plan: InspectionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.candidates = plans.decision_choices(plan, self.KIND)
        self.decision_id.choices = options(
            [("", _l("— Nhập quyết định mới bên dưới —"))]
            + [(d.id, decision_label(d)) for d in self.candidates]
        )
        self.decision: Decision | None = None

    def validate_decision_id(self, field) -> None:
        if field.data and field.data not in {str(d.id) for d in self.candidates}:
            raise ValidationError(_l("Giá trị đã chọn không hợp lệ."))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.decision_id.data:
            self.decision = db.session.get(Decision, int(self.decision_id.data))
            return True
        missing = False
        for field, label in (
            (self.number, _l("số hiệu quyết định")),
            (self.signed_on, _l("ngày ký")),
            (self.issuer, _l("cơ quan ban hành")),
        ):
            if not field.data or (isinstance(field.data, str) and not field.data.strip()):
                field.errors.append(
                    _l("Chọn một quyết định đã có hoặc nhập %(field)s.", field=label)
                )
                missing = True
        if missing:
            return False
        year = self.signed_on.data.year
        if decisions.find_duplicate(self.number.data, self.issuer.data, year):
            self.number.errors.append(
                decisions.duplicate_message(self.number.data, self.issuer.data, year)
            )
            return False
        return True

    def new_decision(self) -> dict | None:
        """Keyword arguments of decisions.create_decision when a new one was entered."""
        if self.decision is not None:
            return None
        return {
            "number": self.number.data,
            "signed_on": self.signed_on.data,
            "issuer": self.issuer.data,
            "kind": self.KIND,
            "summary": self.summary.data or "",
        }


class ApproveForm(DecisionPickerForm):
    KIND = DecisionKind.PLAN_APPROVAL


class AmendForm(DecisionPickerForm):
    KIND = DecisionKind.PLAN_AMENDMENT


class AmendmentChoiceMixin:
    """For approved plans: the amending decision a change is made under."""

    def setup_amendment(self, plan: InspectionPlan, chosen: int | None = None) -> None:
        self.plan = plan
        self.decision: Decision | None = None
        field = self.amendment_id
        if plan.status is not PlanStatus.APPROVED:
            del self.amendment_id
            return
        amendments = sorted(plan.amendments, key=lambda a: a.id, reverse=True)
        field.choices = options(
            [("", _l("— Chọn quyết định điều chỉnh —"))]
            + [(a.decision_id, decision_label(a.decision)) for a in amendments]
        )
        if chosen and not field.data:
            field.data = str(chosen)
        elif not field.data and amendments:
            field.data = str(amendments[0].decision_id)

    def validate_amendment_id(self, field) -> None:
        allowed = {str(a.decision_id) for a in self.plan.amendments}
        if not field.data:
            raise ValidationError(
                _l(
                    "Kế hoạch đã được phê duyệt: mọi thay đổi phải theo một quyết định điều "
                    "chỉnh kế hoạch."
                )
            )
        if field.data not in allowed:
            raise ValidationError(_l("Giá trị đã chọn không hợp lệ."))
        self.decision = db.session.get(Decision, int(field.data))


def _inspector_choices() -> tuple[list, dict[str, User]]:
    people = plans.active_inspectors()
    return (
        [(u.id, f"{u.full_name} ({u.username})") for u in people],
        {str(u.id): u for u in people},
    )


class WindowStartField(DayField):
    """The first day of the planned window. Like the annex's `Thời gian dự kiến` it also
    takes a month (`05/2027`), a quarter (`Quý II`) or a range (`05/2027 - 06/2027`): the
    form reads it with the annex's parser against the plan's year, and a window that is not
    a single day also fills an empty last day."""

    window_text: str | None = None

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy, mm/yyyy, Quý II"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        self.window_text = None
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            self.window_text = " ".join(valuelist).strip()


class TeamFields(AmendmentChoiceMixin, FlaskForm):
    """The window and team of one or many inspections."""

    mode = ChoiceField(
        _l("Hình thức kiểm tra"), choices=options(InspectionMode.choices()), default="on_site"
    )
    planned_from = WindowStartField(
        _l("Dự kiến từ ngày"),
        validators=[Optional()],
        description=_l("Ngày (dd/mm/yyyy), tháng (mm/yyyy) hoặc quý (Quý I–Quý IV)."),
    )
    planned_to = DayField(_l("Đến ngày"), validators=[Optional()])
    lead_id = SelectField(_l("Trưởng đoàn"), choices=[], default="", validate_choice=False)
    member_ids = SelectMultipleField(
        _l("Thành viên đoàn"), choices=[], default=[], validate_choice=False
    )
    dossier_due = DayField(_l("Hạn nộp hồ sơ"), validators=[Optional()])
    amendment_id = SelectField(
        _l("Theo quyết định điều chỉnh"), choices=[], default="", validate_choice=False
    )

    def setup_team(self, plan: InspectionPlan, chosen_amendment: int | None = None) -> None:
        choices, self._people = _inspector_choices()
        self.lead_id.choices = options([("", _l("— Chưa phân công —")), *choices])
        self.member_ids.choices = options(choices)
        self.setup_amendment(plan, chosen_amendment)

    def validate_lead_id(self, field) -> None:
        if field.data and field.data not in self._people:
            raise ValidationError(_l("Trưởng đoàn phải là kiểm tra viên đang hoạt động."))

    def validate_member_ids(self, field) -> None:
        if any(value not in self._people for value in field.data or []):
            raise ValidationError(_l("Thành viên đoàn phải là kiểm tra viên đang hoạt động."))

    def _check_day(self, field) -> None:
        if field.data and field.data.year != self.plan.year:
            raise ValidationError(
                _l("Ngày này nằm ngoài năm kế hoạch %(year)d.", year=self.plan.year)
            )

    def validate_planned_from(self, field) -> None:
        if field.window_text:
            try:
                first, last = plan_import.window_from_cell(field.window_text, self.plan.year)
            except plan_import.WindowError as exc:
                reason = str(exc)
                raise ValidationError(reason[:1].upper() + reason[1:] + ".") from None
            field.data = first
            if self.planned_to.data is None and not self.planned_to.errors:
                self.planned_to.data = last
        self._check_day(field)

    def validate_planned_to(self, field) -> None:
        self._check_day(field)
        start = self.planned_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("Ngày kết thúc dự kiến phải sau ngày bắt đầu."))

    def validate_dossier_due(self, field) -> None:
        if field.data and self.mode.data != InspectionMode.DOSSIER.value:
            raise ValidationError(
                _l("Hạn nộp hồ sơ chỉ dùng cho hình thức kiểm tra thông qua hồ sơ.")
            )

    def team_values(self) -> dict:
        return {
            "mode": InspectionMode(self.mode.data),
            "planned_from": self.planned_from.data,
            "planned_to": self.planned_to.data,
            "lead": self._people.get(self.lead_id.data or ""),
            "members": [self._people[v] for v in self.member_ids.data or []],
            "dossier_due": self.dossier_due.data,
            "decision": self.decision,
        }


class InspectionForm(TeamFields):
    """Add an agency to the plan (pass `agencies`, the search results) or edit one."""

    agency_id = SelectField(_l("Cơ quan"), choices=[], default="", validate_choice=False)
    external_members = TextAreaField(
        _l("Thành viên ngoài (mỗi dòng một người)"), validators=[Optional(), Length(max=5000)]
    )

    def __init__(
        self,
        *args,
        plan: InspectionPlan,
        inspection: Inspection | None = None,
        agencies: list[Agency] = (),
        amendment: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, obj=inspection, **kwargs)
        self.inspection = inspection
        self.agency: Agency | None = None
        self.setup_team(plan, amendment)
        if inspection is not None:
            del self.agency_id
            if not self.is_submitted():
                self.mode.data = inspection.mode.value
                self.lead_id.data = str(inspection.lead_id or "")
                self.member_ids.data = [str(m.id) for m in inspection.members]
        else:
            self.agency_id.choices = options(
                [("", _l("— Chọn cơ quan —"))]
                + [(a.id, f"{a.name} ({a.code}, {a.level.label})") for a in agencies]
            )

    def validate_agency_id(self, field) -> None:
        number = row_id(field.data)
        agency = db.session.get(Agency, number) if number is not None else None
        if agency is None:
            raise ValidationError(_l("Vui lòng chọn cơ quan (tìm theo tên hoặc mã)."))
        if any(i.agency_id == agency.id for i in self.plan.inspections):
            raise ValidationError(
                _l("Cơ quan %(name)s đã có trong kế hoạch năm này.", name=agency.name)
            )
        if not plans.active_in_year(agency, self.plan.year):
            raise ValidationError(
                _l("Cơ quan %(name)s không hoạt động trong năm kế hoạch.", name=agency.name)
            )
        self.agency = agency

    def values(self) -> dict:
        return {**self.team_values(), "external_members": self.external_members.data or ""}


class RemoveForm(AmendmentChoiceMixin, FlaskForm):
    reason = TextAreaField(_l("Lý do hủy"), validators=[Optional(), Length(max=2000)])
    amendment_id = SelectField(
        _l("Theo quyết định điều chỉnh"), choices=[], default="", validate_choice=False
    )

    def __init__(self, *args, plan: InspectionPlan, amendment: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_amendment(plan, amendment)


class BulkAddForm(TeamFields):
    filter_name = ChoiceField(
        _l("Chọn cơ quan"), choices=options(plans.BULK_FILTERS.items()), default="not_inspected"
    )
    years = IntegerField(
        _l("Số năm gần đây (N)"),
        default=2,
        validators=[Optional(), NumberRange(min=1, max=20, message=_l("Từ 1 đến 20 năm."))],
    )
    level = SelectField(
        _l("Cấp cơ quan"),
        choices=options([("", _l("Mặc định (cấp xã với bộ lọc N năm)")), *AgencyLevel.choices()]),
        default="",
    )

    def __init__(self, *args, plan: InspectionPlan, amendment: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_team(plan, amendment)

    def validate_level(self, field) -> None:
        if field.data and field.data not in {level.value for level in AgencyLevel}:
            raise ValidationError(_l("Giá trị đã chọn không hợp lệ."))
        if not field.data and self.filter_name.data == "level":
            raise ValidationError(_l("Cần chọn cấp cơ quan."))

    def values(self) -> dict:
        team = self.team_values()
        team.pop("mode")
        return {
            "filter_name": self.filter_name.data,
            "mode": InspectionMode(self.mode.data),
            "years": self.years.data or 2,
            "level": AgencyLevel(self.level.data) if self.level.data else None,
            **team,
        }


class AgencyPickerForm(FlaskForm):
    """The search box that narrows the agency list of the add form (query string)."""

    class Meta:
        csrf = False

    q = StringField(_l("Tìm cơ quan theo tên hoặc mã"), validators=[Optional(), Length(max=255)])
    level = SelectField(
        _l("Cấp"),
        choices=options([("", _l("Tất cả các cấp")), *AgencyLevel.choices()]),
        default="",
    )

    def filters(self) -> dict:
        valid = self.validate()
        level = self.level.data if valid and self.level.data else None
        return {"text": (self.q.data or "") if valid else "", "level": level}


class ActionForm(FlaskForm):
    """A button that changes state (close the plan): only the CSRF token."""


class PlanImportForm(WorkbookUploadForm):
    year = IntegerField(
        _l("Năm kế hoạch"), validators=[DataRequired(message=_l("Vui lòng nhập năm.")), YEAR_RANGE]
    )
    number = StringField(
        _l("Số quyết định phê duyệt (nếu có)"), validators=[Optional(), Length(max=64)]
    )
    signed_on = DayField(_l("Ngày ký quyết định"), validators=[Optional()])
    issuer = StringField(
        _l("Cơ quan ban hành"), validators=[Optional(), Length(max=255)], default=DEFAULT_ISSUER
    )

    def validate_signed_on(self, field) -> None:
        if (self.number.data or "").strip() and field.data is None:
            raise ValidationError(_l("Có số quyết định thì phải nhập ngày ký."))
        if field.data is not None and not (self.number.data or "").strip():
            raise ValidationError(_l("Có ngày ký thì phải nhập số quyết định."))


class PlanImportConfirmForm(WorkbookConfirmForm):
    year = HiddenField(validators=[Regexp(r"^\d{4}$")])
    number = HiddenField(validators=[Optional(), Length(max=64)])
    signed_on = HiddenField(validators=[Optional(), Regexp(r"^\d{2}/\d{2}/\d{4}$")])
    issuer = HiddenField(validators=[Optional(), Length(max=255)])

    def validate_signed_on(self, field) -> None:
        if field.data:
            try:
                datetime.strptime(field.data, "%d/%m/%Y")
            except ValueError:
                raise ValidationError(_l("Ngày ký không hợp lệ.")) from None
