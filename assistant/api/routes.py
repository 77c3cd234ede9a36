"""Thin routes: validate, call the domain, return its result."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response

from ..caching import cache_stats
from ..checking import check_draft, validate_draft
from ..model import Context, Report
from ..services import Services
from .body import JsonBodyRoute
from .deps import AdmissionDep, AgentDep, ServicesDep, scope
from .health import PoolProbe
from .responses import ANY_ROUTE, CHECK_PROBLEMS
from .schemas import CheckRequest, Dependency, Readiness

router = APIRouter(route_class=JsonBodyRoute)


@router.post("/v1/check", response_model=Report, responses=CHECK_PROBLEMS, tags=["check"])
async def check(body: CheckRequest, principal: AgentDep, services: ServicesDep, admission: AdmissionDep) -> Response:
    """Check a draft. Stateless, and fast on a re-check of a slightly edited draft."""
    context = scope(body.context(), principal, services)
    # Refuse what cannot be checked before it takes a place in the queue (cheap).
    validate_draft(services.pipeline, body.text, context, body.checks, max_chars=services.settings.max_text_chars)
    report_json = await admission.run(_report_json, services, body, context, work=len(body.text))
    # The Report is already a validated model: serialise it once instead of letting
    # FastAPI validate it again against response_model (milliseconds on every keystroke).
    return Response(report_json, media_type="application/json")


def _report_json(services: Services, body: CheckRequest, context: Context) -> str:
    report = check_draft(
        services.pipeline,
        body.text,
        context,
        fmt=body.format,
        only=body.checks,
        max_chars=services.settings.max_text_chars,
    )
    return report.model_dump_json()


# Health answers on the event loop, never behind checks: checks run on their own threads.
@router.get("/healthz", tags=["health"], responses=ANY_ROUTE)
async def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, response_model_exclude_none=True, tags=["health"], responses=ANY_ROUTE)
async def readyz(request: Request, services: ServicesDep) -> Readiness:
    """Each dependency's state, and each LanguageTool server's. Ready while spaCy is
    loaded: without LanguageTool the service still answers, with grammar `unavailable`.
    And this process's caches: how much a re-check is served from memory."""
    probe: PoolProbe = request.app.state.languagetool_probe
    store_state, store_detail = await _store_state(services)
    dependencies = {
        "spacy": Dependency(status="up", detail=services.settings.spacy_model),
        "languagetool": await probe.readiness(),
        "store": Dependency(status=store_state, detail=store_detail),
    }
    return Readiness(ready=True, dependencies=dependencies, caches=cache_stats())


STORE_PROBE_WAIT = 1.0  # seconds; a database that does not answer by then counts as down


async def _store_state(services: Services) -> tuple[str, str | None]:
    try:
        return await asyncio.wait_for(asyncio.to_thread(services.store.db.state), STORE_PROBE_WAIT)
    except TimeoutError:
        return "down", f"no answer within {STORE_PROBE_WAIT:g} s"
