"""GET /api/v1/regulations/stale (contract 5.11, paginated as in 5.9)."""

from datetime import date

import pytest

from inspect_app.extensions import db
from inspect_app.models import Role
from inspect_app.services import regulations
from inspect_app.services.users import create_token
from tests.regulation_world import document, process


@pytest.fixture
def stale_world(make_agency):
    first, second = make_agency(code="SO-A", name="Sở A"), make_agency(code="SO-B", name="Sở B")
    plan = document("599/QĐ-UBND", date(2019, 4, 26))
    for n in range(3):
        process(first, f"QT-0{n}", date(2019, 6, 1), plan)
    process(second, "QT-9", date(2019, 6, 1), plan)
    process(second, "QT-NEW", date(2021, 1, 1), plan)
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    return first, second


def test_the_record_is_exactly_the_contract(client, login, make_user, stale_world):
    login(make_user(Role.VIEWER))

    body = client.get("/api/v1/regulations/stale?agency=SO-B").get_json()

    assert body == {
        "processes": [
            {
                "agency": {"code": "SO-B", "name": "Sở B"},
                "code": "QT-9",
                "name": "Quy trình QT-9",
                "version_date": "2019-06-01",
                "stale_since": "2020-07-03",
                "due_on": "2020-10-01",
                "overdue": True,
                "because": [
                    {
                        "number": "599/QĐ-UBND",
                        "changed_by": "971/QĐ-UBND",
                        "change": "amended",
                        "effective": "2020-07-03",
                    }
                ],
            }
        ],
        "next": None,
    }


def test_pages_follow_next_until_everything_was_seen(client, login, make_user, stale_world):
    login(make_user(Role.ADMIN))
    seen, url = [], "/api/v1/regulations/stale?limit=2"

    while url:
        body = client.get(url).get_json()
        assert len(body["processes"]) <= 2
        seen += [(p["agency"]["code"], p["code"]) for p in body["processes"]]
        url = body["next"]

    assert seen == [("SO-A", "QT-00"), ("SO-A", "QT-01"), ("SO-A", "QT-02"), ("SO-B", "QT-9")]


def test_an_agency_user_sees_only_its_own(client, login, make_user, stale_world):
    first, second = stale_world
    login(make_user(Role.AGENCY, agency=second))

    own = client.get("/api/v1/regulations/stale").get_json()
    other = client.get("/api/v1/regulations/stale?agency=SO-A")

    assert {p["agency"]["code"] for p in own["processes"]} == {"SO-B"}
    assert other.status_code == 404


def test_bearer_tokens_work(client, make_user, stale_world):
    user = make_user(Role.INSPECTOR)
    _row, token = create_token(user, "test")
    db.session.commit()

    response = client.get("/api/v1/regulations/stale", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert len(response.get_json()["processes"]) == 4


@pytest.mark.parametrize(
    ("query", "status", "word"),
    [
        ("limit=0", 400, "limit"),
        ("limit=1001", 400, "limit"),
        ("limit=abc", 400, "limit"),
        ("cursor=xyz", 400, "cursor"),
        ("agency=NOPE", 404, "agency"),
    ],
)
def test_bad_parameters_are_named(client, login, make_user, stale_world, query, status, word):
    login(make_user(Role.ADMIN))

    response = client.get(f"/api/v1/regulations/stale?{query}")

    assert response.status_code == status
    assert word in response.get_json()["error"].lower()


def test_anonymous_callers_get_401(client, stale_world):
    assert client.get("/api/v1/regulations/stale").status_code == 401


def test_the_api_uses_the_same_query_as_the_pages(client, login, make_user, stale_world):
    login(make_user(Role.ADMIN))

    body = client.get("/api/v1/regulations/stale?limit=1000").get_json()

    assert len(body["processes"]) == len(regulations.stale_processes(regulations.today()))
