"""The task queue (DESIGN 5.8): imports, exports and scheduled work off the request.

- `queue.py` builds the Huey instance from the settings (SQLite file or Redis);
- `kinds.py` says what each kind of job does (through the same services as the CLI);
- `service.py` creates, runs, reports, cancels and recovers jobs;
- `schedule.py` is where periodic (daily) tasks are registered;
- `cli.py` is `flask --app wsgi worker`.
"""

from __future__ import annotations

from flask import Flask

from inspect_app.jobs.queue import make_huey


def init_app(app: Flask) -> None:
    """Build the app's queue and register its tasks on it."""
    from inspect_app.jobs import cli, schedule, service

    huey = make_huey(app.config)
    app.extensions["huey"] = huey

    @huey.task(name="run_job")
    def run_job_task(job_id: int) -> None:
        with app.app_context():
            service.run_job(job_id)

    app.extensions["job_task"] = run_job_task
    schedule.register_periodic(app, huey)
    app.cli.add_command(cli.worker_command)
