"""Command-line interface (`flask --app wsgi COMMAND`): one module per group of commands.

Each module lists its click commands in `COMMANDS`; `register` adds them all. A command
parses its arguments, calls the same services as the pages, commits once, and fails
through `errors.fail` (docs/CONTRACTS.md, 5.3).
"""

from __future__ import annotations

from flask import Flask

from inspect_app.cli import (
    agencies,
    backup,
    followup,
    plans,
    proposals,
    regulations,
    reports,
    seed,
    users,
)

GROUPS = (users, seed, backup, agencies, plans, proposals, regulations, reports, followup)


def register(app: Flask) -> None:
    """Add every group's commands to `app.cli`."""
    for group in GROUPS:
        for command in group.COMMANDS:
            app.cli.add_command(command)
