"""CONTRACTS 7: every route against every kind of user, with the expected answer.

The principals: anonymous, agency B, an inspector off the team, agency A (owner of the
objects in the URLs), a viewer, an inspector on the team, and an admin. Objects outside a
user's reach answer 404; a role that may never use a route gets 403; anonymous users are
sent to the login page (401 on the API). A refused request changes nothing, and every
answer carries the security headers. A route
without an entry in EXPECTED fails the test, so new routes must state their rule.
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import func, select

from inspect_app.extensions import db
from tests.security.world import build_world

PRINCIPALS = (
    "anonymous",
    "agency_b",
    "inspector_off_team",
    "agency_a",
    "viewer",
    "inspector_on_team",
    "admin",
)


def policy(*answers: str) -> dict[str, str]:
    assert len(answers) == len(PRINCIPALS)
    return dict(zip(PRINCIPALS, answers, strict=True))


#                       anon     agency_b off      agency_a viewer   on_team  admin
PUBLIC = policy("ok", "ok", "ok", "ok", "ok", "ok", "ok")
LOGIN = policy("login", "ok", "ok", "ok", "ok", "ok", "ok")
ADMIN = policy("login", "403", "403", "403", "403", "403", "ok")
ADMIN_VIEWER = policy("login", "403", "403", "403", "ok", "403", "ok")
STAFF = policy("login", "403", "ok", "403", "ok", "ok", "ok")
INSPECTION_READ = policy("login", "404", "404", "ok", "ok", "ok", "ok")
#: role rule first (403 for roles that never write), then the object (404 off the team)
TEAM_WRITE = policy("login", "403", "404", "403", "403", "ok", "ok")
#: object first (404 outside reach), then who may write (403)
TEAM_WRITE_OBJECT_FIRST = policy("login", "404", "404", "403", "403", "ok", "ok")
LEAD_ONLY = policy("login", "404", "404", "403", "403", "403", "403")
OWN_AGENCY = policy("login", "404", "ok", "ok", "ok", "ok", "ok")
PORTAL = policy("login", "ok", "403", "ok", "403", "403", "403")
PORTAL_OBJECT = policy("login", "404", "403", "ok", "403", "403", "403")
OWN_NOTIFICATION = policy("login", "404", "404", "ok", "404", "404", "404")
API_LOGIN = policy("401", "ok", "ok", "ok", "ok", "ok", "ok")
API_INSPECTION_READ = policy("401", "404", "404", "ok", "ok", "ok", "ok")
API_TEAM_WRITE = policy("401", "404", "404", "403", "403", "ok", "ok")
API_STAFF = policy("401", "403", "ok", "403", "ok", "ok", "ok")
API_ADMIN_VIEWER = policy("401", "403", "403", "403", "ok", "403", "ok")
#: a staff work queue: agency users do not have it (404), like an object out of reach
STAFF_QUEUE = policy("login", "404", "ok", "404", "ok", "ok", "ok")
OWN_JOB = policy("login", "404", "404", "404", "ok", "404", "ok")
API_OWN_JOB = policy("401", "404", "404", "404", "ok", "404", "ok")
API_ADMIN = policy("401", "403", "403", "403", "403", "403", "ok")
LOGOUT = policy("login", "login", "login", "login", "login", "login", "login")

EXPECTED: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "static"): PUBLIC,
    ("GET", "bootstrap.static"): PUBLIC,
    ("GET", "main.index"): PUBLIC,
    ("GET", "main.healthz"): PUBLIC,
    ("GET", "main.favicon"): PUBLIC,
    ("GET", "inspections.service_worker"): PUBLIC,
    ("GET", "auth.login"): PUBLIC,
    ("POST", "auth.login"): PUBLIC,
    ("POST", "auth.logout"): LOGOUT,
    ("POST", "auth.set_language"): PUBLIC,
    ("GET", "auth.change_password"): LOGIN,
    ("POST", "auth.change_password"): LOGIN,
    ("GET", "conformity.public_register"): PUBLIC,
    ("GET", "api.conformity_register"): PUBLIC,
    # administration
    **{
        (m, f"admin.{e}"): ADMIN
        for m, e in [
            ("GET", "index"),
            ("GET", "audit_log"),
            ("GET", "audit_export"),
            ("GET", "user_list"),
            ("GET", "user_edit"),
            ("POST", "user_edit"),
            ("POST", "user_reset_password"),
            ("POST", "token_revoke"),
            ("GET", "user_create"),
            ("POST", "user_create"),
        ]
    },
    **{
        (m, f"checklists.{e}"): ADMIN
        for m, e in [
            ("GET", "index"),
            ("GET", "detail"),
            ("POST", "copy"),
            ("POST", "delete_item"),
            ("GET", "edit_item"),
            ("POST", "edit_item"),
            ("GET", "add_item"),
            ("POST", "add_item"),
        ]
    },
    # agencies and decisions
    ("GET", "agencies.index"): STAFF,
    ("GET", "agencies.detail"): OWN_AGENCY,
    **{
        (m, f"agencies.{e}"): ADMIN
        for m, e in [
            ("GET", "deactivate"),
            ("POST", "deactivate"),
            ("GET", "edit"),
            ("POST", "edit"),
            ("GET", "merge"),
            ("POST", "merge"),
            ("GET", "officer"),
            ("POST", "officer"),
            ("GET", "import_upload"),
            ("POST", "import_upload"),
            ("POST", "import_confirm"),
            ("GET", "create"),
            ("POST", "create"),
        ]
    },
    ("GET", "decisions.index"): ADMIN_VIEWER,
    ("GET", "decisions.download_file"): ADMIN_VIEWER,
    **{
        (m, f"decisions.{e}"): ADMIN
        for m, e in [
            ("GET", "edit"),
            ("POST", "edit"),
            ("GET", "create"),
            ("POST", "create"),
        ]
    },
    # plans
    **{("GET", f"plans.{e}"): STAFF for e in ["index", "detail", "annex", "annex_xlsx"]},
    **{
        (m, f"plans.{e}"): ADMIN
        for m, e in [
            ("GET", "amend"),
            ("POST", "amend"),
            ("GET", "approve"),
            ("POST", "approve"),
            ("GET", "bulk_add"),
            ("POST", "bulk_add"),
            ("POST", "close"),
            ("GET", "edit_inspection"),
            ("POST", "edit_inspection"),
            ("GET", "remove_inspection"),
            ("POST", "remove_inspection"),
            ("GET", "add_inspection"),
            ("POST", "add_inspection"),
            ("GET", "import_upload"),
            ("POST", "import_upload"),
            ("POST", "import_confirm"),
            ("GET", "create"),
            ("POST", "create"),
        ]
    },
    # the plan proposal (5.12)
    ("GET", "proposals.index"): ADMIN_VIEWER,
    ("GET", "proposals.settings"): ADMIN_VIEWER,
    ("POST", "proposals.settings"): ADMIN,
    ("POST", "proposals.save_lines"): ADMIN,
    # inspections, findings, evidence, record
    ("GET", "inspections.index"): LOGIN,
    ("GET", "inspections.detail"): INSPECTION_READ,
    ("GET", "inspections.checklist"): INSPECTION_READ,
    ("GET", "inspections.offline_data"): LOGIN,
    ("GET", "findings.index"): INSPECTION_READ,
    ("GET", "findings.detail"): INSPECTION_READ,
    ("GET", "findings.evidence_index"): INSPECTION_READ,
    ("GET", "findings.download_evidence"): INSPECTION_READ,
    ("GET", "findings.record"): INSPECTION_READ,
    ("POST", "inspections.change_status"): TEAM_WRITE_OBJECT_FIRST,
    ("POST", "inspections.record_details"): TEAM_WRITE_OBJECT_FIRST,
    ("POST", "inspections.resolve_conflict"): LEAD_ONLY,
    ("POST", "inspections.reopen"): ADMIN,
    ("POST", "findings.close"): TEAM_WRITE,
    ("POST", "findings.reopen"): TEAM_WRITE,
    ("POST", "findings.upload_evidence"): TEAM_WRITE,
    ("GET", "findings.create"): TEAM_WRITE,
    ("POST", "findings.create"): TEAM_WRITE,
    # portal and notifications
    ("GET", "portal.index"): PORTAL,
    ("GET", "portal.announcements"): PORTAL,
    ("GET", "portal.new_announcement"): PORTAL,
    ("POST", "portal.new_announcement"): PORTAL,
    ("GET", "portal.announcement"): PORTAL_OBJECT,
    ("GET", "portal.dossier"): PORTAL_OBJECT,
    ("POST", "portal.add_dossier_file"): PORTAL_OBJECT,
    ("POST", "portal.remove_dossier_file"): PORTAL_OBJECT,
    ("POST", "portal.submit_dossier"): PORTAL_OBJECT,
    ("GET", "portal.finding"): PORTAL_OBJECT,
    ("POST", "portal.respond"): PORTAL_OBJECT,
    ("GET", "portal.notifications_index"): LOGIN,
    ("POST", "portal.read_all_notifications"): LOGIN,
    ("POST", "portal.open_notification"): OWN_NOTIFICATION,
    ("POST", "portal.read_notification"): OWN_NOTIFICATION,
    # conformity (department side), reports, training
    ("GET", "conformity.admin_index"): ADMIN_VIEWER,
    ("GET", "conformity.announcement"): ADMIN_VIEWER,
    ("POST", "conformity.acknowledge"): ADMIN,
    ("POST", "conformity.return_announcement"): ADMIN,
    ("GET", "reports.index"): ADMIN_VIEWER,
    ("GET", "reports.export"): ADMIN_VIEWER,
    ("GET", "reports.import_upload"): ADMIN,
    ("POST", "reports.import_upload"): ADMIN,
    ("POST", "reports.import_confirm"): ADMIN,
    **{
        ("GET", f"training.{e}"): ADMIN_VIEWER
        for e in [
            "index",
            "detail",
            "attendance_sheet",
            "needs",
            "needs_xlsx",
            "register_xlsx",
            "summary",
        ]
    },
    **{
        (m, f"training.{e}"): ADMIN
        for m, e in [
            ("POST", "attendance"),
            ("GET", "candidates"),
            ("GET", "edit"),
            ("POST", "edit"),
            ("GET", "import_upload"),
            ("POST", "import_upload"),
            ("POST", "import_confirm"),
            ("POST", "add_participant"),
            ("POST", "remove_participant"),
            ("GET", "create"),
            ("POST", "create"),
        ]
    },
    # the regulation tracker (5.11)
    **{("GET", f"regulations.{e}"): STAFF for e in ["index", "agency", "documents", "document"]},
    **{
        (m, f"regulations.{e}"): ADMIN
        for m, e in [
            ("GET", "create_document"),
            ("POST", "create_document"),
            ("GET", "edit_document"),
            ("POST", "edit_document"),
            ("GET", "add_procedures"),
            ("POST", "add_procedures"),
            ("GET", "import_upload"),
            ("POST", "import_upload"),
            ("POST", "import_confirm"),
        ]
    },
    ("GET", "processes.index"): PORTAL,
    ("GET", "processes.new_process"): PORTAL,
    ("POST", "processes.new_process"): PORTAL,
    ("GET", "processes.new_version"): PORTAL_OBJECT,
    ("POST", "processes.new_version"): PORTAL_OBJECT,
    ("GET", "processes.download_file"): PORTAL_OBJECT,
    ("GET", "api.stale_processes"): API_LOGIN,
    # the API
    ("GET", "api.csrf_token"): API_LOGIN,
    ("GET", "api.list_inspections"): API_LOGIN,
    ("GET", "api.list_plans"): API_LOGIN,
    ("GET", "api.plan_inspections"): API_LOGIN,
    ("POST", "api.upload_evidence"): API_LOGIN,
    ("GET", "api.get_inspection"): API_INSPECTION_READ,
    ("GET", "api.download_evidence"): API_INSPECTION_READ,
    ("POST", "api.post_answers"): API_TEAM_WRITE,
    ("POST", "api.report_device"): API_TEAM_WRITE,
    ("GET", "api.get_tallies"): API_STAFF,
    ("GET", "api.list_training"): API_ADMIN_VIEWER,
    # official documents (Word) and their templates
    ("GET", "documents.record_docx"): INSPECTION_READ,
    ("GET", "documents.notice_docx"): INSPECTION_READ,
    ("GET", "documents.annex_docx"): STAFF,
    ("GET", "documents.report_docx"): ADMIN_VIEWER,
    ("GET", "documents.templates"): ADMIN,
    ("GET", "documents.template_download"): ADMIN,
    ("POST", "documents.template_upload"): ADMIN,
    ("POST", "documents.template_reset"): ADMIN,
    ("GET", "api.plan_proposal_json"): API_ADMIN_VIEWER,
    ("GET", "api.list_findings"): API_LOGIN,
    ("GET", "followup.findings_register"): LOGIN,
    ("GET", "followup.findings_export"): LOGIN,
    ("GET", "followup.work_queue"): STAFF_QUEUE,
    ("GET", "followup.account"): LOGIN,
    ("POST", "followup.account"): LOGIN,
    ("POST", "followup.calendar_settings"): LOGIN,
    # The secret in the URL is the credential: calendar applications send no cookie.
    ("GET", "followup.calendar"): PUBLIC,
    ("GET", "followup.failed_mail"): ADMIN,
    ("POST", "followup.resend_mail"): ADMIN,
    # jobs (the world holds a finished export of the viewer's)
    ("GET", "jobs.index"): LOGIN,
    ("GET", "jobs.show"): OWN_JOB,
    ("POST", "jobs.cancel"): OWN_JOB,
    ("GET", "api.get_job"): API_OWN_JOB,
    ("GET", "api.job_result"): API_OWN_JOB,
    ("POST", "api.cancel_job"): API_OWN_JOB,
    ("POST", "api.start_export"): API_LOGIN,
    ("POST", "api.start_import"): API_ADMIN,
}


def route_keys(app) -> list[tuple[str, str]]:
    return sorted(
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def test_every_route_has_an_expected_answer(app):
    keys = set(route_keys(app))
    assert keys - set(EXPECTED) == set(), "new routes need an entry in EXPECTED"
    assert set(EXPECTED) - keys == set(), "EXPECTED names routes that no longer exist"


def classify(response) -> str:
    code = response.status_code
    if code == 302 and "/login" in response.headers.get("Location", ""):
        return "login"
    if code in (401, 403, 404):
        return str(code)
    if code < 400 or code in (400, 409, 413, 422):
        return "ok"
    return str(code)


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "login_attempts"
    }


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda key: f"{key[0]} {key[1]}")
def test_route_answers_each_principal_as_expected(
    app, login, make_agency, make_user, make_plan, make_inspection, make_template, key
):
    method, endpoint = key
    world = build_world(make_agency, make_user, make_plan, make_inspection, make_template)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    params = {**world.params, **world.overrides.get(endpoint, {})}
    with app.test_request_context():
        url = url_for(endpoint, **{name: params[name] for name in rule.arguments})
    observed = {}
    for name in PRINCIPALS:
        client = app.test_client()
        if world.principals[name] is not None:
            login(world.principals[name], client)
        before = row_counts()
        with client.open(url, method=method, data={} if method == "POST" else None) as response:
            observed[name] = classify(response)
            # CONTRACTS 7: the security headers on every answer, errors and redirects included.
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        if observed[name] not in ("ok",) and endpoint not in ("auth.logout", "auth.login"):
            assert row_counts() == before, f"{name} was refused but something changed"
    assert observed == EXPECTED[key]
