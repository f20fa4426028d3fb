"""`import-inspections` (read, check, write, commit) against an openpyxl read-only pass.

A 60,000-row history workbook (5 years x 12,000 agencies): half the rows name an existing
agency by code (6,000 agencies are loaded first), half name a commune by name only, created
by the first row that names it. Each side runs in its own subprocess (own peak RSS). The
floor reads every cell of the same file with openpyxl in read-only mode and does nothing else.

    .venv/bin/python bench/import_history.py                 # SQLite in a temp folder
    .venv/bin/python bench/import_history.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_import
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import emit, peak_rss_mb

HEADER = ["Năm", "Tên cơ quan", "Mã cơ quan", "Cấp", "Hình thức kiểm tra", "Ngày kiểm tra",
          "Kết luận", "Số quyết định"]  # fmt: skip


def make_workbook(path: str, agencies: int, years: int, first_year: int) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("Lịch sử")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["KẾT QUẢ KIỂM TRA CÁC NĂM TRƯỚC"])
    sheet.write_row(2, 0, HEADER)
    r = 2
    for year in range(first_year, first_year + years):
        for i in range(1, agencies + 1):
            r += 1
            known = i <= agencies // 2
            sheet.write_row(
                r,
                0,
                [
                    year,
                    f"Cơ quan {i}" if known else f"UBND xã Lịch Sử {i}",
                    f"BA{i:06d}" if known else "",
                    "Cấp tỉnh" if known else "Cấp xã",
                    "Kiểm tra tại trụ sở" if i % 3 == 0 else "Kiểm tra qua hồ sơ, báo cáo",
                ],
            )
            if i % 2:
                sheet.write_datetime(r, 5, date(year, 1 + i % 12, 1 + i % 28), day)
            else:
                sheet.write_string(r, 5, f"{1 + i % 28:02d}/{1 + i % 12:02d}/{year}")
            sheet.write_row(r, 6, ["Đạt", f"{year - 2000}/QĐ-UBND"])
    book.close()
    return r - 2


def prepare_database(url: str | None, agencies: int) -> str:
    """A fresh database at head with the first half of the agencies registered."""
    from sqlalchemy import create_engine, text

    from bench.generate import Loader, reset

    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-import-')}/import.db"
    reset(url)
    engine = create_engine(url)
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    Loader(engine).insert(
        "agencies",
        ("id", "code", "name", "name_key", "level", "created_at", "updated_at"),
        ((i, f"BA{i:06d}", f"Cơ quan {i}", f"co quan {i}", "provincial", now, now)
         for i in range(1, agencies // 2 + 1)),
    )  # fmt: skip
    Loader(engine).fix_sequences(["agencies"])
    with engine.begin() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    return url


def run_floor(path: str) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for values in book.worksheets[0].iter_rows(values_only=True):
        if values:
            rows += 1
    book.close()
    return rows


def run_app(path: str, url: str) -> int:
    from bench.tallies import make_app
    from inspect_app.extensions import db
    from inspect_app.services.workbooks import history_import

    app = make_app(url)
    with app.app_context():
        with open(path, "rb") as stream:
            result = history_import.read_history_workbook(stream)
        assert result.ok, result.errors[:5]
        added = history_import.apply_history_import(result)
        db.session.commit()
    return added


def child(side: str, path: str, url: str) -> None:
    start = time.perf_counter()
    n = run_floor(path) if side == "floor" else run_app(path, url)
    print(json.dumps({"s": time.perf_counter() - start, "n": n, "rss": peak_rss_mb()}))


def measure(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="Database to (re)create; default SQLite in a temp folder.")
    parser.add_argument("--agencies", type=int, default=12_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--side", choices=("app", "floor"))
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.side:
        child(args.side, args.file, args.url)
        return
    path = tempfile.mktemp(suffix=".xlsx")
    rows = make_workbook(path, args.agencies, args.years, 2016)
    floors = [measure("--side", "floor", "--file", path) for _ in range(3)]
    url = prepare_database(args.url, args.agencies)
    app = measure("--side", "app", "--file", path, "--url", url)
    assert app["n"] == rows, app
    again = measure("--side", "app", "--file", path, "--url", url)  # idempotent: adds nothing
    assert again["n"] == 0, again
    floor = min(floors, key=lambda m: m["s"])
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    emit(
        f"import_history[{backend}]",
        rows,
        app["s"],
        floor["s"],
        peak_rss_mb=round(app["rss"], 1),
        floor_peak_rss_mb=round(floor["rss"], 1),
        second_run_s=round(again["s"], 3),
    )
    Path(path).unlink()


if __name__ == "__main__":
    main()
