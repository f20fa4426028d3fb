"""The dates the application accepts from any input: forms, query strings, workbooks, JSON.

Wide enough for every record the department keeps, narrow enough that date arithmetic
(`+ timedelta(days=1)`) and every database column hold them.
"""

from __future__ import annotations

from datetime import date, datetime

MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2200, 12, 31)


def day_in_range(day: date | datetime) -> bool:
    value = day.date() if isinstance(day, datetime) else day
    return MIN_DAY <= value <= MAX_DAY


def range_text() -> str:
    return f"{MIN_DAY:%d/%m/%Y} – {MAX_DAY:%d/%m/%Y}"
