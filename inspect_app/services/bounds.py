"""Numbers from query strings and forms kept within what the database columns hold.

PostgreSQL refuses an integer beyond its column's range (`integer out of range`), which a
hand-typed id or page number easily is; SQLite would answer. Every id and page number from
outside goes through here first.
"""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from inspect_app.extensions import db

#: no list has this many pages; a larger number would overflow the database's OFFSET.
MAX_PAGE = 100_000
#: ids are 32-bit integer columns.
MAX_ROW_ID = 2**31 - 1


def paginate(query: Select, page: int | None, per_page: int) -> Pagination:
    """db.paginate with the page number kept between 1 and MAX_PAGE (past the end: empty)."""
    number = min(max(page or 1, 1), MAX_PAGE)
    return db.paginate(query, page=number, per_page=per_page, error_out=False)


def row_id(value: Any) -> int | None:
    """The id a text names (digits only, within the column's range), or None."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ROW_ID else None


def row_ids(values) -> list[int]:
    """The valid ids among these texts, in order, without the others."""
    return [number for value in values or [] if (number := row_id(value)) is not None]
