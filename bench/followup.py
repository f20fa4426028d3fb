"""Follow-up at national scale (DESIGN 5.10): the findings register API and the work queues.

Reads a database built by `bench/generate.py` (~45,000 findings); adds one admin API user.

- `api_findings_overdue_p50`: `GET /api/v1/findings?overdue=1&limit=1000` (bearer token,
  in-process WSGI) against the floor: the same filtered rows, 1000 of them, as raw SQL.
- `api_findings_page_p50`: `GET /api/v1/findings?limit=1000&cursor=<middle>`, same floor idea.
- `admin_queues_p50`: `work_queues.queues_for(admin)` (counts and first rows of eight queues)
  against the plain COUNT(*) of the same conditions as raw SQL.

    .venv/bin/python bench/followup.py --url sqlite:////tmp/bench.db
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import emit, percentile
from bench.tallies import make_app

OVERDUE_SQL = (
    "SELECT f.id, f.inspection_id, p.year, a.code, a.name, f.severity, f.status, f.requirement,"
    " f.due_on FROM findings f JOIN inspections i ON i.id = f.inspection_id"
    " JOIN inspection_plans p ON p.id = i.plan_id JOIN agencies a ON a.id = i.agency_id"
    " WHERE f.status IN ('open', 'reopened', 'responded') AND f.due_on IS NOT NULL"
    " AND f.due_on < :today ORDER BY f.id LIMIT 1000"
)
PAGE_SQL = (
    "SELECT f.id, f.inspection_id, p.year, a.code, a.name, f.severity, f.status, f.requirement,"
    " f.due_on FROM findings f JOIN inspections i ON i.id = f.inspection_id"
    " JOIN inspection_plans p ON p.id = i.plan_id JOIN agencies a ON a.id = i.agency_id"
    " WHERE f.id > :cursor ORDER BY f.id LIMIT 1000"
)
QUEUE_SQL = (
    "SELECT"
    " (SELECT count(*) FROM findings WHERE status IN ('open','reopened','responded')"
    "   AND due_on < :today),"
    " (SELECT count(*) FROM findings WHERE status = 'responded'),"
    " (SELECT count(*) FROM inspections WHERE status = 'dossier_received'),"
    " (SELECT count(DISTINCT inspection_id) FROM answer_conflicts WHERE resolved_at IS NULL),"
    " (SELECT count(*) FROM conformity_announcements WHERE status = 'submitted'),"
    " (SELECT count(*) FROM inspection_plans WHERE status = 'draft'),"
    " (SELECT count(*) FROM outbound_emails WHERE status = 'failed')"
)


def _timed(fn, rounds: int) -> list[float]:
    times = []
    for k in range(rounds + 2):
        start = time.perf_counter()
        fn()
        if k >= 2:  # two warm-up rounds
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    from sqlalchemy import func, select, text

    from inspect_app import clock
    from inspect_app.extensions import db
    from inspect_app.models import Finding, Role, User
    from inspect_app.services import work_queues
    from inspect_app.services.users import create_token, create_user

    app = make_app(args.url)
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bench-admin"))
        if user is None:
            user = create_user("bench-admin", role=Role.ADMIN, password="bench-pass-1")
        _row, token = create_token(user)
        db.session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        today = clock.today()
        total = db.session.scalar(select(func.count()).select_from(Finding))
        middle = db.session.scalar(select(func.min(Finding.id))) + total // 2
        dialect = db.engine.dialect.name

        def api(url):
            def call():
                response = client.get(url, headers=headers)
                assert response.status_code == 200, response.get_data(as_text=True)

            return call

        def floor(sql, **params):
            def call():
                with db.engine.connect() as conn:
                    conn.execute(text(sql), params).fetchall()

            return call

        cases = (
            ("api_findings_overdue_p50", "/api/v1/findings?overdue=1&limit=1000",
             floor(OVERDUE_SQL, today=today)),
            ("api_findings_page_p50", f"/api/v1/findings?limit=1000&cursor={middle}",
             floor(PAGE_SQL, cursor=middle)),
        )  # fmt: skip
        for name, url, floor_call in cases:
            app_times = _timed(api(url), args.requests)
            floor_times = _timed(floor_call, args.requests)
            emit(
                f"{name}[{dialect}]",
                total,
                statistics.median(app_times),
                statistics.median(floor_times),
                p95_s=round(percentile(app_times, 0.95), 4),
            )
        app_times = _timed(lambda: work_queues.queues_for(user, today), args.requests)
        floor_times = _timed(floor(QUEUE_SQL, today=today), args.requests)
        emit(
            f"admin_queues_p50[{dialect}]",
            total,
            statistics.median(app_times),
            statistics.median(floor_times),
            p95_s=round(percentile(app_times, 0.95), 4),
        )


if __name__ == "__main__":
    main()
