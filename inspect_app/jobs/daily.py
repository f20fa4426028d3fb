"""The scheduled work of the follow-up and the regulation tracker, as the schedule calls it.

Each function takes no argument and works on the app's today (`APP_TIMEZONE`); the schedule
commits after it (`jobs/schedule.py`).
"""

from __future__ import annotations

from inspect_app import clock
from inspect_app.services import mail, regulations, reminders


def send_reminders() -> None:
    """07:00: the day's reminders and the team leads' digests (CONTRACTS 5.10), queued;
    the every-minute delivery sends them."""
    reminders.send_reminders(clock.today())


def notify_stale_processes() -> None:
    """06:30: agencies whose processes a legal change made stale today (CONTRACTS 5.11)."""
    regulations.notify_stale(clock.today())


def deliver_mail() -> None:
    """Every minute: send the queued e-mail that is due; retries wait (CONTRACTS 5.10)."""
    mail.deliver_pending()
