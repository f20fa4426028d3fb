"""Issue item 8: every date input is range-checked and answered with a clear error."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspect_app.models import Role
from inspect_app.services.date_range import MAX_DAY, MIN_DAY


@pytest.mark.parametrize("field", ["until", "since"])
@pytest.mark.parametrize("value", ["31/12/9999", "01/01/0001", "01/01/1000"])
def test_audit_filter_dates_out_of_range_are_a_message_not_a_500(
    client, login, make_user, field, value
):
    login(make_user(Role.ADMIN))
    response = client.get(f"/admin/audit?{field}={value}")
    assert response.status_code == 200
    assert "Ngày phải nằm trong khoảng 01/01/1900 – 31/12/2200" in response.get_data(as_text=True)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.dates())
def test_the_day_field_accepts_exactly_the_range(app, day):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from inspect_app.web.forms import DayField

    class OneDay(Form):
        day = DayField()

    form = OneDay(MultiDict({"day": day.strftime("%d/%m/") + f"{day.year:04d}"}))
    with app.test_request_context():
        valid = form.validate()
    assert valid == (MIN_DAY <= day <= MAX_DAY)
    assert form.day.data == (day if valid else None)


def test_range_is_what_the_message_says():
    assert (date(1900, 1, 1), date(2200, 12, 31)) == (MIN_DAY, MAX_DAY)
