"""A pool of LanguageTool servers: which one gets the next request.

Each server has its own circuit breaker and health probe. Shared state is a contract
(STYLE.md): only what is true for every request moves a breaker — the server did not
answer (refused, reset, timed out), or its probe did or did not answer.

- A request goes to the server with the fewest requests in flight among those up,
  ties taken in turn, so that an idle pool still spreads its load.
- A server that did not answer is marked down for `retry_after` seconds, and no
  request is sent to it while it is. When the time is up it is probed, one probe at a
  time, on a thread of its own (a real check of a short text, waited for: a server
  that answers /v2/languages may still be loading its rules for 20 s), and comes back
  when the probe is answered.
- Only when no server is up does a request go to one whose time is up without waiting
  for its probe: a pool of one then recovers exactly as a single server always has.
"""

from __future__ import annotations

import itertools
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(eq=False)  # each server is itself: compared and hashed by identity
class Server:
    """One LanguageTool server of the pool, as the client sees it."""

    url: str
    in_flight: int = 0
    down_until: float | None = None  # marked down until then (time.monotonic); None: up
    last_error: str | None = None
    probing: bool = False
    requests: int = 0  # requests sent to it (probes not counted)
    host: str = field(init=False)
    port: int = field(init=False)
    https: bool = field(init=False)
    path: str = field(init=False)

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.https else 80)
        self.path = f"{parts.path.rstrip('/')}/v2/check"

    @property
    def up(self) -> bool:
        return self.down_until is None


class ServerPool:
    def __init__(self, urls: Sequence[str], retry_after: float, probe: Callable[[str], bool]) -> None:
        if not urls:
            raise ValueError("A LanguageTool pool needs at least one server URL.")
        self.servers = [Server(url) for url in dict.fromkeys(urls)]
        self.retry_after = retry_after
        self._probe = probe  # url -> answered a real check
        self._lock = threading.Lock()
        self._turn = itertools.count()

    def choose(self, avoid: Sequence[Server] = ()) -> Server | None:
        """The server for the next request (its in-flight count taken), or None when
        every server not in `avoid` is marked down."""
        now = time.monotonic()
        with self._lock:
            due = [s for s in self.servers if not s.up and s.down_until <= now and not s.probing]  # type: ignore[operator]
            for server in due:
                server.probing = True
            candidates = [s for s in self.servers if s.up and s not in avoid]
            if not candidates:  # none up: try those whose time is up, as a lone server does
                candidates = [s for s in self.servers if not s.up and s.down_until <= now and s not in avoid]  # type: ignore[operator]
            chosen = None
            if candidates:
                turn = next(self._turn)
                chosen = min(
                    candidates,
                    key=lambda s: (s.in_flight, (self.servers.index(s) - turn) % len(self.servers)),
                )
                chosen.in_flight += 1
                chosen.requests += 1
        for server in due:
            threading.Thread(target=self._run_probe, args=(server,), name="tactful-lt-probe", daemon=True).start()
        return chosen

    def idle(self) -> bool:
        """No request of this process is waiting on any server."""
        with self._lock:
            return not any(server.in_flight for server in self.servers)

    def done(self, server: Server) -> None:
        with self._lock:
            server.in_flight -= 1

    def mark_down(self, server: Server, error: str) -> None:
        with self._lock:
            server.down_until = time.monotonic() + self.retry_after
            server.last_error = error

    def mark_up(self, server: Server) -> None:
        with self._lock:
            server.down_until = None
            server.last_error = None

    def last_error(self) -> str | None:
        """What the servers' failures said, for a draft that found none up."""
        errors = [s.last_error for s in self.servers if s.last_error]
        return "; ".join(errors) if errors else None

    def _run_probe(self, server: Server) -> None:
        try:
            answered = self._probe(server.url)
        finally:
            with self._lock:
                server.probing = False
        if answered:
            self.mark_up(server)
        elif not server.up:  # still down: the next probe after another pause
            self.mark_down(server, server.last_error or f"LanguageTool at {server.url} did not answer its probe")
