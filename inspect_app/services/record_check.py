"""The record agrees with itself: every non-conforming or observation item is accounted for.

The biên bản counts results per group and lists findings; an item answered "Không phù hợp"
(or "Khuyến nghị") without a finding would be counted in the table and missing from the
list. Concluding warns about such items, and the record lists them beside the findings.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from inspect_app.extensions import db
from inspect_app.models import Answer, ChecklistItem, Finding, Inspection, Result

#: results that the record's section 2 must list.
LISTED_RESULTS = (Result.NONCONFORM, Result.OBSERVATION)


def items_without_finding(
    inspection: Inspection, results=LISTED_RESULTS
) -> list[tuple[ChecklistItem, Answer]]:
    """Items answered with one of `results` on which no finding was raised, in item order."""
    has_finding = exists().where(
        Finding.inspection_id == inspection.id, Finding.item_id == Answer.item_id
    )
    rows = db.session.execute(
        select(ChecklistItem, Answer)
        .join(Answer, Answer.item_id == ChecklistItem.id)
        .where(
            Answer.inspection_id == inspection.id,
            Answer.result.in_(results),
            ~has_finding,
        )
        .order_by(ChecklistItem.position, ChecklistItem.id)
    )
    return [(item, answer) for item, answer in rows]


def nonconforming_without_finding(inspection: Inspection) -> list[tuple[ChecklistItem, Answer]]:
    """What concluding warns about: "Không phù hợp" items that have no finding."""
    return items_without_finding(inspection, (Result.NONCONFORM,))
