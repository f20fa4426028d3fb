"""`plan_proposal.propose(Y)` over the national-scale register (DESIGN 5.12, goal ≤ 1 s).

Run `bench/generate.py` into the database first (12,000 agencies, 120,000 inspections). The
generator writes no ISO officer history; this script adds one officer per agency and a
change for a third of them (after their last inspection) when the table is empty, so that
every reason query has rows to read.

The floor runs the same statement (every reason query joined onto the agencies) as raw SQL
through the DB driver (compiled with
literal values) and fetches every row; the app also merges them per agency, scores,
selects, assigns modes and quarters, and builds the JSON the API sends.

    .venv/bin/python bench/proposal.py --url sqlite:////tmp/bench.db
    .venv/bin/python bench/proposal.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pg
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import emit

TODAY = date(2026, 12, 3)


def make_app(url: str):
    from inspect_app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "INSTANCE_DIR": "/tmp/inspect-bench",
        }
    )


def ensure_officers(engine) -> int:
    """One part-time ISO officer per agency, and a later one for a third of them."""
    from sqlalchemy import text

    with engine.begin() as conn:
        if conn.execute(text("SELECT count(*) FROM iso_officers")).scalar():
            return 0
        ids = [row[0] for row in conn.execute(text("SELECT id FROM agencies ORDER BY id"))]
        rng = random.Random(18)
        rows = []
        for agency_id in ids:
            changed = rng.random() < 1 / 3
            until = date(2025, 8, 31) if changed else None
            rows.append(
                {"a": agency_id, "n": f"Cán bộ {agency_id}", "s": date(2016, 1, 4), "u": until}
            )
            if changed:
                rows.append(
                    {
                        "a": agency_id,
                        "n": f"Cán bộ mới {agency_id}",
                        "s": date(2025, 9, 1),
                        "u": None,
                    }
                )
        conn.execute(
            text(
                "INSERT INTO iso_officers (agency_id, name, since, until, part_time) "
                "VALUES (:a, :n, :s, :u, TRUE)"
            ),
            rows,
        )
        return len(rows)


def floor_statements(engine, year: int) -> list[str]:
    """The proposal's statement (agencies, history, every reason) as plain SQL."""
    from inspect_app.services import plan_proposal as pp

    statement = pp.proposal_statement(pp._context(year, TODAY), pp.REASONS)
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    # psycopg runs a statement without parameters as it is: undo the paramstyle's %% escape
    return [sql.replace("%%", "%") if engine.dialect.name == "postgresql" else sql]


def run_floor(engine, statements: list[str]) -> int:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        fetched = 0
        for statement in statements:
            cursor.execute(statement)
            fetched += len(cursor.fetchall())
        raw.rollback()
        return fetched
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from inspect_app.extensions import db
    from inspect_app.services import plan_proposal as pp

    app = make_app(args.url)
    with app.app_context():
        engine = db.engine
        added = ensure_officers(engine)
        if added:
            print(f"added {added} ISO officer rows", file=sys.stderr)
        statements = floor_statements(engine, args.year)
        proposal = pp.propose(args.year, today=TODAY)  # warm-up
        db.session.rollback()
        run_floor(engine, statements)
        app_times, floor_times, app_cpu, floor_cpu = [], [], [], []
        for _ in range(args.rounds):
            start, cpu = time.perf_counter(), time.process_time()
            proposal = pp.propose(args.year, today=TODAY)
            json.dumps(proposal.as_json(), ensure_ascii=False)
            db.session.rollback()
            app_times.append(time.perf_counter() - start)
            app_cpu.append(time.process_time() - cpu)
            start, cpu = time.perf_counter(), time.process_time()
            run_floor(engine, statements)
            floor_times.append(time.perf_counter() - start)
            floor_cpu.append(time.process_time() - cpu)
        totals = proposal.totals()
    app_s = statistics.median(app_times)
    emit(
        f"plan_proposal[{engine.dialect.name}]",
        totals["agencies"],
        app_s,
        statistics.median(floor_times),
        # this process's CPU time: what the figure is on a machine nobody else uses (the
        # database server's own CPU is not in it on PostgreSQL)
        app_cpu_s=round(statistics.median(app_cpu), 3),
        floor_cpu_s=round(statistics.median(floor_cpu), 3),
        load_avg=round(os.getloadavg()[0], 1),
        selected=totals["selected"],
        on_site=totals["on_site"],
        goal_s=1.0,
        within_goal=app_s <= 1.0,
    )


if __name__ == "__main__":
    main()
