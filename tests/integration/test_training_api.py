"""GET /api/v1/training?from=&to= (CONTRACTS 5.4, issue 7)."""

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import Role, TrainingKind, User
from inspect_app.services import training, users

COURSE_KEYS = {"id", "title", "kind", "start", "end", "participants", "attended"}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    return db.session.scalar(select(User).where(User.username == "viewer"))


def test_the_demo_reports_eight_courses_four_two_two(client, login, demo):
    login(demo)

    response = client.get("/api/v1/training?from=2017&to=2020")

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"courses", "by_kind"}
    assert body["by_kind"] == {
        "maintain_improve": 4,
        "build_apply_commune": 2,
        "transition_2015": 2,
        "other": 0,
    }
    courses = body["courses"]
    assert len(courses) == 8
    for course in courses:
        assert set(course) == COURSE_KEYS
        assert 2017 <= date.fromisoformat(course["start"]).year <= 2020
        assert date.fromisoformat(course["end"]) >= date.fromisoformat(course["start"])
        assert 0 < course["attended"] <= course["participants"]
    assert [c["start"] for c in courses] == sorted(c["start"] for c in courses)
    assert sum(c["participants"] for c in courses) == training.summary(2017, 2020).participants


def test_a_bearer_token_works_too(client, demo):
    _token, secret = users.create_token(demo)
    db.session.commit()

    response = client.get(
        "/api/v1/training?from=2018&to=2018", headers={"Authorization": f"Bearer {secret}"}
    )

    assert response.status_code == 200
    assert response.get_json()["by_kind"] == {
        "maintain_improve": 1,
        "build_apply_commune": 1,
        "transition_2015": 1,
        "other": 0,
    }


def test_only_courses_starting_in_the_period_and_counts(client, login, make_user, make_agency):
    agency = make_agency()
    inside = training.create_course(
        title="Cuối năm",
        kind=TrainingKind.OTHER,
        start_on=date(2021, 12, 30),
        end_on=date(2022, 1, 2),
    )
    training.add_participant(inside, agency=agency, name="An", attended=True)
    training.add_participant(inside, agency=agency, name="Bình")
    training.create_course(
        title="Năm sau", kind=TrainingKind.OTHER, start_on=date(2022, 1, 3), end_on=date(2022, 1, 3)
    )
    db.session.commit()
    login(make_user(Role.ADMIN))

    body = client.get("/api/v1/training?from=2021&to=2021").get_json()

    assert body == {
        "courses": [
            {
                "id": inside.id,
                "title": "Cuối năm",
                "kind": "other",
                "start": "2021-12-30",
                "end": "2022-01-02",
                "participants": 2,
                "attended": 1,
            }
        ],
        "by_kind": {
            "maintain_improve": 0,
            "build_apply_commune": 0,
            "transition_2015": 0,
            "other": 1,
        },
    }


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=2017",
        "?to=2020",
        "?from=abc&to=2020",
        "?from=2017&to=20x",
        "?from=-1&to=2020",
        "?from=2017.0&to=2020",
        "?from=99999&to=2020",
        "?from=2021&to=2020",
        "?from=２０１７&to=2020",
    ],
)
def test_bad_or_missing_years_are_400_json(client, login, make_user, query):
    login(make_user(Role.ADMIN))

    response = client.get(f"/api/v1/training{query}")

    assert response.status_code == 400
    assert response.is_json
    assert set(response.get_json()) == {"error"}


def test_anonymous_callers_get_401(client):
    response = client.get("/api/v1/training?from=2017&to=2020")

    assert response.status_code == 401
    assert response.get_json()["error"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 200), (Role.VIEWER, 200), (Role.INSPECTOR, 403), (Role.AGENCY, 403)],
)
def test_the_register_is_for_admins_and_viewers(client, login, make_user, role, expected):
    login(make_user(role))

    response = client.get("/api/v1/training?from=2017&to=2020")

    assert response.status_code == expected
    assert response.is_json
