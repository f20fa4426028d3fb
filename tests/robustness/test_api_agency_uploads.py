"""Issue item 9: POST /api/v1/evidence follows the portal's rules for agency users."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    EvidenceFile,
    Finding,
    FindingStatus,
    InspectionMode,
    InspectionStatus,
    Role,
    Severity,
)
from inspect_app.models.base import utcnow
from inspect_app.services.portal import DOSSIER_DOCUMENT_TYPES

PDF = b"%PDF-1.4 agency file"


def upload(client, content=PDF, **fields):
    data = {"file": (io.BytesIO(content), "tai-lieu.pdf"), **fields}
    return client.post("/api/v1/evidence", data=data, content_type="multipart/form-data")


def files() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceFile))


@pytest.fixture
def agency_world(make_agency, make_user, make_inspection):
    agency = make_agency()
    dossier = make_inspection(
        agency=agency, mode=InspectionMode.DOSSIER, status=InspectionStatus.DOSSIER_REQUESTED
    )
    dossier.dossier_requested_at = utcnow()
    on_site = make_inspection(agency=agency, status=InspectionStatus.CONDUCTED)
    finding = Finding(inspection=on_site, severity=Severity.MINOR, description="Thiếu hồ sơ")
    db.session.add(finding)
    db.session.commit()
    return {
        "user": make_user(Role.AGENCY, agency=agency),
        "stranger": make_user(Role.AGENCY, agency=make_agency()),
        "dossier": dossier,
        "on_site": on_site,
        "finding": finding,
    }


def test_an_agency_attaches_a_file_to_its_own_dossier(client, login, agency_world):
    login(agency_world["user"])
    response = upload(
        client,
        inspection_id=agency_world["dossier"].id,
        document_type=DOSSIER_DOCUMENT_TYPES[0],
        effective_on="2024-03-15",
    )
    assert response.status_code == 201, response.json
    row = db.session.get(EvidenceFile, response.json["id"])
    assert (row.purpose, row.inspection_id, str(row.effective_on)) == (
        "dossier",
        agency_world["dossier"].id,
        "2024-03-15",
    )


def test_an_agency_attaches_corrective_action_evidence_to_its_own_finding(
    client, login, agency_world
):
    login(agency_world["user"])
    response = upload(client, finding_id=agency_world["finding"].id)
    assert response.status_code == 201, response.json
    row = db.session.get(EvidenceFile, response.json["id"])
    assert (row.purpose, row.finding_id) == ("response", agency_world["finding"].id)


@pytest.mark.parametrize(
    ("fields", "status", "needle"),
    [
        ({}, 422, None),
        ({"document_type": "Tài liệu bịa"}, 422, None),
        (
            {"document_type": DOSSIER_DOCUMENT_TYPES[0], "effective_on": "31/12/9999"},
            422,
            "effective_on",
        ),
        (
            {"document_type": DOSSIER_DOCUMENT_TYPES[0], "effective_on": "hôm qua"},
            422,
            "effective_on",
        ),
        ({"document_type": DOSSIER_DOCUMENT_TYPES[0], "effective_on": "1980-01-01"}, 422, None),
    ],
    ids=["no-fields", "unknown-type", "date-9999", "not-a-date", "too-early"],
)
def test_dossier_uploads_follow_the_portal_form_rules(
    client, login, agency_world, fields, status, needle
):
    login(agency_world["user"])
    response = upload(client, inspection_id=agency_world["dossier"].id, **fields)
    assert response.status_code == status and response.is_json
    if needle:
        assert needle in response.json["error"]
    assert files() == 0


def test_a_closed_dossier_or_an_answered_finding_refuses_files(client, login, agency_world):
    login(agency_world["user"])
    agency_world["dossier"].status = InspectionStatus.DOSSIER_RECEIVED
    agency_world["finding"].status = FindingStatus.RESPONDED
    agency_world["finding"].responded_at = utcnow()
    db.session.commit()
    fields = {"document_type": DOSSIER_DOCUMENT_TYPES[0], "effective_on": "2024-03-15"}
    assert upload(client, inspection_id=agency_world["dossier"].id, **fields).status_code == 409
    assert upload(client, finding_id=agency_world["finding"].id).status_code == 409
    assert files() == 0


def test_an_agency_cannot_attach_to_an_on_site_inspection(client, login, agency_world):
    login(agency_world["user"])
    assert upload(client, inspection_id=agency_world["on_site"].id).status_code == 403
    assert files() == 0


def test_another_agency_gets_404(client, login, agency_world):
    login(agency_world["stranger"])
    assert upload(client, inspection_id=agency_world["dossier"].id).status_code == 404
    assert upload(client, finding_id=agency_world["finding"].id).status_code == 404
    assert files() == 0
