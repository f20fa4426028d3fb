"""National-scale pages: every list, detail page and API list through gunicorn, as the admin.

Builds the national-scale database with generate.py unless it already holds inspections,
applies the migrations, starts gunicorn (2 workers) and a job worker, logs in, and times
each URL (median of 3). The floor is `/healthz` through the same server. Then it starts the
tally export and an agency import as jobs and reports the time to the 202, the time to
`done` and the worker's peak RSS.

    .venv/bin/python bench/pages.py --url sqlite:////tmp/bench.db
    .venv/bin/python bench/pages.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pg
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import emit  # noqa: E402
from bench.load import Server, free_port  # noqa: E402

PASSWORD = "bench-admin-pass-1"
ROUNDS = 3


def prepare(url: str, instance: Path) -> dict:
    """Migrate, add the bench admin and a token, and pick the ids the detail pages need."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from inspect_app import create_app
    from inspect_app.extensions import db
    from inspect_app.models import (
        Agency,
        Finding,
        Inspection,
        InspectionPlan,
        Role,
        TrainingCourse,
        TrainingParticipant,
        User,
    )
    from inspect_app.services.users import create_token, create_user

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": str(instance),
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        upgrade()
        if not db.session.scalar(select(func.count(Inspection.id))):
            raise SystemExit("empty database: run bench/generate.py --url ... first")
        admin = db.session.scalar(select(User).where(User.username == "bench-admin"))
        if admin is None:
            admin = create_user("bench-admin", role=Role.ADMIN, password=PASSWORD)
        _row, token = create_token(admin)
        db.session.commit()
        biggest = db.session.execute(
            select(Inspection.plan_id, func.count())
            .group_by(Inspection.plan_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()
        plan = db.session.get(InspectionPlan, biggest[0])
        course = db.session.scalar(
            select(TrainingParticipant.course_id)
            .group_by(TrainingParticipant.course_id)
            .order_by(func.count().desc())
            .limit(1)
        ) or db.session.scalar(select(TrainingCourse.id).limit(1))
        ids = {
            "plan": plan.id,
            "year": plan.year,
            "inspection": db.session.scalar(select(func.max(Inspection.id))),
            "agency": db.session.scalar(select(func.max(Agency.id))),
            "finding": db.session.scalar(select(func.max(Finding.id))),
            "course": course,
            "token": token,
            "plan_rows": biggest[1],
        }
        db.engine.dispose()
    return ids


class Browser:
    """Cookie session over urllib: enough to log in through the real form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def post(self, path: str, data: bytes, content_type: str, headers=None) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"Content-Type": content_type, **(headers or {})},
            method="POST",
        )
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self) -> None:
        _status, page = self.get("/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrf_token": token.decode(), "username": "bench-admin", "password": PASSWORD}
        ).encode()
        self.post("/login", form, "application/x-www-form-urlencoded")
        status, body = self.get("/")
        if b"bench-admin" not in body and "Đăng xuất".encode() not in body:
            raise SystemExit(f"login failed ({status})")


def timed(browser: Browser, path: str, headers=None) -> tuple[float, int, int]:
    times, size, status = [], 0, 0
    for _round in range(ROUNDS):
        start = time.perf_counter()
        status, body = browser.get(path, headers)
        times.append(time.perf_counter() - start)
        size = len(body)
    return statistics.median(times), size, status


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_job(browser: Browser, start, token: str) -> tuple[float, float, dict]:
    """(seconds to the 202, seconds to the end, the job's last view)."""
    begin = time.perf_counter()
    status, body = start()
    accepted = time.perf_counter() - begin
    if status != 202:
        raise SystemExit(f"job not started: {status} {body[:300]!r}")
    url = json.loads(body)["job"]["url"]
    auth = {"Authorization": f"Bearer {token}"}
    while True:
        _status, body = browser.get(url, auth)
        view = json.loads(body)
        if view["status"] in ("done", "failed", "cancelled"):
            return accepted, time.perf_counter() - begin, view
        time.sleep(0.1)


def agency_workbook(rows: int) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Mã cơ quan", "Tên cơ quan", "Cấp"])
    for n in range(1, rows + 1):
        sheet.write_row(n, 0, [f"BENCH{n:06d}", f"UBND xã Thử Tải {n}", "Cấp xã"])
    book.close()
    return buffer.getvalue()


def multipart(fields: dict, file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "benchboundary7d1f"
    parts = []
    for key, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        "\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database built by bench/generate.py")
    parser.add_argument("--import-rows", type=int, default=5000)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="inspect-pages-"))
    ids = prepare(args.url, instance)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.url,
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": "bench",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }
    server = Server(port, env, workers=2)
    server.start()
    worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "worker", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.login()
        floor, _size, _status = timed(browser, "/healthz")
        pages = [
            "/",
            "/plans/",
            f"/plans/{ids['plan']}",
            f"/plans/{ids['plan']}?page=100",
            f"/plans/{ids['plan']}?mode=dossier&level=commune",
            f"/plans/{ids['plan']}/annex",
            "/conformity/",
            "/conformity/?level=commune&q=xa",
            "/conformity/admin",
            "/agencies/",
            f"/agencies/{ids['agency']}",
            "/inspections",
            f"/inspections/{ids['inspection']}",
            f"/inspections/{ids['inspection']}/checklist",
            f"/inspections/{ids['inspection']}/findings",
            f"/findings/{ids['finding']}" if ids["finding"] else None,
            "/decisions/",
            "/reports/",
            "/training/",
            "/training/needs",
            "/training/summary",
            f"/training/courses/{ids['course']}",
            "/admin/",
            "/admin/audit",
            "/admin/users",
            "/jobs/",
        ]
        token = {"Authorization": f"Bearer {ids['token']}"}
        apis = [
            "/api/v1/inspections",
            "/api/v1/inspections?limit=1000",
            f"/api/v1/plans?year={ids['year']}",
            f"/api/v1/plans/{ids['plan']}/inspections?limit=1000&cursor=0",
            "/api/v1/conformity",
            "/api/v1/tallies?from=2021&to=2025",
            "/api/v1/training?from=2016&to=2025",
        ]
        for path in [p for p in pages if p] + apis:
            headers = token if path.startswith("/api/") else None
            median, size, status = timed(browser, path, headers)
            emit(
                f"page {path}",
                ROUNDS,
                median,
                floor,
                kb=round(size / 1024, 1),
                status=status,
                goal_ok=status == 200 and median <= 0.3 and size <= 500 * 1024,
            )

        def export():
            body = json.dumps({"kind": "tallies", "from": 2021, "to": 2025}).encode()
            return browser.post("/api/v1/exports", body, "application/json", token)

        accepted, total, view = run_job(browser, export, ids["token"])
        emit(
            "job export:tallies 2021-2025",
            view.get("total") or 0,
            total,
            accepted,
            start_s=round(accepted, 4),
            status=view["status"],
            worker_peak_rss_mb=vm_hwm_mb(worker.pid),
        )
        data = agency_workbook(args.import_rows)

        def start_import():
            body, content_type = multipart({"kind": "agencies"}, "agencies.xlsx", data)
            return browser.post("/api/v1/imports", body, content_type, token)

        accepted, total, view = run_job(browser, start_import, ids["token"])
        emit(
            "job import:agencies",
            args.import_rows,
            total,
            accepted,
            start_s=round(accepted, 4),
            status=view["status"],
            errors=view["errors"][:3],
            worker_peak_rss_mb=vm_hwm_mb(worker.pid),
        )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        server.stop()


if __name__ == "__main__":
    main()
