"""The accessibility check of the browser tests: axe-core, installed by `make install`
from package.json (never a CDN), injected into each page, over every page a role reaches.

Pages are found the way a user finds them: from the home page, by following the links on
each page (same origin, GET only). Pages that differ only by ids or query values share a
shape (`/inspections/<n>`, `/agencies/?q=`) and one of each shape is checked, which keeps
the crawl to every kind of page rather than every row of the register.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: what a user must never meet; "moderate" and "minor" are reported by axe but not gated.
BLOCKING = ("serious", "critical")
#: links that are not pages: files, exports, the language switch, logging out.
SKIP = re.compile(
    r"(/logout|/static/|/files?/|/download|/export|\.xlsx|\.csv|\.json|\.pdf|\.zip|\.docx|\.ics|/result|"
    r"format=|/sw\.js|/evidence/\d+$|/attachment)"
)

RUN_AXE = """async () => {
    const result = await axe.run(document, {
        resultTypes: ["violations"],
        runOnly: {
            type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        },
    });
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
        count: v.nodes.length,
    }));
}"""


def shape(url: str) -> str:
    """The kind of page: numbers in the path and query values replaced."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", parts.path)
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)})
    keys = [key for key in keys if key != "page"]
    return path + ("?" + "&".join(keys) if keys else "")


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the driver rather than added as a <script> tag, so that the
        # page keeps its real CSP (no inline scripts) while it is checked.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    found = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def crawl(page, base_url: str, start: str = "/", limit: int = 120) -> dict[str, list[dict]]:
    """Open each kind of page reachable from `start`; return violations by URL."""
    seen = {shape(start)}
    queue = deque([start])
    report: dict[str, list[dict]] = {}
    while queue and len(report) < limit:
        url = queue.popleft()
        response = page.goto(url)
        if response is None or not response.ok:
            status = str(response and response.status)
            report[url] = [{"id": "http", "impact": "critical", "help": status}]
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        report[url] = axe_violations(page)
        hrefs = page.eval_on_selector_all(
            "a[href]", "(links) => links.map((a) => a.getAttribute('href'))"
        )
        for href in hrefs:
            if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            if href.startswith(base_url):
                href = href[len(base_url) :]
            if not href.startswith("/") or href.startswith("//") or SKIP.search(href):
                continue
            key = shape(href.split("#")[0])
            if key not in seen:
                seen.add(key)
                queue.append(href.split("#")[0])
    return report


def summary(report: dict[str, list[dict]]) -> str:
    lines = []
    for url, violations in report.items():
        for v in violations:
            count = v.get("count", 1)
            lines.append(f"{url}: {v['impact']} {v['id']} ({count}) {v['help']}")
            lines.extend(f"    {node}" for node in v.get("nodes", []))
    return "\n".join(lines)
