"""Follow-up commands (contract 5.10): `send-reminders` and `deliver-mail`."""

from __future__ import annotations

from datetime import date, datetime

import click

from inspect_app.cli.errors import fail
from inspect_app.extensions import db


def _parse_day(raw: str) -> date:
    try:
        return datetime.strptime(raw.strip(), "%d/%m/%Y").date()
    except ValueError:
        fail(f"--today: expected a date as DD/MM/YYYY, got {raw!r}")


def _echo_delivery(report) -> None:
    click.echo(
        f"Delivered: {report.sent} sent, {report.retried} to retry later, "
        f"{report.failed} failed, {report.cancelled} no longer needed."
    )


@click.command("send-reminders")
@click.option("--today", "today_raw", metavar="DD/MM/YYYY", help="The run's date (default: today).")
@click.option(
    "--queue-only", is_flag=True, help="Only queue the messages; the worker delivers them."
)
def send_reminders_command(today_raw: str | None, queue_only: bool):
    """Queue and send the reminders due today: 7, 3, 1 days before a due date and the day after."""
    from inspect_app.services import mail, reminders

    today = _parse_day(today_raw) if today_raw else None
    try:
        run = reminders.send_reminders(today)
    except reminders.ReminderError as exc:
        fail(exc.message)
    db.session.commit()
    for address, subject in run.messages:
        click.echo(f"  {address}: {subject}")
    for problem in run.bad_addresses:
        click.echo(f"Warning: unusable e-mail address, nothing sent to {problem}", err=True)
    click.echo(
        f"Queued {run.queued} messages for {len(run.reminders)} reminders ({run.today:%d/%m/%Y})."
    )
    if not queue_only:
        _echo_delivery(mail.deliver_pending())


@click.command("deliver-mail")
def deliver_mail_command():
    """Send the queued e-mail that is due (what the worker runs every minute)."""
    from inspect_app.services import mail

    _echo_delivery(mail.deliver_pending())


COMMANDS = (send_reminders_command, deliver_mail_command)

