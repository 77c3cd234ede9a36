"""The FastAPI application: build it with create_app(); routes live in routes.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from ..services import Services, build_services
from ..settings import Settings
from . import problems, routes

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

    @app.middleware("http")
    async def refuse_huge_bodies(request: Request, call_next):
        # Refuse before parsing: a body this large cannot hold an acceptable draft.
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > settings.max_text_chars * 4 + BODY_OVERHEAD:
            return problems.problem(
                413, "Draft too long",
                f"The request body is {int(length)} bytes; drafts are limited to "
                f"{settings.max_text_chars} characters. Check a shorter part of the reply.",
            )
        return await call_next(request)

    return app
