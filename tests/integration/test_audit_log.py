"""The audit log records changes and cannot be changed itself."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from inspect_app.extensions import db
from inspect_app.models import AuditLog, Role
from inspect_app.services.users import create_user


def test_changes_are_recorded_without_secrets(app, make_user):
    create_user("bob", role=Role.INSPECTOR, password="long-enough-1")
    db.session.commit()
    entry = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "users"))
    assert entry.action == "create" and entry.after["username"] == "bob"
    assert "password_hash" not in entry.after


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(AuditLog).values(action="tampered"),
        lambda: delete(AuditLog),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_the_log(app, statement):
    create_user("bob", role=Role.INSPECTOR, password="long-enough-1")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(statement())
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(AuditLog.action)) == "create"


def test_no_code_path_updates_or_deletes_the_log():
    from pathlib import Path

    import inspect_app

    root = Path(inspect_app.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for needle in (
            "update(AuditLog",
            "delete(AuditLog",
            "AuditLog).update",
            "AuditLog).delete",
        ):
            if needle in source:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []
