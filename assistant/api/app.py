"""The FastAPI application: build it with create_app(); routes live in routes.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from ..services import Services, build_services
from ..settings import Settings
from . import problems, routes, triage

BODY_OVERHEAD = 256 * 1024  # room for the Context fields around the text


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The app. Heavy resources are built in the lifespan, or handed in (tests, bench)."""
    settings = services.settings if services else (settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or build_services(settings)
        if owned and settings.languagetool_warmup:
            app.state.services.warm_up_in_background()
        yield
        if owned:
            app.state.services.close()

    app = FastAPI(
        title="Tactful",
        version="0.1.0",
        summary="Checks customer-service replies: grammar, readability, and more to come.",
        lifespan=lifespan,
        # FastAPI's telemetry logs would record exception messages, which can quote drafts.
        telemetry={"logs": False},
    )
    problems.install(app)
    app.include_router(routes.router)
    app.include_router(triage.router)
    app.add_middleware(BodyLimit, limit=settings.max_text_chars * 4 + BODY_OVERHEAD, max_chars=settings.max_text_chars)
    return app


class BodyLimit:
    """Refuses a body whose Content-Length no acceptable draft can reach, before it is
    read. A plain ASGI middleware: Starlette's BaseHTTPMiddleware costs every request."""

    def __init__(self, app: ASGIApp, limit: int, max_chars: int) -> None:
        self.app, self.limit, self.max_chars = app, limit, max_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length", b"")
            if length.isdigit() and int(length) > self.limit:
                response = problems.problem(
                    413, "Draft too long",
                    f"The request body is {int(length)} bytes; drafts are limited to "
                    f"{self.max_chars} characters. Check a shorter part of the reply.",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
