"""The commit boundary of the HTML views: one transaction per request, one way to fail.

A view loads its objects, checks access, validates the form, and then calls the services
inside `unit_of_work()`:

    with unit_of_work(form.reason) as work:
        findings.reopen_finding(finding, current_user, form.reason.data)
        flash(_("Đã mở lại phát hiện."), "warning")
        return redirect(url_for("findings.detail", finding_id=finding.id))
    return _detail_page(finding, work.status, reopen_form=form)

When the block ends (a `return` inside it too) the session is committed. When a service
raises a DomainError the session is rolled back, the error's message is shown (on the given
form field, or flashed), the rest of the block is skipped, and the view goes on after it,
usually to show the form again. Any other exception reaches the error handlers, which roll
back as well (`web/errors.py`). The API has its own JSON boundary (`blueprints/api`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash

from inspect_app.errors import DomainError
from inspect_app.extensions import db


class UnitOfWork:
    """What happened inside a `unit_of_work()` block."""

    def __init__(self, field=None) -> None:
        #: the form field that shows a refusal (None: flashed); a block may point it elsewhere
        #: before a later step, so each step's refusal appears next to its own input.
        self.field = field
        #: the refused move, when a service raised one.
        self.error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        """The HTTP status of a page shown again after the error (200 when there was none)."""
        return self.error.status_code if self.error is not None else 200


@contextmanager
def unit_of_work(field=None, *, message: str | None = None) -> Iterator[UnitOfWork]:
    """Commit the block's writes, or roll them back and show why a DomainError refused them.

    `field`: the form field that shows the message (default: a "danger" flash).
    `message`: shown instead of the error's own message.
    """
    work = UnitOfWork(field)
    try:
        yield work
    except DomainError as error:
        db.session.rollback()
        work.error = error
        text = str(message or error.message)
        if work.field is not None:
            work.field.errors = [*work.field.errors, text]
        else:
            flash(text, "danger")
        return
    db.session.commit()
