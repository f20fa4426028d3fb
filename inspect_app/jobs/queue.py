"""The Huey instance, built from the app's settings.

`REDIS_URL` set → RedisHuey (any number of workers on any number of machines); otherwise
SqliteHuey in `instance/huey.db` (nothing to install; workers on this machine only).
`HUEY_IMMEDIATE` runs each task inside the caller, for tests; `HUEY_IMMEDIATE_MEMORY`
then chooses between huey's in-memory storage and the real one.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey

QUEUE_NAME = "inspect_app"


def make_huey(config) -> Huey:
    """A Huey instance for the app's configuration."""
    immediate = bool(config.get("HUEY_IMMEDIATE"))
    options = {
        "immediate": immediate,
        "immediate_use_memory": bool(config.get("HUEY_IMMEDIATE_MEMORY", False)),
        "utc": True,
    }
    name = config.get("HUEY_NAME") or QUEUE_NAME
    url = config.get("REDIS_URL")
    if url:
        return RedisHuey(name, url=url, **options)
    path = Path(config["INSTANCE_DIR"]) / "huey.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), **options)


def huey_of(app: Flask) -> Huey:
    return app.extensions["huey"]
