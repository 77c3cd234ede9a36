"""The FastAPI application: build it with create_app(); routes live in routes.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from ..keeper import Keeper
from ..services import Services, build_services
from ..settings import PROJECT_ROOT, Settings
from ..web import pages
from ..web import qa as qa_pages
from . import drafting, guides, keys, problems, qa, redact, routes, rules, sends, triage
from .admission import Admission
from .body import BodyLimit, body_limit
from .cors import HostOrigins
from .health import PoolProbe


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The app. Heavy resources are built in the lifespan, or handed in (tests, bench).
    `settings` rule the HTTP layer (limits, admission); by default the services' own."""
    settings = settings or (services.settings if services else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or build_services(settings)
        app.state.admission = Admission(settings.checks_at_once, settings.checks_queued, settings.check_max_wait)
        app.state.languagetool_probe = PoolProbe(app.state.services.languagetool)
        built = app.state.services
        keeper = Keeper(built.store, built.gate.purge, settings.purge_every_hours if owned else 0).start()
        if owned and settings.languagetool_warmup:
            built.warm_up_in_background()
        yield
        keeper.stop()
        app.state.languagetool_probe.close()
        if owned:
            app.state.services.close()

    app = FastAPI(
        title="Tactful",
        version="0.1.0",
        summary="Checks customer-service replies as they are written, and gates them before they are sent.",
        lifespan=lifespan,
        # Served by assistant.web from files npm installed at setup, not from a CDN.
        docs_url=None,
        redoc_url=None,
        # FastAPI's telemetry logs would record exception messages, which can quote drafts.
        telemetry={"logs": False},
    )
    problems.install(app)
    app.include_router(routes.router)
    app.include_router(triage.router)
    app.include_router(guides.router)
    app.include_router(rules.router)
    app.include_router(drafting.router)
    app.include_router(redact.router)
    app.include_router(sends.router)
    app.include_router(keys.router)
    app.include_router(qa.router)
    qa_pages.install(app)
    app.include_router(pages.router)
    app.state.node_modules = settings.web_assets_dir
    app.state.plugin_dir = PROJECT_ROOT / "plugin_manifest"
    app.add_middleware(
        BodyLimit,
        limit=body_limit(settings.max_text_chars),
        max_chars=settings.max_text_chars,
        timeout=settings.http_body_timeout,
    )
    app.add_middleware(HostOrigins)  # outermost: a refused origin costs no body read

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            problems.document(FastAPI.openapi(app))
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    return app
