"""600 answers recorded offline in Chromium, then synced (issue 11's speed goal).

The checklist page of an inspection with 600 items is opened, the network is cut, and one
result is chosen per item the way an inspector does (a click). Each change's time to be
kept is what the page itself measures (`performance.measure("inspect:record")`: from the
input event to the IndexedDB commit). Then the network comes back and the time from
"Đồng bộ ngay" to "all synced" (and 600 answers in the database) is measured.

Floors, in the same browser and run: one plain IndexedDB `put` transaction per change into a
scratch database (for recording); the same 600 ops posted straight from the page with
`fetch` in batches of 200 to a second inspection (for the sync).

    .venv/bin/python bench/offline.py [--items 600] [--throttle 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select
from werkzeug.serving import make_server

from bench._common import bench_app, checklist_and_plan, emit, percentile

PASSWORD = "bench-pass-1"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# One change per item, as a click makes it (the radio's change event), a pause apart.
CHANGES = """async (pause) => {
  for (const radio of document.querySelectorAll("fieldset.checklist-item input[value=conform]")) {
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    await new Promise((ok) => setTimeout(ok, pause));
  }
}"""

FLOOR_RECORD = """async (n) => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("bench-floor", 1);
    r.onupgradeneeded = () => r.result.createObjectStore("rows", { keyPath: "id" });
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const times = [];
  for (let i = 0; i < n; i += 1) {
    const start = performance.now();
    await new Promise((ok, ko) => {
      const tx = db.transaction("rows", "readwrite");
      tx.objectStore("rows").put({ id: crypto.randomUUID(), item: `O.${i + 1}`, result: "conform",
                                   note: "", base_rev: 0, createdAt: Date.now() });
      tx.oncomplete = ok;
      tx.onerror = () => ko(tx.error);
    });
    times.push(performance.now() - start);
  }
  db.close();
  return times;
}"""

FLOOR_SYNC = """async ([id, n]) => {
  const token = (await (await fetch("/api/v1/csrf")).json()).csrf_token;
  const ops = Array.from({ length: n }, (_, i) => ({ op_id: crypto.randomUUID(), item: `O.${i + 1}`,
    result: "conform", note: "", base_rev: 0, client_ts: new Date().toISOString() }));
  const start = performance.now();
  for (let i = 0; i < n; i += 200) {
    const response = await fetch(`/api/v1/inspections/${id}/answers`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ ops: ops.slice(i, i + 200) }),
    });
    if (!response.ok) throw new Error(`floor sync ${response.status}`);
  }
  return (performance.now() - start) / 1000;
}"""


def setup(app, items: int) -> tuple[int, int]:
    from inspect_app.extensions import db
    from inspect_app.models import Agency, AgencyLevel, Inspection, InspectionMode, Role
    from inspect_app.services.users import create_user

    with app.app_context():
        user = create_user("bench", role=Role.INSPECTOR, password=PASSWORD)
        template, plan = checklist_and_plan("O", items)
        inspections = [
            Inspection(
                plan=plan,
                agency=Agency(code=f"O{k}", name=f"Bench {k}", level=AgencyLevel.COMMUNE),
                mode=InspectionMode.ON_SITE,
                lead=user,
                template=template,
            )
            for k in range(2)
        ]
        db.session.add_all(inspections)
        db.session.commit()
        return inspections[0].id, inspections[1].id


def answers_in(app, inspection_id: int) -> int:
    from inspect_app.extensions import db
    from inspect_app.models import Answer

    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Answer).where(Answer.inspection_id == inspection_id)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=600)
    parser.add_argument("--throttle", type=float, default=1.0, help="CPU slow-down (CDP)")
    parser.add_argument(
        "--pause", type=int, default=40, help="ms between two changes, as a person leaves"
    )
    parser.add_argument(
        "--clicks", action="store_true", help="click through Playwright (adds its own work)"
    )
    args = parser.parse_args()

    from playwright.sync_api import expect, sync_playwright

    app = bench_app()
    app.config.update(WTF_CSRF_ENABLED=True)
    target, floor_target = setup(app, args.items)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(base_url=base, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(60_000)
        if args.throttle > 1:
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.throttle})
        page.goto("/login")
        page.get_by_label("Tên đăng nhập").fill("bench")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"/inspections/{target}/checklist")
        status = page.locator("#sync-status")
        expect(status).to_contain_text("Đã đồng bộ")

        context.set_offline(True)
        start = time.perf_counter()
        if args.clicks:
            radios = page.locator("fieldset.checklist-item input[value=conform]")
            for index in range(args.items):
                radios.nth(index).check()
        else:
            page.evaluate(CHANGES, args.pause)
        expect(status).to_contain_text(f"{args.items} thay đổi đang chờ gửi")
        wall = time.perf_counter() - start
        kept = page.evaluate(
            "performance.getEntriesByName('inspect:record').map((entry) => entry.duration)"
        )
        assert len(kept) == args.items, len(kept)
        floor = page.evaluate(FLOOR_RECORD, args.items)

        context.set_offline(False)
        start = time.perf_counter()
        page.get_by_role("button", name="Đồng bộ ngay").click()
        expect(status).to_contain_text("Đã đồng bộ", timeout=120_000)
        synced = time.perf_counter() - start
        assert answers_in(app, target) == args.items
        floor_sync = page.evaluate(FLOOR_SYNC, [floor_target, args.items])
        assert answers_in(app, floor_target) == args.items
        browser.close()

    median = statistics.median(kept) / 1000
    emit(
        "offline_record_change",
        args.items,
        median,
        statistics.median(floor) / 1000,
        p95_s=round(percentile(kept, 0.95) / 1000, 6),
        max_s=round(max(kept) / 1000, 6),
        goal_s=0.020,
        throttle=args.throttle,
        wall_s=round(wall, 3),
        pause_ms=None if args.clicks else args.pause,
    )
    emit(
        "offline_sync_600",
        args.items,
        synced,
        floor_sync,
        goal_s=3.0,
        throttle=args.throttle,
    )
    server.shutdown()


if __name__ == "__main__":
    main()
