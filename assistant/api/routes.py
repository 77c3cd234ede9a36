"""Thin routes: validate, call the domain, return its result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from ..model import Context, Report
from ..services import Services
from ..text import prepare_draft
from .schemas import CheckRequest, Dependency, Problem, Readiness

router = APIRouter()
PROBLEMS = {
    413: {"model": Problem, "description": "The draft is longer than the configured limit."},
    422: {"model": Problem, "description": "Malformed body, unknown channel, guide or check."},
}


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


@router.post("/v1/check", response_model=Report, responses=PROBLEMS, tags=["check"])
def check(body: CheckRequest, services: ServicesDep) -> Response:
    """Check a draft. Stateless, and fast on a re-check of a slightly edited draft."""
    limit = services.settings.max_text_chars
    if len(body.text) > limit:
        raise HTTPException(
            413, f"The draft has {len(body.text)} characters; the limit is {limit}. Check a shorter part of the reply."
        )
    context = Context.model_validate(body.model_dump(include=set(Context.model_fields)))
    report = services.pipeline.run(prepare_draft(body.text, body.format), context, body.checks)
    # The Report is already a validated model: serialise it once instead of letting
    # FastAPI validate it again against response_model (milliseconds on every keystroke).
    return Response(report.model_dump_json(), media_type="application/json")


@router.get("/healthz", tags=["health"])
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, tags=["health"])
def readyz(services: ServicesDep) -> Readiness:
    """Each dependency's state. Ready while spaCy is loaded: without LanguageTool the
    service still answers, with grammar `unavailable`."""
    lt_up = services.languagetool.is_up()
    dependencies = {
        "spacy": Dependency(status="up", detail=services.settings.spacy_model),
        "languagetool": Dependency(
            status="up" if lt_up else "down",
            detail=services.languagetool.url if lt_up else services.languagetool.last_error,
        ),
        "store": Dependency(status="not_configured", detail="The audit store arrives with the pre-send gate."),
    }
    return Readiness(ready=True, dependencies=dependencies)
