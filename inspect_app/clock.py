"""The one clock of the app: "now" and "today" in `APP_TIMEZONE` (DESIGN 5.10).

The server's own zone does not matter: at 20:00 UTC it is already tomorrow in Vietnam, and
every due date, every "not in the future" check and every reminder compares with that day.
Tests freeze time by patching `utc_now`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def utc_now() -> datetime:
    """The current instant, timezone-aware (the single place that reads the system clock)."""
    return datetime.now(UTC)


def app_timezone() -> tzinfo:
    """The zone named by `APP_TIMEZONE` (Vietnam by default)."""
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("APP_TIMEZONE") or DEFAULT_TIMEZONE
    return zone(name)


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuntimeError(f"APP_TIMEZONE: unknown time zone {name!r}") from exc


def local_now() -> datetime:
    """Now in the app's zone."""
    return utc_now().astimezone(app_timezone())


def today() -> date:
    """Today's date in the app's zone, whatever the server's clock zone."""
    return local_now().date()


def local(moment: datetime) -> datetime:
    """A stored timestamp in the app's zone (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(app_timezone())
