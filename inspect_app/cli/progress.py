"""The progress of a synchronous command on standard error (CONTRACTS 5.8).

Services report `(stage, done, total)` through `services.progress`; a command wraps its
work in `shown_progress()`. On a terminal each stage is a click progress bar (or a running
count when the total is not known); in a log or a pipe each report is one plain line, so
the log stays readable.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import click

from inspect_app.services import progress

#: how a stage reads after a count of rows ("2000/60000 rows read").
STAGE_WORDS = {"read": "read", "check": "checked", "write": "written"}


class TerminalProgress:
    """A progress listener drawing one bar (or counter) per stage on `stream`."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.stage: str | None = None
        self.bar = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.done = stage, 0
            if self.interactive and total:
                self.bar = click.progressbar(
                    length=total,
                    label=f"rows {STAGE_WORDS.get(stage, stage)}",
                    file=self.stream,
                    show_pos=True,
                    show_percent=True,
                    show_eta=True,
                )
                self.bar.render_progress()
        if self.bar is not None:
            self.bar.update(max(done - self.done, 0))
        elif self.interactive:
            self.stream.write(f"\r{self._line(done, total)}")
            self.stream.flush()
        else:
            click.echo(self._line(done, total), file=self.stream)
        self.done = done

    def _line(self, done: int, total: int | None) -> str:
        suffix = f"/{total}" if total else ""
        return f"{done}{suffix} rows {STAGE_WORDS.get(self.stage or '', self.stage)}"

    def close(self) -> None:
        """End the current stage's line."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None
        elif self.interactive and self.stage is not None:
            self.stream.write("\n")
        self.stage = None


@contextmanager
def shown_progress(stream: TextIO | None = None) -> Iterator[TerminalProgress]:
    """Show the progress reported inside the block; the last line is ended either way."""
    listener = TerminalProgress(stream)
    try:
        with progress.reporting(listener):
            yield listener
    finally:
        listener.close()
