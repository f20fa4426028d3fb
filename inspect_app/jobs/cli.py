"""`flask --app wsgi worker`: run queued jobs and the schedule (DESIGN 5.8)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, help="Jobs run at the same time.")
@click.option(
    "--no-periodic",
    is_flag=True,
    help="Do not run the schedule (when another worker already runs it).",
)
@with_appcontext
def worker_command(workers: int, no_periodic: bool):
    """Run jobs from the queue until stopped (Ctrl-C or SIGTERM)."""
    from inspect_app.jobs import service
    from inspect_app.jobs.queue import huey_of

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = current_app._get_current_object()
    huey = huey_of(app)
    recovered = service.recover_stale_jobs()
    if recovered:
        click.echo(f"worker: requeued or failed {len(recovered)} job(s) left by a stopped worker")
    storage = "redis" if app.config.get("REDIS_URL") else "sqlite"
    click.echo(f"worker: {workers} thread(s), queue on {storage}")
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=not no_periodic, check_worker_health=True
    )
    consumer.run()
