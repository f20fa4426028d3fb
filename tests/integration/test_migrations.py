"""Migrations match the models and form one date-prefixed chain."""

import re
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from inspect_app.config import PROJECT_DIR
from inspect_app.extensions import db

MIGRATIONS = PROJECT_DIR / "migrations"


def script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_migrated_database_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_database_is_at_the_single_head(app):
    heads = script_directory().get_heads()

    assert len(heads) == 1
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == heads[0]


def test_revision_files_are_date_prefixed():
    files = sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py"))

    assert files
    for name in files:
        assert re.match(r"^\d{8}_", name), name
        datetime.strptime(name[:8], "%Y%m%d")  # a real calendar date


def test_revisions_form_one_chain_in_date_order():
    scripts = script_directory()
    chain = list(reversed(list(scripts.walk_revisions())))

    assert chain[0].down_revision is None
    assert [Path(rev.path).name for rev in chain] == sorted(Path(rev.path).name for rev in chain)
    for previous, current in pairwise(chain):
        assert current.down_revision == previous.revision
