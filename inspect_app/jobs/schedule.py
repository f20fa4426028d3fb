"""Periodic (daily) work: the ONE place where scheduled tasks are registered.

To add a daily task, append a `Daily` to `DAILY_TASKS` naming a plain service function
(`"package.module:function"`) and the local time it runs at, in `APP_TIMEZONE` (default
Asia/Ho_Chi_Minh). The function is called inside an app context with no arguments; it
flushes like any service and the wrapper commits once (or rolls back on error). Example:

    Daily("send_reminders", "inspect_app.jobs.daily:send_reminders", 7, 0)

Workers run the schedule (`flask --app wsgi worker`; one worker per deployment should run
it, see `--no-periodic`). Besides the daily tasks, every minute the queue looks for jobs
whose worker died (`recover_stale_jobs`) and once a day drops results older than
`JOB_KEEP_DAYS`.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from huey import crontab

log = logging.getLogger(__name__)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True, slots=True)
class Daily:
    """A service function run once a day at hour:minute, local time."""

    name: str
    target: str
    hour: int
    minute: int = 0


#: daily tasks; other features add theirs here.
DAILY_TASKS: list[Daily] = [
    Daily("purge_expired_jobs", "inspect_app.jobs.service:purge_expired_jobs", 3, 30),
    Daily("notify_stale_processes", "inspect_app.jobs.daily:notify_stale_processes", 6, 30),
    Daily("send_reminders", "inspect_app.jobs.daily:send_reminders", 7, 0),
]

#: tasks run every minute, like the daily ones (a plain function, committed after).
MINUTE_TASKS: list[tuple[str, str]] = [
    ("deliver_mail", "inspect_app.jobs.daily:deliver_mail"),
]


def local_time(app: Flask, hour: int, minute: int):
    """A huey schedule test: true in the minute hour:minute of APP_TIMEZONE."""
    zone = ZoneInfo(app.config.get("APP_TIMEZONE") or DEFAULT_TIMEZONE)

    def validate(moment: datetime) -> bool:
        # huey (utc=True) passes naive UTC datetimes.
        local = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
        return local.hour == hour and local.minute == minute

    return validate


def resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def register_periodic(app: Flask, huey) -> None:
    """Register the daily tasks and the stale-job sweep on `huey`."""
    from inspect_app.extensions import db
    from inspect_app.jobs import service

    def committed(name: str, target: str):
        def run() -> None:
            with app.app_context():
                try:
                    resolve(target)()
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    log.exception("daily task %s failed", name)
                    raise

        run.__name__ = name
        return run

    for task in DAILY_TASKS:
        huey.periodic_task(local_time(app, task.hour, task.minute), name=task.name)(
            committed(task.name, task.target)
        )

    for name, target in MINUTE_TASKS:
        huey.periodic_task(crontab(minute="*"), name=name)(committed(name, target))

    def sweep() -> None:
        with app.app_context():
            service.recover_stale_jobs()

    huey.periodic_task(crontab(minute="*"), name="recover_stale_jobs")(sweep)
