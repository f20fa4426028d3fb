"""`tallies.tally_report` against the same aggregates in raw SQL (CONTRACTS 8).

Run `bench/generate.py` into the database first (120,000 inspections over 2016-2025).

    .venv/bin/python bench/tallies.py --url sqlite:////tmp/bench.db
    .venv/bin/python bench/tallies.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pg
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import emit
from bench._floor import run_floor


def make_app(url: str):
    from inspect_app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "INSTANCE_DIR": "/tmp/inspect-bench",
        }
    )


def count_inspections(engine, first: int, last: int) -> int:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(
            "SELECT count(*) FROM inspections i JOIN inspection_plans p ON p.id = i.plan_id "
            f"WHERE p.year BETWEEN {first} AND {last}"
        )
        return cursor.fetchone()[0]
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--from", dest="first", type=int, default=2016)
    parser.add_argument("--to", dest="last", type=int, default=2025)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from inspect_app.extensions import db
    from inspect_app.services import tallies

    app = make_app(args.url)
    with app.app_context():
        engine = db.engine
        n = count_inspections(engine, args.first, args.last)
        app_times, floor_times = [], []
        tallies.tally_report(args.first, args.last)  # warm-up
        run_floor(engine, args.first, args.last)
        for _ in range(args.rounds):
            start = time.perf_counter()
            tallies.tally_report(args.first, args.last)
            db.session.rollback()
            app_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            run_floor(engine, args.first, args.last)
            floor_times.append(time.perf_counter() - start)
    emit(
        f"tallies[{engine.dialect.name}]",
        n,
        statistics.median(app_times),
        statistics.median(floor_times),
    )


if __name__ == "__main__":
    main()
