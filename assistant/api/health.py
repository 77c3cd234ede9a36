"""Readiness without waiting behind checks: each LanguageTool server is asked now, but
/readyz does not wait longer than `wait` for its answer (a LanguageTool busy with a burst
of checks answers late). A late answer is reported from the last probe, and lands for
the next."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

from ..languagetool_client import LanguageToolClient
from .schemas import Dependency, LanguageToolServer


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


class PoolProbe:
    """One Probe per server of the LanguageTool pool, asked together."""

    def __init__(self, client: LanguageToolClient) -> None:
        self.client = client
        self.probes = {server.url: Probe(partial(client.is_up, server.url)) for server in client.pool.servers}

    async def readiness(self) -> Dependency:
        answers = await asyncio.gather(*(probe.up() for probe in self.probes.values()))
        servers = [
            LanguageToolServer(
                url=server.url,
                status="up" if up else "down",
                in_rotation=server.up,
                in_flight=server.in_flight,
                detail=self._detail(server.url, server.last_error, up, fresh),
            )
            for server, (up, fresh) in zip(self.client.pool.servers, answers, strict=True)
        ]
        up = [s for s in servers if s.status == "up"]
        detail = servers[0].detail if len(servers) == 1 else f"{len(up)} of {len(servers)} servers up"
        return Dependency(status="up" if up else "down", detail=detail, servers=servers)

    def _detail(self, url: str, last_error: str | None, up: bool | None, fresh: bool) -> str | None:
        if fresh:
            return url if up else last_error or f"LanguageTool at {url} did not answer"
        age = self.probes[url].age()
        since = f"{age:.0f} s ago" if age is not None else "never"
        return f"{url} is slow to answer (busy?); its last answer came {since}"

    def close(self) -> None:
        for probe in self.probes.values():
            probe.close()
