"""The stale-process query (5.11) over 12,000 agencies x 30 ISO processes.

Builds its own data (recreating the database it is given; default SQLite in a temp folder):
400 legal documents, 60 of them later amended or replaced, 360,000 processes citing three
documents each (one of 20 national documents, two provincial ones), one or two versions.
Then measures, each against the same SQL run raw through the DB driver (the floor):

- `stale_counts`: `regulations.stale_counts_by_agency(today)`, stale and overdue per agency
  for the whole country (what the plan proposal reads);
- `stale_api_page`: p50 of `GET /api/v1/regulations/stale?limit=100` (bearer token,
  in-process WSGI), first page and a page from the middle;
- `stale_agency`: p50 of one agency's stale list with reasons
  (`GET /api/v1/regulations/stale?agency=CODE`).

    .venv/bin/python bench/regulations.py [--url U] [--agencies 12000] [--processes 30]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_app, emit, percentile, timer

TODAY = date(2026, 12, 3)
BATCH = 20_000


def _insert(conn, table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[start : start + BATCH])


def analyze(app) -> None:
    """Planner statistics, committed (a rolled-back ANALYZE leaves none on PostgreSQL)."""
    from inspect_app.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def build(app, agencies: int, per_agency: int) -> dict:
    """The data set, written with bulk inserts; returns what the measurements need."""
    from inspect_app.extensions import db
    from inspect_app.models import (
        Agency,
        IsoProcess,
        LegalDocument,
        LegalDocumentChange,
        ProcessVersion,
        process_legal_bases,
    )

    rng = random.Random(17)
    with app.app_context(), db.engine.begin() as conn:
        _insert(
            conn,
            Agency.__table__,
            [
                {
                    "id": i,
                    "code": f"AG{i:05d}",
                    "name": f"Cơ quan {i}",
                    "name_key": f"co quan {i}",
                    "level": "commune",
                    "created_at": TODAY,
                    "updated_at": TODAY,
                }
                for i in range(1, agencies + 1)
            ],
        )
        docs = []
        for i in range(1, 401):
            signed = date(2014, 1, 1) + timedelta(days=rng.randrange(0, 2000))
            docs.append(
                {
                    "id": i,
                    "number": f"{i}/QĐ-BENCH",
                    "number_key": f"{i}/qđ-bench",
                    "kind": "decree" if i <= 20 else "decision",
                    "summary": f"Văn bản {i}",
                    "search_text": f"van ban {i}",
                    "issuer": "",
                    "signed_on": signed,
                    "effective_on": signed,
                    "created_at": TODAY,
                }
            )
        # 60 later documents (401..460) amend or replace 60 of the first 400 (4 national ones)
        targets = [1, 2, 3, 4] + rng.sample(range(21, 401), 56)
        changes = []
        for k, target in enumerate(targets):
            doc_id = 401 + k
            effective = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 2800))
            docs.append(
                {
                    "id": doc_id,
                    "number": f"{doc_id}/QĐ-BENCH",
                    "number_key": f"{doc_id}/qđ-bench",
                    "kind": "decision",
                    "summary": f"Sửa đổi văn bản {target}",
                    "search_text": f"sua doi van ban {target}",
                    "issuer": "",
                    "signed_on": effective,
                    "effective_on": effective,
                    "created_at": TODAY,
                }
            )
            changes.append(
                {
                    "document_id": doc_id,
                    "target_id": target,
                    "change": "amended" if k % 3 else "replaced",
                    "effective_on": effective,
                }
            )
        _insert(conn, LegalDocument.__table__, docs)
        _insert(conn, LegalDocumentChange.__table__, changes)
        processes, bases, versions = [], [], []
        pid = 0
        for agency_id in range(1, agencies + 1):
            for n in range(per_agency):
                pid += 1
                first = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 1500))
                dates = [first]
                if rng.random() < 0.5:
                    dates.append(first + timedelta(days=rng.randrange(200, 2000)))
                processes.append(
                    {
                        "id": pid,
                        "agency_id": agency_id,
                        "code": f"QT-{n:02d}",
                        "name": f"Quy trình {n}",
                        "version_date": dates[-1],
                        "version_number": f"{len(dates):02d}",
                        "created_at": TODAY,
                    }
                )
                cited = {rng.randrange(1, 21), *rng.sample(range(21, 401), 2)}
                bases += [{"process_id": pid, "document_id": d} for d in cited]
                text = "; ".join(f"{d}/QĐ-BENCH" for d in sorted(cited))
                versions += [
                    {"process_id": pid, "issued_on": d, "number": "", "legal_bases": text}
                    for d in dates
                ]
        _insert(conn, IsoProcess.__table__, processes)
        _insert(conn, process_legal_bases, bases)
        _insert(conn, ProcessVersion.__table__, versions)
    analyze(app)
    return {"processes": pid, "agencies": agencies}


FLOOR_DERIVED = """
SELECT s.agency_id, count(*), sum(CASE WHEN s.since < :overdue THEN 1 ELSE 0 END)
FROM (
  SELECT p.id, p.agency_id, min(c.effective_on) AS since
  FROM legal_document_changes c
  JOIN process_legal_bases b ON b.document_id = c.target_id
  JOIN iso_processes p ON p.id = b.process_id
  WHERE c.effective_on <= :today AND c.effective_on > p.version_date
  GROUP BY p.id, p.agency_id
) s GROUP BY s.agency_id
"""
FLOOR_COUNTS = """
SELECT agency_id, count(*), sum(CASE WHEN stale_since < :overdue THEN 1 ELSE 0 END)
FROM iso_processes WHERE stale_since <= :today GROUP BY agency_id
"""
#: one page as the API builds it: the rows, the processes with their agency, the reasons.
FLOOR_PAGE = (
    """
