"""Today is Vietnam's today (5.10): the server's clock at 20:00 UTC is already tomorrow."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.i18n import format_moment
from inspect_app.models import InspectionStatus


def test_today_and_now_follow_app_timezone(app, frozen_clock):
    assert frozen_clock.moment == datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    assert clock.today() == date(2026, 12, 3)
    assert clock.local_now().hour == 3
    app.config["APP_TIMEZONE"] = "UTC"
    assert clock.today() == date(2026, 12, 2)


def test_entering_todays_date_at_3_in_the_morning_is_not_in_the_future(
    client, login, team, frozen_clock
):
    inspection = team["inspection"]
    login(team["lead"])
    response = client.post(
        f"/inspections/{inspection.id}/transition/conducted",
        data={"conducted-conducted_on": "03/12/2026"},
    )
    assert response.status_code == 302
    db.session.refresh(inspection)
    assert inspection.status is InspectionStatus.CONDUCTED
    assert inspection.conducted_on == date(2026, 12, 3)


def test_tomorrow_in_vietnam_is_still_refused(client, login, team, frozen_clock):
    inspection = team["inspection"]
    login(team["lead"])
    client.post(
        f"/inspections/{inspection.id}/transition/conducted",
        data={"conducted-conducted_on": "04/12/2026"},
    )
    db.session.refresh(inspection)
    assert inspection.status is InspectionStatus.IN_PROGRESS


def test_timestamps_are_shown_in_app_timezone(app, frozen_clock):
    with app.test_request_context(), force_locale("vi"):
        assert format_moment(datetime(2026, 12, 2, 20, 0, tzinfo=UTC)) == "03/12/2026 03:00"


def test_an_unknown_zone_is_a_clear_error(app):
    app.config["APP_TIMEZONE"] = "Mars/Olympus"
    try:
        clock.today()
    except RuntimeError as exc:
        assert "APP_TIMEZONE" in str(exc)
    else:
        raise AssertionError("an unknown zone must be refused")
