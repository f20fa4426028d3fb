"""GET /api/v1/tallies p50 over 60,000 inspections (5 years x 12,000 agencies).

The floor is the same aggregates as raw SQL through the DB driver. Needs a database built by
`bench/generate.py`; adds one API user to it.

    .venv/bin/python bench/api_tallies.py --url sqlite:////tmp/bench.db
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import emit, percentile
from bench._floor import run_floor
from bench.tallies import count_inspections, make_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--from", dest="first", type=int, default=2021)
    parser.add_argument("--to", dest="last", type=int, default=2025)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    from sqlalchemy import select

    from inspect_app.extensions import db
    from inspect_app.models import Role, User
    from inspect_app.services.users import create_token, create_user

    app = make_app(args.url)
    client = app.test_client()
    with app.app_context():
        engine = db.engine
        user = db.session.scalar(select(User).where(User.username == "bench-api"))
        if user is None:
            user = create_user("bench-api", role=Role.VIEWER, password="bench-pass-1")
        _row, token = create_token(user)
        db.session.commit()
        n = count_inspections(engine, args.first, args.last)
        url = f"/api/v1/tallies?from={args.first}&to={args.last}"
        headers = {"Authorization": f"Bearer {token}"}
        app_times, floor_times = [], []
        for k in range(args.requests + 2):
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, response.get_data(as_text=True)
            if k >= 2:  # two warm-up requests
                app_times.append(elapsed)
            start = time.perf_counter()
            run_floor(engine, args.first, args.last)
            floor_times.append(time.perf_counter() - start)
    emit(
        f"api_tallies_p50[{engine.dialect.name}]",
        n,
        statistics.median(app_times),
        statistics.median(floor_times),
        p95_s=round(percentile(app_times, 0.95), 4),
    )


if __name__ == "__main__":
    main()
