"""Helpers shared by the benchmarks: a throwaway app, timing, JSON output."""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def emit(name: str, n: int, app_s: float, floor_s: float, **extra) -> None:
    """One JSON line in the CONTRACTS 8 format."""
    line = {
        "name": name,
        "n": n,
        "app_s": round(app_s, 6),
        "floor_s": round(floor_s, 6),
        "ratio": round(app_s / floor_s, 2) if floor_s else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        **extra,
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)


@contextmanager
def timer():
    box = {}
    start = time.perf_counter()
    yield box
    box["s"] = time.perf_counter() - start


def bench_app(database_url: str | None = None):
    """An app on a fresh, migrated database (SQLite in a temp dir unless a URL is given)."""
    from flask_migrate import upgrade

    from inspect_app import create_app

    workdir = Path(tempfile.mkdtemp(prefix="inspect-bench-"))
    url = (
        database_url or os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    )
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "INSTANCE_DIR": str(workdir),
            "UPLOAD_DIR": str(workdir / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        upgrade()
    return app


def checklist_and_plan(prefix: str, items: int):
    """A template of `items` items coded PREFIX.1… and an approved 2026 plan (unsaved)."""
    from datetime import UTC, date, datetime

    from inspect_app.models import (
        ChecklistItem,
        ChecklistTemplate,
        Decision,
        DecisionKind,
        InspectionPlan,
        PlanStatus,
    )

    template = ChecklistTemplate(name=f"bench-{prefix}", version=1)
    for i in range(items):
        template.items.append(
            ChecklistItem(
                code=f"{prefix}.{i + 1}",
                group_code=prefix,
                group_title=prefix,
                text="x",
                position=i,
            )
        )
    decision = Decision(
        number=f"1/QĐ-{prefix}",
        signed_on=date(2026, 1, 2),
        year=2026,
        issuer="bench",
        kind=DecisionKind.PLAN_APPROVAL,
    )
    plan = InspectionPlan(
        year=2026,
        title=f"bench {prefix}",
        status=PlanStatus.APPROVED,
        decision=decision,
        approved_at=datetime.now(UTC),
    )
    return template, plan
