"""CORS for /v1: a browser page on another origin may call the API only from one of the
calling organisation's `host_origins` (its Zendesk, Outlook... origins).

A preflight carries no key, so it is answered for an origin that some organisation
lists; the request itself is then refused (403, no CORS headers) unless its key's
organisation lists that origin. Same-origin calls (Tactful's own sidebar) and calls
without an Origin header (servers, curl, the hosts' proxies) pass untouched."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store import Principal, Store, StoreDown
from .problems import MEDIA_TYPE, TITLES

ALLOW_METHODS = "GET, POST"
ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key"
EXPOSE_HEADERS = "Retry-After, Idempotent-Replayed, Location"
PREFLIGHT_SECONDS = "600"


class HostOrigins:
    """ASGI middleware; the store comes from the app's services at request time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin") if scope["type"] == "http" else None
        if origin is None or not scope["path"].startswith("/v1/") or _same_origin(scope, origin):
            await self.app(scope, receive, send)
            return
        store: Store = scope["app"].state.services.store
        if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
            allowed = origin in await _listed(store)
            await _answer(send, 204 if allowed else 403, _cors(origin) if allowed else {}, None if allowed else origin)
            return
        principal = await _principal(store, _header(scope, b"authorization"))
        if principal is None:
            allowed = origin in await _listed(store)  # the route answers 401, readable by a listed origin
        else:
            allowed = origin in principal.host_origins
        if not allowed:
            await _answer(send, 403, {}, origin)
            return
        await self.app(scope, receive, _with_cors(send, origin))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _same_origin(scope: Scope, origin: str) -> bool:
    # The host alone: behind a TLS proxy the browser says https while this hop is http.
    return urlsplit(origin).netloc == _header(scope, b"host")


async def _listed(store: Store) -> set[str]:
    try:
        organisations = await run_in_threadpool(store.keys.organisations)
    except StoreDown:
        return set()
    return {origin for org in organisations for origin in org.host_origins}


async def _principal(store: Store, authorization: str | None) -> Principal | None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    found = store.keys.cached(token)
    if found is False:
        try:
            found = await run_in_threadpool(store.keys.authenticate, token)
        except StoreDown:
            return None
    return found if isinstance(found, Principal) else None


def _cors(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": ALLOW_METHODS,
        "Access-Control-Allow-Headers": ALLOW_HEADERS,
        "Access-Control-Expose-Headers": EXPOSE_HEADERS,
        "Access-Control-Max-Age": PREFLIGHT_SECONDS,
        "Vary": "Origin",
    }


def _with_cors(send: Send, origin: str) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers += [(k.lower().encode(), v.encode()) for k, v in _cors(origin).items()]
            message = {**message, "headers": headers}
        await send(message)

    return sending


async def _answer(send: Send, status: int, headers: dict[str, str], refused_origin: str | None) -> None:
    body = b""
    if refused_origin is not None:
        problem = {
            "type": "about:blank",
            "title": TITLES.get(status, "Forbidden"),
            "status": status,
            "detail": "Browser calls from this origin are not allowed for this organisation: an admin lists the "
            "organisation's host origins with `tactful orgs origins ORG ORIGIN...`.",
        }
        body = json.dumps(problem).encode()
        headers = headers | {"Content-Type": MEDIA_TYPE, "Vary": "Origin"}
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
