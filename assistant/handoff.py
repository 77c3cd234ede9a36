"""Tells the pipeline when an I/O check has sent its request and is only waiting.

LanguageTool should work while the spaCy parse and the other checks run. But the
interpreter lock is needed to build and send the request, and the parse holds it,
handing it over only every few milliseconds: measured over bench/corpus, the request
left 2.7 ms late (median) when both started together. So the grammar check, on the
request's own thread, starts the CPU checks on a worker only once its request is on the
wire (`sent()`); an I/O check on a worker thread is waited for, briefly, until it has
sent or finished.

It also tells the client whether its draft is the only one the pipeline is checking
(`alone()`): only then may LanguageTool's spare cores be spent on it (a draft sent in
parts, languagetool_client.py); under load each part only costs the server more."""

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


def alone() -> bool:
    """False while the pipeline is checking other drafts besides this thread's; True
    outside the pipeline."""
    return getattr(_local, "alone", True)


@contextmanager
def on_sent(callback: Callable[[], None], alone: bool = True) -> Iterator[None]:
    """Run `callback` when code in this thread, within the block, calls `sent()`;
    `alone()` says `alone` there."""
    _local.callback, _local.alone = callback, alone
    try:
        yield
    finally:
        _local.callback, _local.alone = None, True
