"""Issue item 6: a file is downloadable by exactly those who may see the object it belongs to."""

from __future__ import annotations

import io

import pytest

from inspect_app.extensions import db
from inspect_app.models import Finding, InspectionMode, InspectionStatus, Role, Severity
from inspect_app.services import evidence

PDF = b"%PDF-1.4 "


def _upload(tag: str):
    stream = io.BytesIO(PDF + tag.encode())
    stream.filename = f"{tag}.pdf"
    return stream


@pytest.fixture
def world(make_user, make_agency, make_inspection, make_decision):
    """One file of each kind, none of them in an inspection of `outsider`'s team."""
    agency, other_agency = make_agency(), make_agency()
    lead = make_user(Role.INSPECTOR)
    admin = make_user(Role.ADMIN)
    inspection = make_inspection(
        agency=agency,
        lead=lead,
        mode=InspectionMode.DOSSIER,
        status=InspectionStatus.IN_PROGRESS,
    )
    finding = Finding(
        inspection=inspection, severity=Severity.MINOR, description="Chưa có biên bản"
    )
    db.session.add(finding)
    db.session.flush()
    files = {
        "decision": evidence.attach_decision_file(_upload("decision"), make_decision(), admin),
        "announcement": evidence.attach_evidence(
            _upload("announcement"), purpose="announcement", agency=agency, uploaded_by=admin
        ),
        "dossier": evidence.attach_evidence(
            _upload("dossier"), inspection=inspection, purpose="dossier", uploaded_by=admin
        ),
        "response": evidence.attach_evidence(
            _upload("response"), finding=finding, purpose="response", uploaded_by=admin
        ),
    }
    db.session.commit()
    users = {
        "admin": admin,
        "viewer": make_user(Role.VIEWER),
        "lead": lead,
        "outsider": make_user(Role.INSPECTOR),
        "own_agency": make_user(Role.AGENCY, agency=agency),
        "other_agency": make_user(Role.AGENCY, agency=other_agency),
    }
    return files, users


#: who may download which kind of file (the pages of the owning object decide).
ALLOWED = {
    "decision": {"admin", "viewer"},
    "announcement": {"admin", "viewer", "own_agency"},
    "dossier": {"admin", "viewer", "lead", "own_agency"},
    "response": {"admin", "viewer", "lead", "own_agency"},
}


@pytest.mark.parametrize("kind", sorted(ALLOWED))
@pytest.mark.parametrize(
    "who", ["admin", "viewer", "lead", "outsider", "own_agency", "other_agency"]
)
@pytest.mark.parametrize("url", ["/evidence/{id}", "/api/v1/evidence/{id}"])
def test_downloads_follow_the_owning_object(client, login, world, kind, who, url):
    files, users = world
    login(users[who])
    response = client.get(url.format(id=files[kind].id))
    response.close()
    assert response.status_code == (200 if who in ALLOWED[kind] else 404)
