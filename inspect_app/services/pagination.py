"""Pages of a list (DESIGN 5.9): `?page=N` for HTML lists, `limit`/`cursor` for the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from inspect_app.extensions import db
from inspect_app.services.bounds import MAX_PAGE

PER_PAGE = 50
API_LIMIT, API_MAX_LIMIT = 100, 1000


@dataclass(slots=True)
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        """The list position (1-based) of the page's first row."""
        return (self.number - 1) * self.per_page + 1

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(raw) -> int:
    """A `?page=` value as a page number; anything odd is page 1."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def paginate(query: Select, number: int, per_page: int = PER_PAGE, *, scalars=True) -> Page:
    """One page of `query` (already ordered) and the total it counts in SQL."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = min(number, max(1, -(-total // per_page)))
    paged = query.limit(per_page).offset((number - 1) * per_page)
    items = db.session.scalars(paged).all() if scalars else db.session.execute(paged).all()
    return Page(list(items), number, per_page, total)


class CursorError(ValueError):
    """A bad `limit` or `cursor`; the message names the parameter."""


def api_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return API_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= API_MAX_LIMIT:
        raise CursorError(f"limit: must be a whole number from 1 to {API_MAX_LIMIT}.")
    return int(raw)


def api_cursor(raw: str | None) -> int:
    """The cursor is the last id of the previous page (0 = from the start)."""
    if raw is None or raw == "":
        return 0
    if not raw.isdigit() or len(raw) > 18:
        raise CursorError("cursor: not a cursor from a previous page's 'next'.")
    return int(raw)


def keyset(query: Select, id_column, after: int, limit: int) -> tuple[list, int | None]:
    """Rows with id > after, by id, at most `limit`; and the cursor of the next page."""
    rows = db.session.scalars(query.where(id_column > after).order_by(id_column).limit(limit + 1))
    rows = list(rows)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)
