"""The commands' progress display (cli/progress.py): bars on a terminal, lines in a log."""

from __future__ import annotations

import io

import pytest

from inspect_app.cli.progress import shown_progress
from inspect_app.services import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_stages(stream) -> None:
    with shown_progress(stream):
        for done in (0, 2000, 4000, 5000):
            progress.report("read", done, 5000)
        progress.report("write", 3000, None)
        progress.report("write", 5000, None)


def test_a_log_gets_one_plain_line_per_report():
    log = io.StringIO()
    run_stages(log)
    assert log.getvalue().splitlines() == [
        "0/5000 rows read",
        "2000/5000 rows read",
        "4000/5000 rows read",
        "5000/5000 rows read",
        "3000 rows written",
        "5000 rows written",
    ]


def test_a_terminal_gets_a_bar_per_stage_and_a_counter_without_a_total():
    screen = Terminal()
    run_stages(screen)
    shown = screen.getvalue()
    assert "rows read" in shown and "[####" in shown and "5000/5000" in shown and "100%" in shown
    assert "\r5000 rows written" in shown
    assert shown.endswith("\n"), "the last line is ended for the command's own output"


def test_nothing_is_shown_after_the_block_and_a_failure_still_ends_the_line():
    screen = Terminal()
    with pytest.raises(RuntimeError), shown_progress(screen):
        progress.report("write", 10, None)
        raise RuntimeError("import failed")
    assert screen.getvalue().endswith("\n")
    before = screen.getvalue()
    progress.report("write", 20, None)
    assert screen.getvalue() == before
