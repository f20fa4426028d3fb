"""backup -o FILE / restore FILE: everything comes back, or nothing is written."""

from __future__ import annotations

import io
import tarfile

from sqlalchemy import func, select

from inspect_app import create_app
from inspect_app.extensions import db
from inspect_app.models import Agency, EvidenceFile
from tests.conftest import _config, upgrade_to_head


def add_evidence_file(content: bytes, name: str = "bang-chung.pdf") -> EvidenceFile:
    """A stored blob and its evidence row (the department's own file, tied to nothing)."""
    from inspect_app.storage import store_upload

    stored = store_upload(io.BytesIO(content), name)
    row = EvidenceFile(
        purpose="decision",
        original_name=stored.name,
        stored_id=stored.stored_id,
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
    )
    db.session.add(row)
    db.session.commit()
    return row


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def yearly(app) -> list[tuple]:
    from inspect_app.services.dashboard import yearly_counts

    return [
        (r["year"], r["inspected"], r["on_site"], r["dossier"]) for r in yearly_counts(2017, 2020)
    ]


def test_backup_then_restore_reproduces_counts_tallies_and_files(app, runner, tmp_path):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    row = add_evidence_file(b"%PDF-1.4 evidence")
    upload = tmp_path / "uploads" / row.stored_id
    before_counts, before_tallies = table_counts(), yearly(app)
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("uploads/") for n in names)

    if db.engine.dialect.name == "sqlite":
        target = create_app(_config(tmp_path / "restored", f"sqlite:///{tmp_path / 'restored.db'}"))
    else:
        # On PostgreSQL, empty this very database and restore into it.
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "audit_log":
                db.session.execute(table.delete())
        db.session.execute(db.text("TRUNCATE audit_log"))
        db.session.commit()
        target = create_app(
            _config(tmp_path / "restored", db.engine.url.render_as_string(hide_password=False))
        )
    upgrade_to_head(target)
    # The CLI runs in the app context that is active, so make it the target's.
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert table_counts() == before_counts
        assert (
            yearly(target)
            == before_tallies
            == [
                (2017, 36, 10, 26),
                (2018, 46, 15, 31),
                (2019, 64, 24, 40),
                (2020, 65, 50, 15),
            ]
        )
        agency = db.session.scalar(select(Agency).where(Agency.merged_into_id.is_not(None)))
        assert agency.merged_into is not None
        db.session.remove()  # give the connection back before closing the pool
        db.engine.dispose()
    restored_upload = tmp_path / "restored" / "uploads" / upload.relative_to(tmp_path / "uploads")
    assert restored_upload.read_bytes() == b"%PDF-1.4 evidence"


def test_restore_refuses_a_database_that_is_not_empty(app, runner, tmp_path, make_agency):
    make_agency()
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", "-o", str(archive)]).exit_code == 0
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert db.session.scalar(select(func.count()).select_from(Agency)) == 1


def test_restore_refuses_garbage(app, runner, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    result = runner.invoke(args=["restore", str(junk)])
    assert result.exit_code != 0 and "not a backup archive" in result.output
    assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
