"""Readiness without waiting behind checks: LanguageTool is asked now, but /readyz does
not wait longer than `wait` for its answer (a LanguageTool busy with a burst of checks
answers late). A late answer is reported from the last probe, and lands for the next."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class Probe:
    def __init__(self, is_up: Callable[[], bool], wait: float = 0.5) -> None:
        self._is_up, self.wait = is_up, wait
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tactful-probe")
        self._pending: Future[bool] | None = None
        self.last: bool | None = None  # the last answer, and when (time.monotonic)
        self.last_at: float | None = None

    async def up(self) -> tuple[bool | None, bool]:
        """(up, fresh): LanguageTool's answer now, or (the last answer, False) if it is late.
        One probe at a time: callers arriving meanwhile share it."""
        if self._pending is None or self._pending.done():
            self._pending = self._executor.submit(self._probe)
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._pending)), self.wait), True
        except TimeoutError:
            return self.last, False

    def age(self) -> float | None:
        return None if self.last_at is None else time.monotonic() - self.last_at

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _probe(self) -> bool:
        up = self._is_up()
        self.last, self.last_at = up, time.monotonic()
        return up
