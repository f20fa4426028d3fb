"""Fixtures for the follow-up features: a frozen clock and a real SMTP server in-process."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from inspect_app import clock

#: 20:00 UTC on 02/12/2026 is already 03:00 on 03/12/2026 in Vietnam.
SERVER_EVENING = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite gives timestamps back without their zone; they are stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@pytest.fixture
def frozen_clock(monkeypatch):
    """Freeze the app's clock (default: 20:00 UTC); `frozen_clock.set(moment)` moves it."""

    class Frozen:
        moment = SERVER_EVENING

        def set(self, moment: datetime) -> None:
            self.moment = moment

    frozen = Frozen()
    monkeypatch.setattr(clock, "utc_now", lambda: frozen.moment)
    return frozen


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: object

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""


@dataclass
class Inbox:
    received: list[Received] = field(default_factory=list)
    #: an SMTP reply to give to every DATA command instead of accepting ("451 ...").
    refuse_with: str | None = None
    port: int = 0
    controller: object = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.original_content, policy=policy.default),
            )
        )
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]

    def start(self) -> None:
        """(Re)start the server on its port; a stopped aiosmtpd controller cannot restart."""
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """An outage: the port refuses connections until `start()`."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on localhost; the app is configured to send through it."""
    inbox = Inbox(port=_free_port())
    inbox.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port, MAIL_USE_TLS=False)
    try:
        yield inbox
    finally:
        inbox.stop()
