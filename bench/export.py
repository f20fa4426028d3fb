"""The tally workbook against bare xlsxwriter `constant_memory` writing the same rows.

60,000 detail rows (a five-year period of a `bench/generate.py` database). Each side runs in
its own subprocess, so that each reports its own peak RSS. The floor fetches the same detail
rows (inspections with their finding counts, and the findings) with raw SQL through the DB
driver and writes them with `write_row`; the app writes the whole workbook (summary, chart,
inspections, findings, coverage, training).

    .venv/bin/python bench/export.py --url sqlite:////tmp/bench.db
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import emit, peak_rss_mb

FLOOR_INSPECTIONS = (
    "SELECT p.year, a.code, a.name, a.level, i.mode, i.status, i.planned_from, i.planned_to, "
    "i.conducted_on, i.concluded_on, i.conclusion, coalesce(f.major, 0), coalesce(f.minor, 0), "
    "coalesce(f.observation, 0), u.full_name, i.record_number "
    "FROM inspections i JOIN inspection_plans p ON p.id = i.plan_id "
    "JOIN agencies a ON a.id = i.agency_id "
    "LEFT JOIN (SELECT inspection_id, "
    "sum(CASE WHEN severity = 'major' THEN 1 ELSE 0 END) AS major, "
    "sum(CASE WHEN severity = 'minor' THEN 1 ELSE 0 END) AS minor, "
    "sum(CASE WHEN severity = 'observation' THEN 1 ELSE 0 END) AS observation "
    "FROM findings GROUP BY inspection_id) f ON f.inspection_id = i.id "
    "LEFT JOIN users u ON u.id = i.lead_id "
    "WHERE p.year BETWEEN {first} AND {last} ORDER BY p.year, i.id"
)
FLOOR_FINDINGS = (
    "SELECT p.year, a.code, a.name, f.severity, f.requirement, f.description, f.due_on, "
    "f.status, f.verified_at FROM findings f JOIN inspections i ON i.id = f.inspection_id "
    "JOIN inspection_plans p ON p.id = i.plan_id JOIN agencies a ON a.id = i.agency_id "
    "WHERE p.year BETWEEN {first} AND {last} ORDER BY p.year, f.inspection_id, f.id"
)


def run_app(url: str, first: int, last: int, target: str) -> int:
    from bench.tallies import make_app
    from inspect_app.services.workbooks import tally_export

    app = make_app(url)
    with app.app_context():
        report = tally_export.write_tally_workbook(first, last, target)
    return sum(row["planned"] + row["cancelled"] for row in report["years"])


def run_floor(url: str, first: int, last: int, target: str) -> int:
    import xlsxwriter
    from sqlalchemy import create_engine

    engine = create_engine(url)
    raw = engine.raw_connection()
    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "default_date_format": "dd/mm/yyyy", "remove_timezone": True},
    )
    rows = 0
    try:
        for name, statement in (("Danh sách", FLOOR_INSPECTIONS), ("Phát hiện", FLOOR_FINDINGS)):
            sheet = workbook.add_worksheet(name)
            cursor = raw.cursor()
            cursor.execute(statement.format(first=first, last=last))
            r = 0
            while batch := cursor.fetchmany(2000):
                for values in batch:
                    r += 1
                    sheet.write_row(r, 0, values)
            if name == "Danh sách":
                rows = r
    finally:
        workbook.close()
        raw.close()
    return rows


def child(side: str, url: str, first: int, last: int) -> None:
    target = tempfile.mktemp(suffix=".xlsx")
    start = time.perf_counter()
    rows = (run_app if side == "app" else run_floor)(url, first, last, target)
    elapsed = time.perf_counter() - start
    size = Path(target).stat().st_size
    Path(target).unlink()
    print(json.dumps({"s": elapsed, "rows": rows, "rss": peak_rss_mb(), "bytes": size}))


def measure(side: str, args) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--side", side, "--url", args.url,
         "--from", str(args.first), "--to", str(args.last)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--from", dest="first", type=int, default=2021)
    parser.add_argument("--to", dest="last", type=int, default=2025)
    parser.add_argument("--side", choices=("app", "floor"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.side:
        child(args.side, args.url, args.first, args.last)
        return
    apps, floors = [], []
    for _ in range(args.rounds):
        floors.append(measure("floor", args))
        apps.append(measure("app", args))
    app = min(apps, key=lambda m: m["s"])
    floor = min(floors, key=lambda m: m["s"])
    backend = "postgresql" if args.url.startswith("postgresql") else "sqlite"
    emit(
        f"export[{backend}]",
        floor["rows"],
        app["s"],
        floor["s"],
        peak_rss_mb=round(max(m["rss"] for m in apps), 1),
        floor_peak_rss_mb=round(max(m["rss"] for m in floors), 1),
        app_bytes=app["bytes"],
    )


if __name__ == "__main__":
    main()
