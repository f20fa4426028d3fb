"""Agency isolation (issue 5 §7): every portal page and API answers 404 for another agency's
objects, including ids guessed in URLs and in form fields, and changes nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    AuditLog,
    EvidenceFile,
    FindingStatus,
    InspectionStatus,
    Notification,
)
from tests.integration.portal_world import PDF, build_world, multipart

UPLOAD = {
    "file": ("Báo cáo.pdf", PDF + b"guess"),
    "document_type": "Báo cáo đánh giá nội bộ",
    "effective_on": "02/01/2025",
}
RESPONSE = [
    ("root_cause", "Nguyên nhân"),
    ("action_taken", "Đã khắc phục"),
    ("files", ("Khắc phục.pdf", PDF + b"fix")),
]

#: (endpoint, method, path with {placeholders} naming the other agency's objects, body).
ROUTES = [
    ("portal.dossier", "GET", "/portal/dossiers/{b_dossier}", None),
    ("portal.add_dossier_file", "POST", "/portal/dossiers/{b_dossier}/files", UPLOAD),
    (
        "portal.remove_dossier_file",
        "POST",
        "/portal/dossiers/{b_dossier}/files/{b_dossier_file}/delete",
        {},
    ),
    (
        "portal.remove_dossier_file",
        "POST",
        "/portal/dossiers/{a_dossier}/files/{b_dossier_file}/delete",
        {},
    ),
    ("portal.submit_dossier", "POST", "/portal/dossiers/{b_dossier}/submit", {}),
    ("portal.finding", "GET", "/portal/findings/{b_finding}", None),
    ("portal.respond", "POST", "/portal/findings/{b_finding}/respond", RESPONSE),
    ("portal.announcement", "GET", "/portal/announcements/{b_announcement}", None),
    ("portal.read_notification", "POST", "/portal/notifications/{b_notification}/read", {}),
    ("portal.open_notification", "POST", "/portal/notifications/{b_notification}/open", {}),
    ("inspections.detail", "GET", "/inspections/{b_dossier}", None),
    ("inspections.detail", "GET", "/inspections/{b_concluded}", None),
    ("inspections.checklist", "GET", "/inspections/{b_concluded}/checklist", None),
    ("findings.index", "GET", "/inspections/{b_concluded}/findings", None),
    ("findings.evidence_index", "GET", "/inspections/{b_dossier}/evidence", None),
    ("findings.record", "GET", "/inspections/{b_concluded}/record", None),
    ("findings.detail", "GET", "/findings/{b_finding}", None),
    ("findings.download_evidence", "GET", "/evidence/{b_dossier_file}", None),
    ("findings.download_evidence", "GET", "/evidence/{b_announcement_file}", None),
    ("api.get_inspection", "GET", "/api/v1/inspections/{b_dossier}", None),
    ("api.download_evidence", "GET", "/api/v1/evidence/{b_dossier_file}", None),
    ("api.download_evidence", "GET", "/api/v1/evidence/{b_announcement_file}", None),
    ("processes.new_version", "GET", "/portal/processes/{b_process}/version", None),
    (
        "processes.new_version",
        "POST",
        "/portal/processes/{b_process}/version",
        {"issued_on": "01/01/2026", "number": "09"},
    ),
    (
        "processes.download_file",
        "GET",
        "/portal/processes/{b_process}/files/{b_process_file}",
        None,
    ),
    (
        "processes.download_file",
        "GET",
        "/portal/processes/{a_process}/files/{b_process_file}",
        None,
    ),
    ("api.stale_processes", "GET", "/api/v1/regulations/stale?agency={b_code}", None),
    (
        "api.upload_evidence",
        "POST",
        "/api/v1/evidence",
        {"inspection_id": "{b_dossier}", "file": ("x.pdf", PDF)},
    ),
    (
        "api.upload_evidence",
        "POST",
        "/api/v1/evidence",
        {"finding_id": "{b_finding}", "file": ("x.pdf", PDF)},
    ),
]


def ids(world) -> dict[str, int]:
    return {
        "a_dossier": world.a.dossier.id,
        "b_dossier": world.b.dossier.id,
        "b_concluded": world.b.concluded.id,
        "b_dossier_file": world.b.dossier_file.id,
        "b_finding": world.b.finding.id,
        "b_announcement": world.b.announcement.id,
        "b_announcement_file": world.b.announcement.file_id,
        "b_notification": world.b.notification.id,
        "a_process": world.a.extra["process"].id,
        "b_process": world.b.extra["process"].id,
        "b_process_file": world.b.extra["process_file"].id,
        "b_code": world.b.agency.code,
    }


def _fill(value, names):
    return value.format(**names) if isinstance(value, str) else value


def _body(body, names):
    if body is None:
        return None
    pairs = body.items() if isinstance(body, dict) else body
    return [(key, _fill(value, names)) for key, value in pairs]


def call(client, method, path, body):
    if method == "GET":
        return client.get(path)
    if body and any(isinstance(value, tuple) for _, value in body):
        return multipart(client, path, body)
    return client.post(path, data=dict(body or []))


def _with_processes(world):
    """Each agency's ISO process (issue 17), B's with a file of its version."""
    from datetime import date

    from werkzeug.datastructures import FileStorage

    from inspect_app.services import evidence, regulations

    for side in (world.a, world.b):
        side.extra["process"] = regulations.create_process(
            side.agency, code="QT-01", name="Kiểm soát tài liệu", issued_on=date(2020, 1, 2)
        )
    stored = FileStorage(io.BytesIO(PDF + b"qt"), filename="qt.pdf")
    world.b.extra["process_file"] = evidence.attach_agency_file(
        stored, world.b.agency, "process", world.b.user
    )
    world.b.extra["process"].versions[0].file_id = world.b.extra["process_file"].id
    db.session.commit()
    return world


@pytest.fixture
def world(make_agency, make_user, make_plan, make_inspection):
    return _with_processes(build_world(make_agency, make_user, make_plan, make_inspection))


def snapshot(world) -> dict:
    db.session.expire_all()
    return {
        "dossier_status": world.b.dossier.status,
        "finding_status": world.b.finding.status,
        "files": db.session.scalar(select(func.count()).select_from(EvidenceFile)),
        "notification_read": world.b.notification.read_at,
        "audit": db.session.scalar(select(func.count()).select_from(AuditLog)),
        "team_notes": db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.user_id.is_not(None))
        ),
    }


@pytest.mark.parametrize(
    ("endpoint", "method", "path", "body"),
    ROUTES,
    ids=[f"{method} {path}" for _, method, path, _ in ROUTES],
)
def test_other_agencys_objects_are_404(client, login, world, endpoint, method, path, body):
    names = ids(world)
    before = snapshot(world)
    login(world.a.user)

    response = call(client, method, path.format(**names), _body(body, names))

    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    if path.startswith("/api/"):
        assert set(response.get_json()) == {"error"}
    assert snapshot(world) == before
    assert world.b.dossier.status is InspectionStatus.DOSSIER_REQUESTED
    assert world.b.finding.status is FindingStatus.OPEN


def test_every_portal_route_with_an_object_is_walked(app):
    """A new portal route must join ROUTES, so its isolation is tested too."""
    walked = {endpoint for endpoint, *_ in ROUTES}
    portal_rules = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/portal/") and rule.arguments
    }
    assert portal_rules <= walked, portal_rules - walked


@pytest.mark.parametrize(
    "path",
    [
        "/portal/dossiers/{a_dossier}",
        "/portal/findings/{a_finding}",
        "/portal/announcements/{a_announcement}",
        "/inspections/{a_dossier}",
        "/findings/{a_finding}",
        "/evidence/{a_dossier_file}",
    ],
)
def test_the_same_pages_answer_for_the_own_agency(client, login, world, path):
    login(world.a.user)
    names = {
        "a_dossier": world.a.dossier.id,
        "a_finding": world.a.finding.id,
        "a_announcement": world.a.announcement.id,
        "a_dossier_file": world.a.dossier_file.id,
    }

    response = client.get(path.format(**names))

    assert response.status_code == 200
    response.close()


def test_an_on_site_or_concluded_inspection_is_not_a_dossier(client, login, world):
    login(world.a.user)

    assert client.get(f"/portal/dossiers/{world.a.concluded.id}").status_code == 404
    assert client.get("/portal/dossiers/999999").status_code == 404
    assert client.get("/portal/findings/999999").status_code == 404


def test_lists_show_only_the_own_agency(client, login, world):
    login(world.a.user)

    pages = [
        client.get("/portal/").get_data(as_text=True),
        client.get("/portal/announcements").get_data(as_text=True),
        client.get("/portal/notifications").get_data(as_text=True),
        client.get("/inspections").get_data(as_text=True),
    ]

    for page in pages:
        assert world.b.agency.name not in page
        assert world.b.announcement.number not in page
    listed = client.get("/api/v1/inspections").get_json()["inspections"]
    assert {row["agency"]["code"] for row in listed} == {"XA-A"}


def test_mark_all_read_leaves_the_other_agency_alone(client, login, world):
    login(world.a.user)

    client.post("/portal/notifications/read-all")

    assert world.a.notification.read_at is not None
    assert world.b.notification.read_at is None
