"""How a command fails: every problem on stderr, status 1, nothing written."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from inspect_app.errors import DomainError
from inspect_app.extensions import db


def fail(*lines: str) -> NoReturn:
    """Print each problem as `Error: …` and exit with status 1; the transaction is rolled back."""
    db.session.rollback()
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    sys.exit(1)


@contextmanager
def exit_on_domain_error(prefix: str = "") -> Iterator[None]:
    """Turn a DomainError raised by a service into `fail`, one line per line of its message."""
    try:
        yield
    except DomainError as exc:
        fail(*(f"{prefix}{line}" for line in exc.message.splitlines()))
