"""Deadlines and a cap for HTTP connections: what uvicorn does not bound.

uvicorn (0.54, httptools) closes a kept-alive connection that sends nothing for
`timeout_keep_alive` seconds, but every byte received resets that timer, a connection
that never sends a byte is never timed out, and httptools accepts headers of any size
(its "timeout unless request headers complete" is still an open wish:
https://github.com/Kludex/uvicorn/issues/157). So 50 clients trickling a header byte a
second hold 50 connections for ever. `tactful serve` therefore runs this subclass of
uvicorn's httptools protocol (`--http assistant.api.connections:DeadlineProtocol`):

- Header deadline: a request's line and headers must be in within `header_timeout`
  seconds of the connection opening or of the previous answer on it; else 408 and
  closed (closed without an answer when nothing of a request came: an idle connection).
- Header size: more than `max_header_bytes` before the headers end is 431, closed.
- Connection cap: at most `max_connections` open per process. One more closes the
  connection that has waited longest for its headers (a slow client, or an idle kept-
  alive one), so stalled clients can never lock out the quick ones; when none is
  waiting, the new connection is answered 503 and closed.
- httptools' framing errors (400) are problem+json, as the rest of the API.

The body deadline lives in the app (api/body.py, BodyLimit): there the answer is the
app's own problem+json, and it starts when the headers are in. Limits come from
Settings, read once per worker process.
"""

from __future__ import annotations

import functools
import json
import logging
from asyncio import TimerHandle
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from ..settings import Settings
from .problems import MEDIA_TYPE, TITLES

log = logging.getLogger(__name__)
PROTOCOL = "assistant.api.connections:DeadlineProtocol"


@functools.cache
def _limits() -> Settings:
    return Settings()


class DeadlineProtocol(HttpToolsProtocol):
    # Connections of this process waiting for a request's headers, oldest first.
    _waiting: ClassVar[dict[DeadlineProtocol, None]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: TimerHandle | None = None
        self._header_bytes = 0

    def connection_made(self, transport: Any) -> None:
        settings = _limits()
        full = len(self.connections) >= settings.http_max_connections
        super().connection_made(transport)
        if full and not self._evict_oldest_waiting():
            log.warning("connection refused: %d open, the cap", len(self.connections) - 1)
            self._answer(503, "Too many open connections; try again in a second.", {"retry-after": "1"})
            return
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_in()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        waiting = self._header_timer is not None
        if waiting:
            self._header_bytes += len(data)
        super().data_received(data)
        limit = _limits().http_max_header_bytes
        if waiting and self._header_timer is not None and self._header_bytes > limit:
            self._answer(431, f"The request's line and headers are over {limit} bytes.")

    def on_headers_complete(self) -> None:
        self._headers_in()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # kept alive, nothing pipelined: the next request's turn
            self._await_headers()

    def send_400_response(self, msg: str) -> None:
        self._answer(400, "The request is not valid HTTP/1.1 (its framing: request line, headers or chunks).")

    # -- deadlines ---------------------------------------------------------------
    def _await_headers(self) -> None:
        self._header_bytes = 0
        self._header_timer = self.loop.call_later(_limits().http_header_timeout, self._headers_late)
        DeadlineProtocol._waiting[self] = None

    def _headers_in(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        DeadlineProtocol._waiting.pop(self, None)

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self._header_bytes:  # idle: close as a kept-alive connection is closed
            self._close()
            return
        timeout = _limits().http_header_timeout
        self._answer(408, f"The request's headers did not arrive within {timeout:g} s; send them at once.")

    def _evict_oldest_waiting(self) -> bool:
        oldest = next((c for c in DeadlineProtocol._waiting if c is not self), None)
        if oldest is None:
            return False
        if oldest._header_bytes:
            oldest._answer(503, "Too many open connections, and this one was slow to send its request.")
        else:
            oldest._close()
        return True

    def _close(self) -> None:
        self._headers_in()
        if not self.transport.is_closing():
            self.transport.close()

    def _answer(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        """A problem+json answer written straight to the connection, then closed: used
        before any request reached the app."""
        if not self.transport.is_closing():
            body = json.dumps({"type": "about:blank", "title": TITLES[status], "status": status, "detail": detail})
            fields = {"content-type": MEDIA_TYPE, "content-length": str(len(body)), "connection": "close"}
            lines = [STATUS_LINE[status]]
            lines += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
            lines += [f"{name}: {value}\r\n".encode() for name, value in (fields | (headers or {})).items()]
            self.transport.write(b"".join([*lines, b"\r\n", body.encode()]))
        self._close()
