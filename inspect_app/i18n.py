"""Locale choice and Vietnamese formatting of dates and numbers."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, request, session
from flask_babel import format_datetime, format_decimal, get_locale

SESSION_KEY = "lang"


def select_locale() -> str:
    """Vietnamese unless the visitor picked English with the vi/en switch."""
    chosen = session.get(SESSION_KEY) if request else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_day(value: date | datetime | None) -> str:
    """dd/mm/yyyy in both languages, as the department writes dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy")
    return value.strftime("%d/%m/%Y")


def format_moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def format_number(value: float | int | None, digits: int = 0) -> str:
    """Numbers in the locale's style: 1.234 and 31,6 in Vietnamese."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def format_percent(part: int, whole: int, digits: int = 1) -> str:
    if not whole:
        return "–"
    return format_number(100 * part / whole, digits) + "%"


def current_language() -> str:
    return str(get_locale() or "vi")
