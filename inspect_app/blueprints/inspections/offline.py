"""The service worker, served from the site root so that its scope is the whole app."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import make_response, url_for

from inspect_app.blueprints.inspections import bp

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
#: files whose content defines the offline cache's version.
SHELL_FILES = ("sw.js", "offline-store.js", "checklist.js", "inspection.js", "app.js")


@cache
def asset_version() -> str:
    """A short hash of the offline code: a new release gets a new cache, the old is dropped."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = STATIC_JS / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def shell_urls() -> list[str]:
    """What every page needs, cached when the service worker installs."""
    return [
        url_for("static", filename="css/app.css"),
        url_for("static", filename="js/app.js"),
        url_for("static", filename="js/offline-store.js"),
        url_for("static", filename="js/checklist.js"),
        url_for("static", filename="js/inspection.js"),
        url_for("static", filename="offline.html"),
        url_for("bootstrap.static", filename="css/bootstrap.min.css"),
        url_for("bootstrap.static", filename="umd/popper.min.js"),
        url_for("bootstrap.static", filename="js/bootstrap.min.js"),
    ]


@bp.route("/sw.js")
def service_worker():

    source = (STATIC_JS / "sw.js").read_text(encoding="utf-8")
    source = source.replace('"__VERSION__"', json.dumps(asset_version()))
    source = source.replace("__SHELL__", json.dumps(shell_urls()))
    response = make_response(source)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.app_context_processor
def offline_globals() -> dict:
    return {"offline_cache_name": f"inspect-app-{asset_version()}"}
