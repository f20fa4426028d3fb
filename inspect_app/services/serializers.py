"""Plain-dict views of domain objects, shared by the API and exports."""

from __future__ import annotations

from inspect_app.models import Agency, Inspection


def agency_ref(agency: Agency) -> dict:
    return {"id": agency.id, "code": agency.code, "name": agency.name, "level": agency.level.value}


def inspection_summary(inspection: Inspection) -> dict:
    return {
        "id": inspection.id,
        "year": inspection.plan.year,
        "agency": agency_ref(inspection.agency),
        "mode": inspection.mode.value,
        "status": inspection.status.value,
        "lead": inspection.lead.username if inspection.lead else None,
    }
