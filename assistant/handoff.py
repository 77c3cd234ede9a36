"""Tells the pipeline when an I/O check has sent its request and is only waiting.

The pipeline starts I/O checks first, on worker threads, so that LanguageTool works
while the spaCy parse and the other checks run here. But a worker needs the interpreter
lock to build and send its request, and the parse holds it, handing it over only every
few milliseconds: measured over bench/corpus, the request left 2.7 ms late (median).
So the pipeline waits, briefly, until each I/O check has sent (`sent()`) or finished."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_local = threading.local()


def sent() -> None:
    """Called by a client once its request is on the wire; a no-op outside the pipeline."""
    callback: Callable[[], None] | None = getattr(_local, "callback", None)
    if callback is not None:
        callback()


@contextmanager
def on_sent(callback: Callable[[], None]) -> Iterator[None]:
    """Run `callback` when code in this thread, within the block, calls `sent()`."""
    _local.callback = callback
    try:
        yield
    finally:
        _local.callback = None
