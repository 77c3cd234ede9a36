"""Child processes that SIGINT interrupts, as a terminal's Ctrl-C does."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def interruptible() -> Iterator[None]:
    """Children started inside the block take SIGINT as an interrupt even when this run
    ignores it: a shell starts a background job (`./run.sh test &`) with SIGINT ignored,
    children inherit that across exec, and Python then installs no KeyboardInterrupt."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
