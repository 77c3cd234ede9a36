"""What a request body must be, checked before FastAPI parses it.

- BodyLimit (ASGI middleware, every request): at most `limit` bytes, counted as they
  arrive, so a chunked body without Content-Length is refused with 413 as soon as it
  passes the limit, without reading the rest.
- JsonBodyRoute (routes that take a body): plain JSON only. A Content-Encoding (gzip...),
  another Content-Type or charset is 415; bytes that are not UTF-8 are 422, as is JSON
  that does not parse. One status per fault, each a problem+json.
"""

from __future__ import annotations

import email.message
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import ProblemError, problem

# JSON escapes a character outside the BMP (an emoji) as "\ud83d\ude00": 12 bytes for
# one character. A body must have room for a full-length draft written that way.
BYTES_PER_CHAR = 12
BODY_OVERHEAD = 1024 * 1024  # the Context fields around the text (a thread at its caps)


def body_limit(max_text_chars: int) -> int:
    return max_text_chars * BYTES_PER_CHAR + BODY_OVERHEAD


class BodyLimit:
    """Refuses a body over `limit` bytes before reading past the limit, and one that has
    not all arrived `timeout` seconds after its headers (408: a client that declares more
    than it sends would otherwise hold its connection for ever). A plain ASGI
    middleware: Starlette's BaseHTTPMiddleware costs every request."""

    def __init__(self, app: ASGIApp, limit: int, max_chars: int, timeout: float) -> None:
        self.app, self.limit, self.max_chars, self.timeout = app, limit, max_chars, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, receive, send)
            return
        # Read the body here, counting; the app then reads it from memory. Its size is
        # bounded by the limit, and a check needs all of it anyway.
        body: tuple[bytes, Message | None] | None = None
        with anyio.move_on_after(self.timeout):
            body = await self._read(receive)
            if body is None:  # over the limit
                await self._refuse(scope, receive, send)
                return
        if body is None:
            detail = (
                f"The request body did not all arrive within {self.timeout:g} s of its headers; "
                "send it at once, and no shorter than its Content-Length."
            )
            await _closing(408, detail)(scope, receive, send)
            return
        await self.app(scope, _replay(*body, receive), send)

    async def _read(self, receive: Receive) -> tuple[bytes, Message | None] | None:
        """The body, and the message that ended it early (http.disconnect); None if over the limit."""
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # http.disconnect: hand it on
                return b"".join(chunks), message
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks), None

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = (
            f"The request body is over {self.limit} bytes. Drafts are limited to {self.max_chars} "
            "characters: check a shorter part of the reply."
        )
        await _closing(413, detail)(scope, receive, send)


def _closing(status: int, detail: str) -> Response:
    """A problem answered before the body was all read: the connection cannot be reused."""
    return problem(status, detail, headers={"Connection": "close"})


def _replay(body: bytes, last: Message | None, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return last if last is not None and not body else {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class JsonBodyRoute(APIRoute):
    """A route whose body FastAPI parses only once it is known to be plain UTF-8 JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def checked(request: Request) -> Response:
            await _require_json(request)
            try:
                return await handler(request)
            except HTTPException as exc:
                if exc.status_code != 400:
                    raise
                # FastAPI's "error parsing the body": JSON nested too deeply, and the like.
                raise _not_json("it cannot be parsed (nested too deeply?)") from exc

        return checked


async def _require_json(request: Request) -> None:
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise ProblemError(415, "Compressed bodies (Content-Encoding) are not accepted: send the JSON uncompressed.")
    content_type = email.message.Message()
    content_type["content-type"] = request.headers.get("content-type", "")
    subtype = content_type.get_content_subtype()
    if content_type.get_content_maintype() != "application" or not (subtype == "json" or subtype.endswith("+json")):
        raise ProblemError(415, "Send the body as JSON, with Content-Type: application/json.")
    charset = content_type.get_param("charset")
    if isinstance(charset, str) and charset.lower() not in ("utf-8", "utf8"):
        raise ProblemError(415, "Send the JSON body in UTF-8 (charset=utf-8, or no charset).")
    body = await request.body()
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_json("its bytes are not valid UTF-8; send the JSON as UTF-8") from None
    if b"\x00" in body[:4]:  # would make the JSON parser guess UTF-16 or UTF-32
        raise _not_json("it starts with NUL bytes")


def _not_json(reason: str) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error", "input": {}, "ctx": {"error": reason}}]
    )
