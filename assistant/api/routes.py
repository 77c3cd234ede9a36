"""Thin routes: validate, call the domain, return its result."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from ..drafts import check_draft, validate_draft
from ..model import Context, Report
from ..services import Services
from .admission import Admission
from .body import JsonBodyRoute
from .health import PoolProbe
from .schemas import CheckRequest, Dependency, Problem, Readiness

router = APIRouter(route_class=JsonBodyRoute)


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"model": Problem, "description": description, **({"headers": headers} if headers else {})}


ALLOW = {"Allow": {"description": "The methods this path takes.", "schema": {"type": "string"}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
Responses = dict[int | str, dict[str, Any]]
ANY_ROUTE: Responses = {
    405: _problem("The path does not take this method; `Allow` lists the ones it does.", ALLOW),
    413: _problem("The request body is over the byte limit (or, on /v1/check, the draft over its character limit)."),
    500: _problem("A bug; it has been logged without the request's content."),
}
BODY_PROBLEMS: Responses = dict(
    sorted(
        (
            ANY_ROUTE
            | {
                415: _problem(
                    "The body is not plain JSON: another Content-Type, a charset other than UTF-8, "
                    "or a Content-Encoding such as gzip."
                ),
                422: _problem(
                    "The body is not valid UTF-8 or not valid JSON, a field breaks the schema, the text is "
                    "not Unicode, or the guide or a check is unknown; `errors` names each field at fault."
                ),
            }
        ).items()
    )
)
CHECK_PROBLEMS: Responses = dict(
    sorted(
        (
            BODY_PROBLEMS
            | {
                503: _problem(
                    "Too many drafts are being checked; this one would wait too long. Retry after "
                    "`Retry-After` seconds.",
                    RETRY_AFTER,
                ),
            }
        ).items()
    )
)


# Async, though they only read: FastAPI runs a plain `def` dependency on a worker
# thread, two thread hops on every keystroke's check.
async def get_services(request: Request) -> Services:
    return request.app.state.services


async def get_admission(request: Request) -> Admission:
    return request.app.state.admission


ServicesDep = Annotated[Services, Depends(get_services)]
AdmissionDep = Annotated[Admission, Depends(get_admission)]


@router.post("/v1/check", response_model=Report, responses=CHECK_PROBLEMS, tags=["check"])
async def check(body: CheckRequest, services: ServicesDep, admission: AdmissionDep) -> Response:
    """Check a draft. Stateless, and fast on a re-check of a slightly edited draft."""
    context = body.context()
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
    loaded: without LanguageTool the service still answers, with grammar `unavailable`."""
    probe: PoolProbe = request.app.state.languagetool_probe
    dependencies = {
        "spacy": Dependency(status="up", detail=services.settings.spacy_model),
        "languagetool": await probe.readiness(),
        "store": Dependency(status="not_configured", detail="The audit store arrives with the pre-send gate."),
    }
    return Readiness(ready=True, dependencies=dependencies)
