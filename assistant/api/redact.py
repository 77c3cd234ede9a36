"""`POST /v1/redact`: a thin route over `assistant.redaction` (validate, call, map)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..model import Context, Finding
from ..privacy.entities import ENTITIES
from ..redaction import Redaction, redact
from ..services import Services
from .body import JsonBodyRoute
from .deps import AdmissionDep, AgentDep, ServicesDep, scope
from .responses import CHECK_PROBLEMS
from .schemas import CHECK_NAME_CHARS, CheckRequest

router = APIRouter(tags=["redact"], route_class=JsonBodyRoute)
MAX_CHOICES = 100


class RedactRequest(CheckRequest):
    checks: list[Annotated[str, Field(max_length=CHECK_NAME_CHARS)]] | None = Field(
        None, max_length=MAX_CHOICES, description="Ignored: redaction runs the confidentiality check only."
    )
    entities: list[Annotated[str, Field(max_length=CHECK_NAME_CHARS)]] | None = Field(
        None,
        max_length=MAX_CHOICES,
        description=f"Mask findings of these types ({', '.join(ENTITIES)}); with `findings`, either selects.",
    )
    findings: list[Annotated[str, Field(max_length=CHECK_NAME_CHARS)]] | None = Field(
        None, max_length=MAX_CHOICES, description="Mask the findings with these ids (from a check's report)."
    )


class MaskedSpan(BaseModel):
    finding: str = Field(description="The finding's id.")
    rule: str
    entity: str
    start: int | None = Field(
        description="Offset into the unmasked text (Report.text), in code points; null for data in the HTML's "
        "markup only (an attribute, a comment): see source_start."
    )
    end: int | None
    source_start: int | None = Field(None, description="For HTML drafts: offsets into the submitted HTML.")
    source_end: int | None = None
    replacement: str


class RedactResponse(BaseModel):
    text: str = Field(description="The draft's plain text with the chosen findings masked.")
    html: str | None = Field(
        None,
        description="For an HTML draft (`format: html`): the HTML as submitted, the same findings masked "
        "(escaped), every tag kept. Null for plain text.",
    )
    masked: list[MaskedSpan]
    remaining: list[Finding] = Field(description="Confidentiality findings left unmasked.")


@router.post("/v1/redact", response_model=RedactResponse, responses=CHECK_PROBLEMS)
async def redact_draft(
    body: RedactRequest, principal: AgentDep, services: ServicesDep, admission: AdmissionDep
) -> RedactResponse:
    """The draft with its personal-data findings masked (all, or those chosen by type or
    id), each replaced as its suggestion shows: cards keep the last four digits, emails
    become "[email address]". Same body, limits and errors as `POST /v1/check`."""
    context = scope(body.context(), principal, services)
    result = await admission.run(_redact, services, body, context, work=len(body.text))
    return RedactResponse(
        text=result.text,
        html=result.html,
        masked=[
            MaskedSpan(
                finding=m.finding.id,
                rule=m.finding.rule,
                entity=str(m.finding.details["entity"]),
                start=m.finding.start,
                end=m.finding.end,
                source_start=m.finding.source_start,
                source_end=m.finding.source_end,
                replacement=m.replacement,
            )
            for m in result.masked
        ],
        remaining=result.remaining,
    )


def _redact(services: Services, body: RedactRequest, context: Context) -> Redaction:
    return redact(
        services.pipeline,
        services.privacy,
        body.text,
        context,
        fmt=body.format,
        entities=body.entities,
        finding_ids=body.findings,
        max_chars=services.settings.max_text_chars,
    )
