"""The decisions register (quyết định): numbers unique per issuer and year."""

from __future__ import annotations

import unicodedata
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Decision, DecisionKind
from inspect_app.services import audit
from inspect_app.services.bounds import paginate

DECISION_FIELDS = ["number", "signed_on", "year", "issuer", "summary", "kind"]
PER_PAGE = 25
#: the range the database accepts for a decision's year.
FIRST_YEAR, LAST_YEAR = 1945, 2200


def number_key(number: str | None) -> str:
    """The number without case or spaces: "728 / qđ-ubnd" and "728/QĐ-UBND" are the same."""
    text = unicodedata.normalize("NFC", number or "")
    return "".join(text.split()).casefold()


def issuer_key(issuer: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", issuer or "").split()).casefold()


def find_duplicate(
    number: str, issuer: str, year: int, exclude: Decision | None = None
) -> Decision | None:
    """Another decision with the same number from the same issuer in the same year."""
    candidates = db.session.scalars(select(Decision).where(Decision.year == year))
    for decision in candidates:
        if exclude is not None and decision.id == exclude.id:
            continue
        same_number = number_key(decision.number) == number_key(number)
        if same_number and issuer_key(decision.issuer) == issuer_key(issuer):
            return decision
    return None


def duplicate_message(number: str, issuer: str, year: int) -> str:
    return _(
        "Quyết định số %(number)s của %(issuer)s năm %(year)d đã có trong danh sách.",
        number=number,
        issuer=issuer,
        year=year,
    )


def _validated(number: str, signed_on: date, issuer: str, exclude: Decision | None):
    number = " ".join((number or "").split())
    issuer = " ".join((issuer or "").split())
    if not number:
        raise DomainError(_("Số quyết định không được để trống."))
    if not issuer:
        raise DomainError(_("Cơ quan ban hành không được để trống."))
    if signed_on is None:
        raise DomainError(_("Ngày ký không được để trống."))
    if not FIRST_YEAR <= signed_on.year <= LAST_YEAR:
        raise DomainError(_("Năm ký phải từ %(a)d đến %(b)d.", a=FIRST_YEAR, b=LAST_YEAR))
    if find_duplicate(number, issuer, signed_on.year, exclude) is not None:
        raise DomainError(duplicate_message(number, issuer, signed_on.year))
    return number, issuer


def create_decision(
    *,
    number: str,
    signed_on: date,
    issuer: str,
    kind: DecisionKind,
    summary: str = "",
) -> Decision:
    """Register a decision; its year is the year it was signed."""
    number, issuer = _validated(number, signed_on, issuer, None)
    decision = Decision(
        number=number,
        signed_on=signed_on,
        year=signed_on.year,
        issuer=issuer,
        kind=DecisionKind(kind),
        summary=(summary or "").strip(),
    )
    db.session.add(decision)
    db.session.flush()
    audit.record("create", decision, after=audit.snapshot(decision, DECISION_FIELDS))
    return decision


def update_decision(
    decision: Decision,
    *,
    number: str,
    signed_on: date,
    issuer: str,
    kind: DecisionKind,
    summary: str = "",
) -> bool:
    """Correct a decision's details; returns whether anything changed."""
    number, issuer = _validated(number, signed_on, issuer, decision)
    before = audit.snapshot(decision, DECISION_FIELDS)
    decision.number, decision.issuer = number, issuer
    decision.signed_on, decision.year = signed_on, signed_on.year
    decision.kind, decision.summary = DecisionKind(kind), (summary or "").strip()
    db.session.flush()
    old, new = audit.changes(before, audit.snapshot(decision, DECISION_FIELDS))
    if new:
        audit.record("update", decision, before=old, after=new)
    return bool(new)


def decision_query(year: int | None = None) -> Select:
    query = select(Decision)
    if year is not None:
        query = query.where(Decision.year == year)
    return query.order_by(Decision.signed_on.desc(), Decision.id.desc())


def list_decisions(year: int | None = None, *, page: int = 1, per_page: int = PER_PAGE):
    """One page of decisions, newest first."""
    return paginate(decision_query(year), page, per_page)


def decision_years() -> list[int]:
    """Years that have decisions, newest first."""
    return list(db.session.scalars(select(Decision.year).distinct().order_by(Decision.year.desc())))
