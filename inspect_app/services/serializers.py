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


def inspection_detail(inspection: Inspection) -> dict:
    """The summary plus the optimistic-lock rev and every item with its answer."""
    from inspect_app.services.sync import answer_view

    answers = {answer.item_id: answer for answer in inspection.answers}
    items = inspection.template.items if inspection.template else []
    return {
        **inspection_summary(inspection),
        "rev": inspection.rev,
        "items": [
            {
                "code": item.code,
                "group": item.group_code,
                "text": item.text,
                "answer": answer_view(answers.get(item.id)),
            }
            for item in items
        ],
    }
