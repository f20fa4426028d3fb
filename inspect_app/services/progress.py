"""Progress of long work (imports, exports), reported without threading a callback through
every service signature.

A caller that wants progress (a job on the queue, a CLI progress bar) wraps the work in
`reporting(callback)`; services call `report(stage, done, total)` at natural points (every
few thousand rows). Without a listener `report` does nothing. A listener may raise (for
instance to cancel a job): the exception travels up through the service, which never
commits, so nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[str, int, int | None], None]

_listener: ContextVar[Listener | None] = ContextVar("progress_listener", default=None)
#: rows between two reports from `counted`.
EVERY = 2000


def report(stage: str, done: int, total: int | None = None) -> None:
    """Tell the current listener how far `stage` (`read`, `check`, `write`) has come."""
    listener = _listener.get()
    if listener is not None:
        listener(stage, done, total)


@contextmanager
def reporting(listener: Listener) -> Iterator[None]:
    """Send the reports made inside the block to `listener`."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def counted(rows, stage: str, total: int | None = None, every: int = EVERY):
    """Yield `rows` unchanged, reporting every `every` rows and once at the end."""
    if _listener.get() is None:
        yield from rows
        return
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            report(stage, done, total)
    report(stage, done, total if total is not None else done)
