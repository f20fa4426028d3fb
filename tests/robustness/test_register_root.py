"""Issue item 10: the register's root, the provincial People's Committee (DESIGN 5.3)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import Agency, AgencyLevel
from tests.unit.test_agency_import import count, import_bytes, workbook

ROOT = "UBND tỉnh Quảng Ngãi"


def _register(parent: str) -> bytes:
    """Communes and departments under the People's Committee, as a province's register is."""
    rows = [("SO-TP", "Sở Tư pháp", "Cấp tỉnh", parent)]
    rows += [(f"XA-{n}", f"UBND xã Thử {n}", "Cấp xã", parent) for n in range(1, 40)]
    return workbook(*rows)


def test_seed_demo_makes_the_people_s_committee_the_root(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    root = db.session.scalar(select(Agency).where(Agency.name == ROOT))
    assert root is not None and root.parent_id is None
    assert root.level is AgencyLevel.PROVINCIAL
    for code in ("SO-TP", "SO-KHCN", "VP-UBND"):
        assert db.session.scalar(select(Agency).where(Agency.code == code)).parent_id == root.id
    communes = db.session.scalars(
        select(Agency).where(Agency.level == AgencyLevel.COMMUNE, Agency.active_to.is_(None))
    ).all()
    assert len(communes) == 96 and {c.parent_id for c in communes} == {root.id}


def test_the_demo_register_accepts_a_file_naming_the_root(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    before = count(Agency)
    result = import_bytes(_register(ROOT))
    assert result.ok, result.errors
    assert count(Agency) == before + 39  # SO-TP is updated; the root is matched, not doubled
    root = db.session.scalar(select(Agency).where(Agency.name == ROOT))
    assert db.session.scalar(select(Agency).where(Agency.code == "XA-39")).parent_id == root.id


@pytest.mark.parametrize(
    "spelling", [ROOT, "Ủy ban nhân dân tỉnh Quảng Ngãi", "ubnd TỈNH quảng ngãi"]
)
def test_an_import_into_an_empty_register_creates_the_root(app, spelling):
    result = import_bytes(_register(spelling))
    assert result.ok, result.errors
    roots = db.session.scalars(select(Agency).where(Agency.parent_id.is_(None))).all()
    assert [(r.code, r.level) for r in roots] == [("UBND-TINH", AgencyLevel.PROVINCIAL)]
    assert count(Agency) == 41
    assert {a.parent_id for a in db.session.scalars(select(Agency)) if a.code != "UBND-TINH"} == {
        roots[0].id
    }


def test_an_unknown_parent_that_is_not_a_people_s_committee_is_still_an_error(app):
    result = import_bytes(_register("Bộ Khoa học và Công nghệ"))
    assert not result.ok
    assert any("không tìm thấy cơ quan cấp trên" in e for e in result.errors)
    assert count(Agency) == 0
