"""Normal checks with and without 500 trickling connections (issue 18, part 6).

Starts a real `tactful serve` (one worker, default connection limits) on a free loopback
port against a LanguageTool server, then measures for --seconds each:

1. checks alone: `--agents` client threads posting `POST /v1/check`, each draft new to
   the caches (one LanguageTool request each), one new connection per request;
2. the same while --slow connections trickle a request's headers one byte a second
   (each closed by the server at its header deadline, and opened again at once).

It prints checks/s, p50 and p95 of both, and what the server answered the trickling
connections. Loopback only, bounded in time (2 x --seconds plus start-up):

    .venv/bin/python bench/slow_clients.py --languagetool-url http://127.0.0.1:8081
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import http.client
import json
import statistics
import threading
import time
from itertools import count

from run import AUTH, RUN_DIR, log, percentile, serving  # bench/run.py

DRAFT = "Hi Dana, their is a problem with you're account. Reference {n}, line {m}."
TRICKLED = b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10_000


class Tricklers:
    """`count` connections that each send a request's headers one byte every `every`
    seconds, opening a new one a second after the server closes one, until the block ends.
    `answers` counts the first line of what the server sent before closing ("closed"
    when it closed without a word). They run on an event loop in a thread of their own."""

    def __init__(self, host: str, port: int, count: int, every: float = 1.0) -> None:
        self.host, self.port, self.count, self.every = host, port, count, every
        self.answers: collections.Counter[str] = collections.Counter()
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="tricklers")

    def __enter__(self) -> Tricklers:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    async def _main(self) -> None:
        await asyncio.gather(*(self._trickle() for _ in range(self.count)))

    async def _trickle(self) -> None:
        while not self._stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                self.answers["not accepted"] += 1
                await asyncio.sleep(self.every)
                continue
            self.opened += 1
            answer = await self._send_slowly(reader, writer)
            if answer is not None:
                self.answers[answer.split(b"\r\n", 1)[0].decode("latin-1") or "closed"] += 1
            writer.close()
            await asyncio.sleep(self.every)  # then again, as a slow client would

    async def _send_slowly(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes | None:
        """What the server sent before it closed, or None if the block ended first."""
        for byte in TRICKLED:
            if self._stop.is_set():
                return None
            try:
                writer.write(bytes([byte]))
                return await asyncio.wait_for(reader.read(200), self.every)
            except TimeoutError:
                continue
            except ConnectionError:
                return b""
        return None


class Agents:
    """`agents` threads checking a new draft each, over a new connection each, until
    the block ends; `results` holds (HTTP status, grammar status, seconds)."""

    def __init__(self, base: str, key: str, agents: int) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.key = host, int(port), key
        self.results: list[tuple[int, str | None, float]] = []
        self._numbers = count()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._agent) for _ in range(agents)]

    def __enter__(self) -> Agents:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def check(self) -> tuple[int, str | None, float]:
        n = next(self._numbers)
        body = json.dumps({"text": DRAFT.format(n=n, m=n % 7), "channel": "email"})
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"}
        began = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request("POST", "/v1/check", body, headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - began
        grammar = json.loads(data)["checks"]["grammar"]["status"] if response.status == 200 else None
        return response.status, grammar, seconds

    def _agent(self) -> None:
        while not self._stop.is_set():
            self.results.append(self.check())


def summary(name: str, results: list[tuple[int, str | None, float]], seconds: float) -> str:
    ms = [r[2] * 1000 for r in results]
    ok = sum(1 for r in results if r[0] == 200 and r[1] == "ok")
    return (
        f"| {name} | {len(results) / seconds:.1f} | {statistics.median(ms):.0f} | {percentile(ms, 95):.0f} "
        f"| {ok}/{len(results)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--slow", type=int, default=500, help="trickling connections in phase 2")
    parser.add_argument("--agents", type=int, default=2, help="client threads checking drafts")
    args = parser.parse_args()
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    with serving(args.languagetool_url) as base:
        key = AUTH["Authorization"].removeprefix("Bearer ")
        host, port = base.removeprefix("http://").split(":")
        log(f"phase 1: {args.agents} agents for {args.seconds:.0f} s")
        with Agents(base, key, args.agents) as alone:
            time.sleep(args.seconds)
        log(f"phase 2: the same beside {args.slow} trickling connections")
        with Tricklers(host, int(port), args.slow) as slow:
            time.sleep(3)  # all of them open and trickling
            with Agents(base, key, args.agents) as beside:
                time.sleep(args.seconds)
    print("| phase | checks/s | p50 ms | p95 ms | 200 with grammar ok |")
    print("|---|---|---|---|---|")
    print(summary("checks alone", alone.results, args.seconds))
    print(summary(f"beside {args.slow} trickling connections", beside.results, args.seconds))
    print(f"\ntrickling connections opened: {slow.opened}; the server's answers: {dict(slow.answers)}")


if __name__ == "__main__":
    main()
