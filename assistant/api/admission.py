"""Admission: how many drafts are checked at once, how many wait, and who is refused.

A check costs CPU here (spaCy, readability) and in LanguageTool, on the same few cores:
running more at once only makes every one of them slower, until LanguageTool's time-out
turns grammar `unavailable` for all. So at most `slots` drafts are checked at once, on
threads of their own (never the pool that health answers from); up to `queue` more wait
in arrival order. A draft is refused at once (503, Retry-After) when the queue is full or
when the work ahead of it would keep it waiting more than `max_wait` seconds; one that
still waits that long (the estimate was wrong) is refused then. With a slot free, a draft
always starts, however long it is.

The wait is estimated from the work ahead: each draft costs its length in characters
plus DRAFT_OVERHEAD, and the seconds one slot takes per unit of work are learned from the
drafts finished (a moving average of seconds per unit, which leans towards the slow ones).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TypeVar

import anyio

from .problems import ProblemError

T = TypeVar("T")
DRAFT_OVERHEAD = 500  # a short draft still costs a spaCy call and a LanguageTool round trip
SECONDS_PER_UNIT = 1e-4  # before anything is measured: 10,000 characters a second per slot (2 cores)
LEARNING_RATE = 0.2


class Busy(ProblemError):
    def __init__(self, wait: float) -> None:
        retry_after = max(1, math.ceil(wait))
        super().__init__(
            503,
            f"Tactful is checking as many drafts as it can; this one would wait about {retry_after} s. "
            f"Try again after {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class Admission:
    def __init__(self, slots: int, queue: int, max_wait: float, seconds_per_unit: float = SECONDS_PER_UNIT) -> None:
        self.slots, self.queue, self.max_wait = slots, queue, max_wait
        self.seconds_per_unit = seconds_per_unit
        self._slots = anyio.CapacityLimiter(slots)
        self._threads = anyio.CapacityLimiter(slots)  # checks never use AnyIO's shared pool
        self._waiting: list[int] = []  # work of each draft in the queue
        self._running: dict[object, tuple[int, float]] = {}  # token -> (work, started)

    @property
    def in_progress(self) -> int:
        return len(self._running)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def estimated_wait(self) -> float:
        """Seconds before a draft arriving now would start."""
        if self._slots.available_tokens and not self._waiting:
            return 0.0
        now = time.monotonic()
        left = sum(max(work * self.seconds_per_unit - (now - started), 0.0) for work, started in self._running.values())
        return (left + sum(self._waiting) * self.seconds_per_unit) / self.slots

    async def _wait_for_slot(self, token: object, work: int) -> None:
        wait = self.estimated_wait()
        if len(self._waiting) >= self.queue or wait > self.max_wait:
            raise Busy(wait)
        self._waiting.append(work)
        admitted = False
        try:
            with anyio.move_on_after(self.max_wait):
                await self._slots.acquire_on_behalf_of(token)
                admitted = True
        finally:
            self._waiting.remove(work)
        if not admitted:  # the estimate was wrong: refuse now rather than late
            raise Busy(self.estimated_wait())

    async def run(self, func: Callable[..., T], *args: object, work: int) -> T:
        """func(*args) on a check thread once a slot is free, or Busy."""
        work += DRAFT_OVERHEAD
        token = object()
        if self._slots.available_tokens and not self._waiting:  # a free slot: start now
            self._slots.acquire_on_behalf_of_nowait(token)
        else:
            await self._wait_for_slot(token, work)
        started = time.monotonic()
        self._running[token] = (work, started)
        try:
            return await anyio.to_thread.run_sync(func, *args, limiter=self._threads)
        finally:
            del self._running[token]
            self._slots.release_on_behalf_of(token)
            taken = (time.monotonic() - started) / work
            self.seconds_per_unit += LEARNING_RATE * (taken - self.seconds_per_unit)
