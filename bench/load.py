"""Load and crash test: N simulated inspectors syncing answer batches against gunicorn.

    .venv/bin/python bench/load.py --inspectors 50 --seconds 60
    .venv/bin/python bench/load.py --inspectors 50 --seconds 60 --crash
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/load

Each inspector owns one inspection (40 items) and, with a think time between requests,
posts batches of ops through the real HTTP API with a bearer token, like the offline
outbox does: an op whose request failed (no response) is sent again with the same op_id.
At the end every op acknowledged by a 200 must be stored exactly once (one SyncOp, one
history row for applied ops) and every answer must hold the last acknowledged value.
`--crash` SIGKILLs the whole server mid-run, restarts it, checks the database's integrity
(PRAGMA integrity_check on SQLite; amcheck or a full read of every table on PostgreSQL) and
verifies that no acknowledged op was lost.
Only 127.0.0.1 is contacted; the run stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ITEMS = 40
RESULTS = ("conform", "nonconform", "observation", "not_applicable")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(database_url: str, instance: Path, inspectors: int) -> list[tuple[int, str]]:
    """A migrated database with one inspector, inspection and token per simulated user."""

    from flask_migrate import upgrade

    from bench._common import checklist_and_plan
    from inspect_app import create_app
    from inspect_app.extensions import db
    from inspect_app.models import (
        Agency,
        AgencyLevel,
        Inspection,
        InspectionMode,
        Role,
    )
    from inspect_app.services.users import create_token, create_user

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_DIR": str(instance),
            "SECRET_KEY": "load",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        upgrade()
        template, plan = checklist_and_plan("L", ITEMS)
        result = []
        for n in range(inspectors):
            user = create_user(f"load{n}", role=Role.INSPECTOR, password="load-pass-1")
            agency = Agency(code=f"LOAD{n}", name=f"Load {n}", level=AgencyLevel.COMMUNE)
            inspection = Inspection(
                plan=plan, agency=agency, mode=InspectionMode.ON_SITE, lead=user, template=template
            )
            db.session.add(inspection)
            db.session.flush()
            _row, token = create_token(user)
            result.append((inspection.id, token))
        db.session.commit()
        db.engine.dispose()
    return result


class Server:
    def __init__(self, port: int, env: dict, workers: int):
        self.port, self.env, self.workers = port, env, workers
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)
        # The master listens before its workers have loaded the app: wait until they answer.
        deadline = time.monotonic() + 60
        answered = 0
        while time.monotonic() < deadline and answered < 4 * self.workers:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    answered += 1
                conn.close()
            except OSError:
                time.sleep(0.1)
        if answered < 4 * self.workers:
            raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@dataclass
class Inspector:
    inspection_id: int
    token: str
    port: int
    rng: random.Random
    revs: dict = field(default_factory=lambda: {f"L.{i + 1}": 0 for i in range(ITEMS)})
    #: op_id -> (item, result, note) for every op a 200 acknowledged as applied/duplicate
    acked: dict = field(default_factory=dict)
    #: item -> (result, note) of the last acknowledged op
    last: dict = field(default_factory=dict)
    latencies: list = field(default_factory=list)
    errors: int = 0
    retries: int = 0
    requests: int = 0
    ops: int = 0

    def batch(self) -> list[dict]:
        items = self.rng.sample(sorted(self.revs), k=self.rng.randint(1, 8))
        return [
            {
                "op_id": str(uuid.uuid4()),
                "item": item,
                "result": self.rng.choice(RESULTS),
                "note": f"ghi chú {self.rng.randint(0, 10**6)}",
                "base_rev": self.revs[item],
                "client_ts": "2026-05-01T08:00:00+07:00",
            }
            for item in items
        ]

    def send(self, ops: list[dict]) -> bool:
        """True when a 200 settled the batch; False when it must be sent again."""
        body = json.dumps({"ops": ops})
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request(
                "POST",
                f"/api/v1/inspections/{self.inspection_id}/answers",
                body=body,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )
            response = conn.getresponse()
            payload = response.read()
            conn.close()
        except OSError:
            return False  # no answer: the outbox keeps the ops and sends them again
        self.latencies.append(time.perf_counter() - start)
        self.requests += 1
        if response.status != 200:
            self.errors += 1
            return response.status < 500  # a 4xx would never succeed on retry
        by_id = {op["op_id"]: op for op in ops}
        for result in json.loads(payload)["results"]:
            op = by_id[result["op_id"]]
            if result["status"] in ("applied", "duplicate"):
                self.acked[op["op_id"]] = (op["item"], op["result"], op["note"])
                self.last[op["item"]] = (op["result"], op["note"])
                self.revs[op["item"]] = result["rev"]
            else:
                self.errors += 1
        self.ops += len(ops)
        return True

    def run(self, stop_at: float, think: float) -> None:
        pending: list[dict] | None = None
        while time.monotonic() < stop_at:
            ops = pending or self.batch()
            if self.send(ops):
                pending = None
            else:
                pending, self.retries = ops, self.retries + 1
                time.sleep(0.2)
                continue
            time.sleep(self.rng.uniform(0.5 * think, 1.5 * think))
        deadline = time.monotonic() + 60
        while pending and time.monotonic() < deadline:  # deliver what is still in the outbox
            if self.send(pending):
                pending = None
            else:
                time.sleep(0.2)


def verify(database_url: str, inspectors: list[Inspector]) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    lost = doubled = wrong = 0
    with engine.connect() as conn:
        sync_ops = {
            row.op_id: row.status
            for row in conn.execute(text("SELECT op_id, status FROM sync_ops"))
        }
        history = {}
        for row in conn.execute(
            text(
                "SELECT op_id, COUNT(*) AS n FROM answer_history "
                "WHERE op_id IS NOT NULL GROUP BY op_id"
            )
        ):
            history[row.op_id] = row.n
        answers = {
            (row.inspection_id, row.code): (row.result, row.note)
            for row in conn.execute(
                text(
                    "SELECT a.inspection_id, i.code, a.result, a.note FROM answers a "
                    "JOIN checklist_items i ON i.id = a.item_id"
                )
            )
        }
        if engine.dialect.name == "sqlite":
            integrity = conn.execute(text("PRAGMA integrity_check")).scalar()
        else:
            integrity = _postgres_integrity(conn)
    engine.dispose()
    for inspector in inspectors:
        for op_id in inspector.acked:
            if op_id not in sync_ops:
                lost += 1
            elif sync_ops[op_id] == "applied" and history.get(op_id, 0) > 1:
                doubled += 1
        for item, value in inspector.last.items():
            if answers.get((inspector.inspection_id, item)) != value:
                wrong += 1
    return {"lost": lost, "doubled": doubled, "wrong_final_value": wrong, "integrity": integrity}


def _postgres_integrity(conn) -> str:
    from sqlalchemy import text

    try:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        indexes = (
            conn.execute(
                text(
                    "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE a.amname = 'btree' AND n.nspname = current_schema()"
                )
            )
            .scalars()
            .all()
        )
        for oid in indexes:
            conn.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        return f"ok (amcheck on {len(indexes)} indexes)"
    except Exception as error:  # amcheck missing: read every row of every table instead
        conn.rollback()
        for (table,) in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ):
            conn.execute(text(f'SELECT COUNT(*) FROM "{table}"'))
        return f"ok (full table reads; amcheck unavailable: {type(error).__name__})"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--inspectors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between batches (s)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--crash", action="store_true")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="inspect-load-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'load.db'}"
    setup = prepare(database_url, workdir, args.inspectors)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_DIR": str(workdir),
        "SECRET_KEY": "load",
    }
    server = Server(port, env, args.workers)
    server.start()
    inspectors = [
        Inspector(inspection_id, token, port, random.Random(n))
        for n, (inspection_id, token) in enumerate(setup)
    ]
    stop_at = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=inspector.run, args=(stop_at, args.think), daemon=True)
        for inspector in inspectors
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    crashed = False
    try:
        if args.crash:
            time.sleep(args.seconds / 2)
            server.kill()
            crashed = True
            time.sleep(1.0)
            server.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    latencies = [s for inspector in inspectors for s in inspector.latencies]
    report = {
        "name": "load" + ("_crash" if crashed else ""),
        "backend": database_url.split(":", 1)[0],
        "inspectors": args.inspectors,
        "workers": args.workers,
        "seconds": round(elapsed, 1),
        "requests": sum(i.requests for i in inspectors),
        "ops_acknowledged": sum(len(i.acked) for i in inspectors),
        "throughput_rps": round(sum(i.requests for i in inspectors) / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 0.5), 1),
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "errors": sum(i.errors for i in inspectors),
        "resent_after_no_answer": sum(i.retries for i in inspectors),
        **verify(database_url, inspectors),
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
