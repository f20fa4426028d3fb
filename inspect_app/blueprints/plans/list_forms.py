"""The filters of a plan's inspection list, read from the query string."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from inspect_app.models import AgencyLevel, InspectionMode, InspectionStatus
from inspect_app.services.plan_lists import InspectionFilters
from inspect_app.web.forms import options


class PlanInspectionFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Tìm cơ quan"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Trạng thái"), default="")
    mode = SelectField(_l("Hình thức"), default="")
    level = SelectField(_l("Cấp"), default="")
    lead = SelectField(_l("Trưởng đoàn"), default="")

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        every = ("", _l("Tất cả"))
        self.status.choices = options([every] + [(s.value, s.label) for s in InspectionStatus])
        self.mode.choices = options([every] + [(m.value, m.label) for m in InspectionMode])
        self.level.choices = options([every] + [(v.value, v.label) for v in AgencyLevel])
        self.lead.choices = options([every] + [(str(u.id), u.full_name) for u in leads])

    def filters(self) -> InspectionFilters:
        """The chosen filters; an invalid choice (a hand-edited URL) filters nothing."""
        if not self.validate():
            return InspectionFilters()
        return InspectionFilters(
            status=InspectionStatus(self.status.data) if self.status.data else None,
            mode=InspectionMode(self.mode.data) if self.mode.data else None,
            level=AgencyLevel(self.level.data) if self.level.data else None,
            lead_id=int(self.lead.data) if self.lead.data else None,
            q=(self.q.data or "").strip(),
        )
