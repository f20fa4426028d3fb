"""A 40-op answer batch through POST /api/v1/inspections/<id>/answers.

Each round posts 40 fresh ops (one per checklist item, each on the item's current rev) with
a bearer token, through the WSGI app in-process. The floor does the same writes with raw
SQL through the DB driver (update/insert the answer, a history row and a sync-op row per
op, one transaction per batch). Prints p50/p95 of the app and the ratio of the medians.

    .venv/bin/python bench/sync_batch.py [--rounds 200]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/sync_batch.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bench._common import bench_app, checklist_and_plan, emit, percentile

ITEMS = 40


def setup(app):
    from inspect_app.extensions import db
    from inspect_app.models import (
        Agency,
        AgencyLevel,
        Inspection,
        InspectionMode,
        Role,
    )
    from inspect_app.services.users import create_token, create_user

    with app.app_context():
        user = create_user("bench", role=Role.INSPECTOR, password="bench-pass-1")
        template, plan = checklist_and_plan("B", ITEMS)
        inspections = []
        for k in range(2):
            agency = Agency(code=f"B{k}", name=f"Bench {k}", level=AgencyLevel.COMMUNE)
            inspections.append(
                Inspection(
                    plan=plan,
                    agency=agency,
                    mode=InspectionMode.ON_SITE,
                    lead=user,
                    template=template,
                )
            )
        db.session.add_all(inspections)
        db.session.flush()
        _row, token = create_token(user)
        db.session.commit()
        item_ids = [item.id for item in template.items]
        return token, user.id, [i.id for i in inspections], item_ids


def app_round(client, token, inspection_id, revs):
    ops = [
        {
            "op_id": str(uuid.uuid4()),
            "item": f"B.{i + 1}",
            "result": "conform" if (revs[i] % 2 == 0) else "nonconform",
            "note": f"ghi chú {revs[i]}",
            "base_rev": revs[i],
            "client_ts": datetime.now(UTC).isoformat(),
        }
        for i in range(ITEMS)
    ]
    start = time.perf_counter()
    response = client.post(
        f"/api/v1/inspections/{inspection_id}/answers",
        json={"ops": ops},
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - start
    results = response.get_json()["results"]
    assert response.status_code == 200 and all(r["status"] == "applied" for r in results), results[
        :2
    ]
    for i, result in enumerate(results):
        revs[i] = result["rev"]
    return elapsed


def floor_round(engine, user_id, inspection_id, item_ids, revs):
    """The plainest direct implementation of the same writes."""
    now = datetime.now(UTC)
    start = time.perf_counter()
    with engine.begin() as conn:
        for i, item_id in enumerate(item_ids):
            rev = revs[i] + 1
            result = "conform" if revs[i] % 2 == 0 else "nonconform"
            if revs[i] == 0:
                answer_id = conn.execute(
                    text(
                        "INSERT INTO answers (inspection_id, item_id, result, note, rev, "
                        "updated_by_id, updated_at) "
                        "VALUES (:i, :it, :r, :n, 1, :u, :t) RETURNING id"
                    ),
                    {
                        "i": inspection_id,
                        "it": item_id,
                        "r": result,
                        "n": "x",
                        "u": user_id,
                        "t": now,
                    },
                ).scalar_one()
            else:
                answer_id = conn.execute(
                    text(
                        "UPDATE answers SET result=:r, note=:n, rev=:rev, updated_at=:t "
                        "WHERE inspection_id=:i AND item_id=:it AND rev=:base RETURNING id"
                    ),
                    {
                        "r": result,
                        "n": "x",
                        "rev": rev,
                        "t": now,
                        "i": inspection_id,
                        "it": item_id,
                        "base": revs[i],
                    },
                ).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO answer_history (answer_id, rev, result, note, changed_by_id, "
                    "changed_at, source) VALUES (:a, :rev, :r, :n, :u, :t, 'sync')"
                ),
                {"a": answer_id, "rev": rev, "r": result, "n": "x", "u": user_id, "t": now},
            )
            conn.execute(
                text(
                    "INSERT INTO sync_ops (op_id, payload_hash, user_id, inspection_id, status, "
                    "rev, created_at) VALUES (:o, :h, :u, :i, 'applied', :rev, :t)"
                ),
                {
                    "o": str(uuid.uuid4()),
                    "h": "0" * 64,
                    "u": user_id,
                    "i": inspection_id,
                    "rev": rev,
                    "t": now,
                },
            )
            revs[i] = rev
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    app = bench_app()
    token, user_id, (app_inspection, floor_inspection), item_ids = setup(app)
    client = app.test_client()
    from inspect_app.extensions import db

    app_revs = [0] * ITEMS
    floor_revs = [0] * ITEMS
    app_times, floor_times = [], []
    with app.app_context():
        engine = db.engine
        for _ in range(5):  # warm-up
            app_round(client, token, app_inspection, app_revs)
            floor_round(engine, user_id, floor_inspection, item_ids, floor_revs)
        for _ in range(args.rounds):
            app_times.append(app_round(client, token, app_inspection, app_revs))
            floor_times.append(floor_round(engine, user_id, floor_inspection, item_ids, floor_revs))
        backend = engine.dialect.name
    emit(
        f"sync_batch_40_ops[{backend}]",
        args.rounds,
        statistics.median(app_times),
        statistics.median(floor_times),
        app_p50_s=round(percentile(app_times, 0.5), 6),
        app_p95_s=round(percentile(app_times, 0.95), 6),
        floor_p95_s=round(percentile(floor_times, 0.95), 6),
    )


if __name__ == "__main__":
    main()