SELECT id FROM iso_processes
WHERE stale_since <= :today AND id > :after {agency} ORDER BY id LIMIT 101
""",
    """
SELECT p.id, p.code, p.name, p.version_date, p.stale_since, a.code, a.name
FROM iso_processes p JOIN agencies a ON a.id = p.agency_id WHERE p.id IN ({ids})
""",
    "SELECT process_id, document_id FROM process_legal_bases WHERE process_id IN ({ids})",
    """
SELECT c.target_id, t.number, s.number, c.change, c.effective_on
FROM legal_document_changes c
JOIN legal_documents t ON t.id = c.target_id
JOIN legal_documents s ON s.id = c.document_id
WHERE c.target_id IN ({docs}) AND c.effective_on <= :today
ORDER BY c.effective_on
""",
)


def floor_page(engine, *, today, after, agency="") -> float:
    from sqlalchemy import text

    start = time.perf_counter()
    with engine.connect() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                text(FLOOR_PAGE[0].format(agency=agency)), {"today": today, "after": after}
            )
        ]
        listed = ",".join(str(i) for i in ids) or "0"
        conn.execute(text(FLOOR_PAGE[1].format(ids=listed))).all()
        docs = {row[1] for row in conn.execute(text(FLOOR_PAGE[2].format(ids=listed)))}
        docs_listed = ",".join(str(d) for d in docs) or "0"
        conn.execute(text(FLOOR_PAGE[3].format(docs=docs_listed)), {"today": today}).all()
    return time.perf_counter() - start


def floor(engine, sql: str, **params) -> float:
    from sqlalchemy import text

    start = time.perf_counter()
    with engine.connect() as conn:
        conn.execute(text(sql), params).all()
    return time.perf_counter() - start


def p50(run, repeat: int) -> float:
    times = []
    for k in range(repeat + 1):
        start = time.perf_counter()
        run()
        if k:  # one warm-up
            times.append(time.perf_counter() - start)
    return percentile(times, 0.5)


def _fresh(app, args) -> dict:
    """Recreate the schema, build the data and fill the kept column (timed)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from inspect_app.extensions import db
    from inspect_app.services import regulations

    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    with app.app_context():
        upgrade()
    start = time.perf_counter()
    size = build(app, args.agencies, args.processes)
    print(
        f"# built {size['processes']} processes in {time.perf_counter() - start:.1f}s", flush=True
    )
    with app.app_context():
        with timer() as took:
            regulations.refresh_stale_since()
            db.session.commit()
        analyze(app)
        # what the kept column saves on each read: the definition's joins, raw
        emit(
            "stale_refresh_all",
            size["processes"],
            took["s"],
            floor(db.engine, FLOOR_DERIVED, today=TODAY, overdue=TODAY - timedelta(days=90)),
            backend=db.engine.dialect.name,
        )

    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=None)
    parser.add_argument("--agencies", type=int, default=12_000)
    parser.add_argument("--processes", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data a previous run left in --url"
    )
    args = parser.parse_args()

    from sqlalchemy import text

    from inspect_app.extensions import db
    from inspect_app.models import Role
    from inspect_app.services import regulations
    from inspect_app.services.users import create_token, create_user

    app = bench_app(args.url)
    app.config["APP_TIMEZONE"] = "Asia/Ho_Chi_Minh"
    if args.reuse:
        from sqlalchemy import func, select

        from inspect_app.models import IsoProcess

        with app.app_context():
            size = {
                "processes": db.session.scalar(select(func.count()).select_from(IsoProcess)),
                "agencies": args.agencies,
            }
            db.session.execute(text("DELETE FROM api_tokens"))
            db.session.execute(text("DELETE FROM users WHERE username = 'bench-api'"))
            db.session.commit()
            with timer() as took:  # nothing to change: the cost of a no-op refresh
                regulations.refresh_stale_since()
                db.session.commit()
            emit("stale_refresh_all_unchanged", size["processes"], took["s"], 0.0)
    else:
        size = _fresh(app, args)
    regulations.today = lambda: TODAY  # the data are dated for this day
    n = size["processes"]
    with app.app_context():
        engine = db.engine
        user = create_user("bench-api", role=Role.VIEWER, password="bench-pass-1")
        _row, token = create_token(user)
        db.session.commit()
        overdue = TODAY - timedelta(days=90)
        counts = regulations.stale_counts_by_agency(TODAY)
        stale = sum(c["stale"] for c in counts.values())

        def run_counts():
            regulations.stale_counts_by_agency(TODAY)
            db.session.rollback()

        emit(
            "stale_counts",
            n,
            p50(run_counts, args.repeat),
            p50(lambda: floor(engine, FLOOR_COUNTS, today=TODAY, overdue=overdue), args.repeat),
            stale=stale,
            agencies=len(counts),
            backend=engine.dialect.name,
        )
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        middle = n // 2
        for label, query, after in (
            ("first", "", 0),
            ("middle", f"&cursor={middle}", middle),
        ):

            def run_page(query=query):
                response = client.get(
                    f"/api/v1/regulations/stale?limit=100{query}", headers=headers
                )
                assert response.status_code == 200, response.get_data(as_text=True)
                body = response.get_json()
                assert len(body["processes"]) == 100 and body["next"]

            emit(
                f"stale_api_page_{label}",
                n,
                p50(run_page, args.repeat),
                p50(lambda after=after: floor_page(engine, today=TODAY, after=after), args.repeat),
                backend=engine.dialect.name,
            )
        code = f"AG{args.agencies // 2:05d}"

        def run_agency():
            response = client.get(f"/api/v1/regulations/stale?agency={code}", headers=headers)
            assert response.status_code == 200

        emit(
            "stale_agency",
            n,
            p50(run_agency, args.repeat),
            p50(
                lambda: floor_page(
                    engine, today=TODAY, after=0, agency=f"AND agency_id = {args.agencies // 2}"
                ),
                args.repeat,
            ),
            backend=engine.dialect.name,
        )


if __name__ == "__main__":
    main()
