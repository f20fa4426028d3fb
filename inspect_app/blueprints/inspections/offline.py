"""The service worker, served from the site root so that its scope is the whole app."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import make_response, render_template, url_for
from flask_login import login_required

from inspect_app.blueprints.inspections import bp

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
#: files whose content defines the shell cache's version.
SHELL_FILES = (
    "sw.js",
    "offline-store.js",
    "offline-sync.js",
    "checklist.js",
    "inspection.js",
    "offline-page.js",
    "confirm.js",
    "app.js",
    "ui.js",
)
#: the cache of downloaded inspections; not versioned, so a release keeps what was downloaded.
DATA_CACHE = "inspect-app-data"


@cache
def asset_version() -> str:
    """A short hash of the offline code: a new release gets a new shell cache."""
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
        url_for("static", filename="js/offline-sync.js"),
        url_for("static", filename="js/checklist.js"),
        url_for("static", filename="js/inspection.js"),
        url_for("static", filename="js/offline-page.js"),
        url_for("static", filename="js/logout.js"),
        url_for("static", filename="js/confirm.js"),
        url_for("static", filename="js/ui.js"),
        url_for("static", filename="img/favicon.svg"),
        url_for("static", filename="offline.html"),
        url_for("bootstrap.static", filename="css/bootstrap.min.css"),
        url_for("bootstrap.static", filename="umd/popper.min.js"),
        url_for("bootstrap.static", filename="js/bootstrap.min.js"),
    ]


@bp.route("/sw.js")
def service_worker():
    source = (STATIC_JS / "sw.js").read_text(encoding="utf-8")
    source = source.replace('"__VERSION__"', json.dumps(asset_version()))
    source = source.replace('"__DATA_CACHE__"', json.dumps(DATA_CACHE))
    source = source.replace("__SHELL__", json.dumps(shell_urls()))
    response = make_response(source)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
@login_required
def offline_data():
    """ "Dữ liệu ngoại tuyến": what this browser keeps for offline work (read from its own
    storage by offline-page.js; the server knows none of it)."""
    return render_template("inspections/offline.html")


@bp.app_context_processor
def offline_globals() -> dict:
    return {"offline_cache_name": DATA_CACHE}
