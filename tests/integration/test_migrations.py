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


def test_a_database_holding_data_goes_down_and_up_through_table_rebuilds(app, make_user):
    """Downgrading past 0008 and upgrading again rebuilds `users` (SQLite batch mode) while
    other rows point at it: nothing may stop halfway, and every row stays."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import func, select, text

    from inspect_app.models import ApiToken, Role, User
    from inspect_app.services.users import create_token

    user = make_user(Role.INSPECTOR)
    create_token(user)
    db.session.commit()
    db.session.remove()

    downgrade(revision="0007_plan_proposal")
    upgrade()

    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(ApiToken.id))) == 1
    assert db.session.scalar(select(User.must_change_password)) is False
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            leftovers = connection.execute(
                text("SELECT name FROM sqlite_master WHERE name LIKE '_alembic_tmp%'")
            ).all()
            assert leftovers == []
