"""Reminders by e-mail (DESIGN 5.10): 7, 3 and 1 days before a due date, and the day after.

`send_reminders(today)` is the daily run (the worker at 07:00, `send-reminders` on the
command line). It queues messages (see `services.mail`) and records each (object, kind) in
`sent_reminders`, so running it again the same day, or the next, queues nothing twice.
Kinds cover ranges of days rather than single days, so a run missed by a stopped worker is
caught up the next day (a dossier due in 5 days gets its "7 days" reminder then).
The caller commits once; the worker then delivers the queue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    Finding,
    Inspection,
    Role,
    SentReminder,
    User,
)
from inspect_app.services import mail, reminder_targets

#: how far from the real today a run may be dated (a typo such as 2062 is refused).
MAX_RUN_OFFSET = timedelta(days=90)
#: an overdue reminder is still sent this many days late (a worker stopped for a while).
OVERDUE_CATCH_UP_DAYS = 7


class ReminderError(DomainError):
    status_code = 422


@dataclass
class ReminderRun:
    today: date
    #: messages queued.
    queued: int = 0
    #: (object_type, object_id, kind) recorded by this run.
    reminders: list[tuple[str, int, str]] = field(default_factory=list)
    #: addresses that could not be used, e.g. "Tên cơ quan (cán bộ ISO): abc@".
    bad_addresses: list[str] = field(default_factory=list)
    #: what each recipient got, for the command's listing: (address, subject).
    messages: list[tuple[str, str]] = field(default_factory=list)


def check_run_date(today: date) -> None:
    real = clock.today()
    if abs(today - real) > MAX_RUN_OFFSET:
        raise ReminderError(
            f"--today {today:%d/%m/%Y} is more than {MAX_RUN_OFFSET.days} days from today "
            f"({real:%d/%m/%Y}); reminders run for the current date."
        )


def reminder_kind(days_left: int) -> str | None:
    """Which reminder is due when `days_left` days remain (negative: overdue)."""
    if 4 <= days_left <= 7:
        return "before_7"
    if 2 <= days_left <= 3:
        return "before_3"
    if days_left == 1:
        return "before_1"
    if -OVERDUE_CATCH_UP_DAYS <= days_left <= -1:
        return "overdue"
    return None


def send_reminders(today: date | None = None) -> ReminderRun:
    """Queue every reminder due on `today` (the app's today by default); flushes only."""
    today = today or clock.today()
    check_run_date(today)
    run = ReminderRun(today=today)
    done = _already_sent()
    # Only what falls in a reminder's window is loaded (a national register has many more).
    first, last = today - timedelta(days=OVERDUE_CATCH_UP_DAYS), today + timedelta(days=7)
    dossiers = reminder_targets.dossiers_awaiting().where(
        Inspection.dossier_due.between(first, last)
    )
    for inspection in db.session.scalars(dossiers.options(selectinload(Inspection.agency))):
        _remind(run, done, "dossier", inspection, inspection.agency, inspection.dossier_due)
    findings = reminder_targets.findings_awaiting().where(Finding.due_on.between(first, last))
    for finding in db.session.scalars(
        findings.options(selectinload(Finding.inspection).selectinload(Inspection.agency))
    ):
        _remind(run, done, "finding", finding, finding.inspection.agency, finding.due_on)
    _lead_digests(run, done)
    db.session.flush()
    return run


def _already_sent() -> set[tuple[str, int, str]]:
    rows = db.session.execute(
        select(SentReminder.object_type, SentReminder.object_id, SentReminder.kind)
    )
    return {tuple(row) for row in rows}


def _remind(run: ReminderRun, done: set, object_type: str, obj, agency: Agency, due: date):
    kind = reminder_kind((due - run.today).days)
    if kind is None or (object_type, obj.id, kind) in done:
        return
    count = 0
    for name, address in agency_recipients(agency, run):
        subject, text, html = _compose(object_type, obj, agency, due, kind, run.today, name)
        mail.queue_message(
            address,
            subject,
            text,
            html,
            kind="reminder",
            object_type=object_type,
            object_id=obj.id,
        )
        run.messages.append((address, subject))
        count += 1
    if count:
        # Nobody reachable: not recorded, so the reminder goes once an address is fixed.
        _record(run, done, object_type, obj.id, kind, count)


def _record(run: ReminderRun, done: set, object_type: str, object_id: int, kind: str, n: int):
    db.session.add(
        SentReminder(
            object_type=object_type, object_id=object_id, kind=kind, run_on=run.today, messages=n
        )
    )
    done.add((object_type, object_id, kind))
    run.reminders.append((object_type, object_id, kind))
    run.queued += n


def agency_recipients(agency: Agency, run: ReminderRun | None = None) -> list[tuple[str, str]]:
    """(name, address) of the agency's users who want reminders, and its current ISO officer."""
    seen: set[str] = set()
    recipients = []
    users = db.session.scalars(
        select(User)
        .where(User.agency_id == agency.id, User.role == Role.AGENCY, User.active.is_(True))
        .order_by(User.id)
    )
    for user in users:
        if not user.email or not user.email_reminders:
            continue
        _add(recipients, seen, user.full_name, user.email, f"{agency.name} ({user.username})", run)
    officer = agency.current_officer
    if officer is not None and officer.email:
        _add(recipients, seen, officer.name, officer.email, f"{agency.name} (cán bộ ISO)", run)
    return recipients


def _add(recipients: list, seen: set, name: str, address: str, who: str, run) -> None:
    address = address.strip()
    if not mail.is_valid_address(address):
        if run is not None:
            run.bad_addresses.append(f"{who}: {address}")
        return
    if address.lower() in seen:
        return
    seen.add(address.lower())
    recipients.append((name, address))


# --- the lead's daily digest -----------------------------------------------------------------


def overdue_for_leads(today: date) -> dict[int, list[tuple[Inspection, str, object]]]:
    """lead id → [(inspection, "dossier"|"finding", object)] of what is overdue on `today`."""
    found: dict[int, list] = defaultdict(list)
    dossiers = reminder_targets.dossiers_awaiting().where(
        Inspection.dossier_due < today, Inspection.lead_id.is_not(None)
    )
    for inspection in db.session.scalars(dossiers.options(selectinload(Inspection.agency))):
        found[inspection.lead_id].append((inspection, "dossier", inspection))
    findings = reminder_targets.findings_awaiting().where(
        Finding.due_on < today, Inspection.lead_id.is_not(None)
    )
    eager = selectinload(Finding.inspection).selectinload(Inspection.agency)
    for finding in db.session.scalars(findings.options(eager)):
        found[finding.inspection.lead_id].append((finding.inspection, "finding", finding))
    return found


def _lead_digests(run: ReminderRun, done: set) -> None:
    kind = f"digest:{run.today.isoformat()}"
    for lead_id, items in sorted(overdue_for_leads(run.today).items()):
        lead = db.session.get(User, lead_id)
        if lead is None or not lead.active or not lead.email_reminders or not lead.email:
            continue
        if ("digest", lead.id, kind) in done:
            continue
        if not mail.is_valid_address(lead.email):
            run.bad_addresses.append(f"{lead.full_name} ({lead.username}): {lead.email}")
            continue
        subject, text, html = _compose_digest(lead, items, run.today)
        mail.queue_message(
            lead.email, subject, text, html, kind="digest", object_type="digest", object_id=lead.id
        )
        run.messages.append((lead.email, subject))
        _record(run, done, "digest", lead.id, kind, 1)


# --- wording (always Vietnamese: the department's official language) -------------------------


def base_url() -> str:
    return current_app.config["APP_BASE_URL"]


def _when(due: date, today: date) -> str:
    days = (due - today).days
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hạn là hôm nay"
    return f"đã quá hạn {-days} ngày"


def _compose(object_type, obj, agency: Agency, due: date, kind, today: date, name: str):
    when = _when(due, today)
    if object_type == "dossier":
        year = obj.plan.year
        what = f"hồ sơ kiểm tra HTQLCL năm {year}"
        subject = f"[Kiểm tra HTQLCL] {agency.name}: {what} – hạn nộp {due:%d/%m/%Y} ({when})"
        link = f"{base_url()}/portal/dossiers/{obj.id}"
        lines = [
            f"Đoàn kiểm tra của Sở KH&CN đã đề nghị {agency.name} nộp hồ sơ, báo cáo về việc "
            f"áp dụng, duy trì HTQLCL theo TCVN ISO 9001:2015 (kế hoạch kiểm tra năm {year}).",
            f"Hạn nộp: {due:%d/%m/%Y} ({when}).",
        ]
        action = "Xem yêu cầu và nộp hồ sơ"
    else:
        severity = str(obj.severity.label)
        what = f"phát hiện #{obj.id} ({severity})"
        subject = f"[Kiểm tra HTQLCL] {agency.name}: {what} – hạn khắc phục {due:%d/%m/%Y} ({when})"
        link = f"{base_url()}/portal/findings/{obj.id}"
        lines = [
            f"Đoàn kiểm tra đã ghi nhận {what} tại {agency.name}"
            + (f" (yêu cầu {obj.requirement})" if obj.requirement else "")
            + ":",
            obj.description,
            f"Hành động khắc phục yêu cầu: {obj.corrective_action_required}",
            f"Hạn khắc phục: {due:%d/%m/%Y} ({when}).",
        ]
        action = "Xem phát hiện và gửi hành động khắc phục"
    return subject, *_bodies(name, lines, action, link)


def _compose_digest(lead: User, items: list, today: date):
    subject = (
        f"[Kiểm tra HTQLCL] Việc quá hạn trên các cuộc kiểm tra của {lead.full_name} "
        f"ngày {today:%d/%m/%Y}: {len(items)} mục"
    )
    lines = [
        f"Các việc đã quá hạn trên các cuộc kiểm tra do đồng chí làm trưởng đoàn "
        f"(ngày {today:%d/%m/%Y}):"
    ]
    links = []
    for inspection, object_type, obj in items:
        if object_type == "dossier":
            text = (
                f"{inspection.agency.name}: chưa nộp hồ sơ, hạn {obj.dossier_due:%d/%m/%Y} "
                f"({_when(obj.dossier_due, today)})"
            )
            url = f"{base_url()}/inspections/{inspection.id}"
        else:
            text = (
                f"{inspection.agency.name}: phát hiện #{obj.id} chưa có hành động khắc phục, "
                f"hạn {obj.due_on:%d/%m/%Y} ({_when(obj.due_on, today)})"
            )
            url = f"{base_url()}/findings/{obj.id}"
        links.append((text, url))
    text, html = _bodies(
        lead.full_name,
        lines,
        "Xem sổ theo dõi phát hiện",
        f"{base_url()}/findings?overdue=1",
        links,
    )
    return subject, text, html


def _bodies(name: str, lines: list[str], action: str, link: str, items=()):
    env = current_app.jinja_env
    context = {
        "name": name,
        "lines": lines,
        "action": action,
        "link": link,
        "items": list(items),
        "account_url": f"{base_url()}/account",
    }
    return (
        env.get_template("mail/reminder.txt").render(**context),
        env.get_template("mail/reminder.html").render(**context),
    )
