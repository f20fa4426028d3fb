"""Build a national-scale database: 12,000 agencies inspected every year for 10 years.

120,000 inspections (mostly concluded, some planned or cancelled) with checklist answers,
findings, conformity announcements and training courses, into SQLite or PostgreSQL. Rows go
in with bulk inserts (COPY on PostgreSQL, executemany on SQLite), in batches.

    .venv/bin/python bench/generate.py --url sqlite:////tmp/bench.db
    .venv/bin/python bench/generate.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The database is emptied first (SQLite file removed; PostgreSQL schema `public` recreated).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

LEVELS = ("provincial",) * 8 + ("district",) * 12 + ("commune",) * 80
CLAUSES = ("4.1", "4.3", "4.4", "5.2", "6.1", "6.2", "7.1.6", "7.2", "7.5", "7.5.3", "8.5",
           "8.7", "9.1", "9.2", "9.3", "10.2", "A.2", "A.7")  # fmt: skip
BATCH = 20_000


def sql_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def reset(url: str) -> None:
    """An empty database at the head revision."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
    else:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    from bench._common import bench_app

    bench_app(url)


class Loader:
    """Bulk inserts: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine):
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    def insert(self, table: str, columns: tuple[str, ...], rows) -> int:
        count = 0
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self._write(table, columns, batch)
                count += len(batch)
                batch = []
        if batch:
            self._write(table, columns, batch)
            count += len(batch)
        return count

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if self.postgres:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [tuple(_sqlite(v) for v in row) for row in rows],
                )
            raw.commit()
        finally:
            raw.close()

    def fix_sequences(self, tables: list[str]) -> None:
        if not self.postgres:
            return
        with self.engine.begin() as conn:
            for table in tables:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                    )
                )


def _sqlite(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def generate(url: str, agencies: int, years: int, first_year: int, answers: int, seed: int):
    rng = random.Random(seed)
    now = datetime.now(UTC)
    reset(url)
    engine = create_engine(url)
    load = Loader(engine)
    started = time.perf_counter()

    def step(name: str, n: int) -> None:
        print(f"{name}: {n} rows ({time.perf_counter() - started:.1f} s)", file=sys.stderr)

    step(
        "users",
        load.insert(
            "users",
            ("id", "username", "full_name", "role", "password_hash", "active", "session_version",
             "created_at", "updated_at"),
            ((i, f"insp{i}", f"Kiểm tra viên {i}", "inspector", "x", True, 1, now, now)
             for i in range(1, 41)),
        ),
    )  # fmt: skip
    step(
        "checklist",
        load.insert(
            "checklist_templates",
            ("id", "name", "standard", "version", "created_at"),
            [(1, "Phiếu bench", "TCVN ISO 9001:2015", 1, now)],
        )
        + load.insert(
            "checklist_items",
            ("id", "template_id", "code", "group_code", "group_title", "group_title_en", "text",
             "text_en", "guidance", "position"),
            ((i + 1, 1, f"B.{i + 1}", "B", "Nhóm B", "", f"Nội dung {i + 1}", "", "", i)
             for i in range(40)),
        ),
    )  # fmt: skip
    levels = [rng.choice(LEVELS) for _ in range(agencies)]
    step(
        "agencies",
        load.insert(
            "agencies",
            ("id", "code", "name", "name_key", "level", "created_at", "updated_at"),
            ((i, f"BA{i:06d}", f"Cơ quan {i}", f"co quan {i}", levels[i - 1], now, now)
             for i in range(1, agencies + 1)),
        ),
    )  # fmt: skip
    last_year = first_year + years - 1
    step(
        "decisions+plans",
        load.insert(
            "decisions",
            ("id", "number", "signed_on", "year", "issuer", "summary", "kind", "created_at"),
            ((k + 1, f"{k + 1}/QĐ-BENCH", date(y, 3, 1), y, "UBND", "", "plan_approval", now)
             for k, y in enumerate(range(first_year, last_year + 1))),
        )
        + load.insert(
            "inspection_plans",
            ("id", "year", "title", "status", "decision_id", "approved_at", "closed_at",
             "is_historical", "created_at", "updated_at"),
            ((k + 1, y, f"Kế hoạch {y}", "closed", k + 1, now, now, False, now, now)
             for k, y in enumerate(range(first_year, last_year + 1))),
        ),
    )  # fmt: skip

    inspections: list[tuple[int, int, bool]] = []  # (id, year, done)

    def inspection_rows():
        next_id = 0
        for k, year in enumerate(range(first_year, last_year + 1)):
            for agency in range(1, agencies + 1):
                next_id += 1
                roll = rng.random()
                status = "concluded" if roll < 0.95 else "planned" if roll < 0.98 else "cancelled"
                mode = "on_site" if rng.random() < 0.45 else "dossier"
                start = date(year, rng.randint(3, 11), rng.randint(1, 28))
                done = status == "concluded"
                conclusion = (
                    rng.choice(("passed", "passed", "passed", "passed_with_recommendations"))
                    if done
                    else None
                )
                inspections.append((next_id, year, done))
                yield (
                    next_id, k + 1, agency, mode, status, start, start + timedelta(days=1),
                    rng.randint(1, 40), "", 1, start if done else None, conclusion,
                    start + timedelta(days=3) if done else None,
                    f"{next_id}/BB" if done else None, "",
                    "Cơ quan sáp nhập" if status == "cancelled" else None, 0, now, now,
                )  # fmt: skip

    step(
        "inspections",
        load.insert(
            "inspections",
            ("id", "plan_id", "agency_id", "mode", "status", "planned_from", "planned_to",
             "lead_id", "external_members", "template_id", "conducted_on", "conclusion",
             "concluded_on", "record_number", "agency_representatives", "cancel_reason", "rev",
             "created_at", "updated_at"),
            inspection_rows(),
        ),
    )  # fmt: skip
    done_ids = [i for i, _year, done in inspections if done]

    def answer_rows():
        n = 0
        for inspection_id in done_ids:
            for item in range(1, answers + 1):
                n += 1
                result = "conform" if rng.random() < 0.9 else "nonconform"
                yield (n, inspection_id, item, result, "", 1, 1, now)

    step(
        "answers",
        load.insert(
            "answers",
            ("id", "inspection_id", "item_id", "result", "note", "rev", "updated_by_id",
             "updated_at"),
            answer_rows(),
        ),
    )  # fmt: skip

    def finding_rows():
        n = 0
        for inspection_id in done_ids:
            if rng.random() < 0.4:
                n += 1
                severity = rng.choice(("major", "minor", "minor", "observation", "observation"))
                yield (
                    n, inspection_id, severity, f"Phát hiện {n}", rng.choice(CLAUSES), "",
                    "closed" if rng.random() < 0.7 else "open", 1, now, now, now,
                )  # fmt: skip

    step(
        "findings",
        load.insert(
            "findings",
            ("id", "inspection_id", "severity", "description", "requirement",
             "corrective_action_required", "status", "verified_by_id", "verified_at",
             "created_at", "updated_at"),
            finding_rows(),
        ),
    )  # fmt: skip
    step(
        "announcements",
        load.insert(
            "conformity_announcements",
            ("id", "agency_id", "number", "announced_on", "standard", "scope", "status",
             "submitted_at", "acknowledged_at"),
            ((i, i, f"{i}/QĐ-CB", date(rng.randint(first_year, last_year), 6, 1),
              "TCVN ISO 9001:2015", "TTHC", "acknowledged", now, now)
             for i in range(1, agencies + 1) if rng.random() < 0.85),
        ),
    )  # fmt: skip
    kinds = ("maintain_improve", "build_apply_commune", "transition_2015", "other")
    courses = [(c + 1, first_year + c % years) for c in range(years * 6)]
    step(
        "training",
        load.insert(
            "training_courses",
            ("id", "title", "kind", "start_on", "end_on", "location", "organizer", "trainers",
             "created_at"),
            ((cid, f"Khóa {cid}", kinds[cid % 4], date(y, 5, 10), date(y, 5, 11), "", "", "",
              now) for cid, y in courses),
        )
        + load.insert(
            "training_participants",
            ("id", "course_id", "agency_id", "name", "name_key", "position", "attended",
             "invited"),
            ((cid * 100 + p, cid, rng.randint(1, agencies), f"Học viên {p}", f"hoc vien {p}", "",
              rng.random() < 0.9, False) for cid, _y in courses for p in range(30)),
        ),
    )  # fmt: skip
    load.fix_sequences(
        ["users", "checklist_templates", "checklist_items", "agencies", "decisions",
         "inspection_plans", "inspections", "answers", "findings", "conformity_announcements",
         "training_courses", "training_participants"]
    )  # fmt: skip
    if not load.postgres:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    print(
        f"generated {len(inspections)} inspections in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the target database.")
    parser.add_argument("--agencies", type=int, default=12_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--first-year", type=int, default=2016)
    parser.add_argument("--answers", type=int, default=10, help="Answers per inspection.")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    generate(sql_url(args.url), args.agencies, args.years, args.first_year, args.answers, args.seed)


if __name__ == "__main__":
    main()
