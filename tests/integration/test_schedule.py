"""The worker's schedule: every registered task names a real function, and the follow-up and
regulation tasks run on the app's today and commit what they queue."""

from __future__ import annotations

from huey import MemoryHuey

from inspect_app.extensions import db
from inspect_app.jobs import daily, schedule
from inspect_app.models import OutboundEmail


def test_every_scheduled_task_resolves_to_a_function():
    targets = [task.target for task in schedule.DAILY_TASKS] + [
        target for _, target in schedule.MINUTE_TASKS
    ]
    assert "inspect_app.jobs.daily:send_reminders" in targets
    assert "inspect_app.jobs.daily:deliver_mail" in targets
    for target in targets:
        assert callable(schedule.resolve(target)), target


def test_the_schedule_registers_reminders_mail_and_the_stale_job_sweep(app):
    huey = MemoryHuey(utc=True)
    schedule.register_periodic(app, huey)

    names = {task.__name__ for task in huey._registry._periodic_tasks}
    assert {"send_reminders", "notify_stale_processes", "deliver_mail"} <= names
    assert "recover_stale_jobs" in names


def test_the_daily_and_minute_tasks_run_on_an_empty_register(app):
    with app.app_context():
        daily.notify_stale_processes()
        daily.send_reminders()
        daily.deliver_mail()
        db.session.commit()
        assert db.session.query(OutboundEmail).count() == 0
