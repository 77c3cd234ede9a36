"""The pre-send gate over HTTP: thin routes over `assistant.gate` (validate, call, map).

`POST /v1/sends` checks the reply through the same admission and pipeline as
`/v1/check`, records it (committed before the answer) and says whether it may go out.
Another organisation's send answers 404, exactly as one that does not exist."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from ..checking import validate_draft
from ..gate import SendRequest
from ..model import Channel, GuideRef, Report, Verdict
from ..store import SendRecord
from .body import JsonBodyRoute
from .deps import AdminDep, AdmissionDep, AgentDep, AgentOrReviewerDep, ServicesDep, scope
from .problems import ProblemError
from .responses import BODY_PROBLEMS, CHECK_PROBLEMS, READ_PROBLEMS, Responses, merged, problem_response
from .schemas import EMAIL_CHARS, ID_CHARS, AgentIn, Identifier, ReplyIn

router = APIRouter(tags=["gate"], route_class=JsonBodyRoute)
IDEMPOTENCY_KEY_CHARS = 200
REASON_CHARS = (10, 2000)
MAX_FINDINGS = 200
FINDING_ID_CHARS = 64
MESSAGE_ID_CHARS = 200

SendId = Annotated[str, Path(max_length=ID_CHARS, description="The send's id, from `POST /v1/sends`.")]
NOT_FOUND: Responses = {404: problem_response("No send of your organisation has this id.")}
CONFLICT: Responses = {409: problem_response("The send is not in a state that allows this; `detail` says why.")}
SEND_PROBLEMS = merged(
    CHECK_PROBLEMS,
    {422: problem_response("As for /v1/check; also an Idempotency-Key already used for a different request.")},
)


class Override(BaseModel):
    reason: str
    findings: list[str]
    by: dict[str, Any] = Field(description="`key`: the API key's id; `agent`: who overrode, as the host said.")
    at: datetime


class SendAnswer(BaseModel):
    id: str
    allowed: bool = Field(description="Whether the reply may go out now.")
    verdict: Verdict
    status: str = Field(description="blocked | allowed | overridden")
    blockers: list[str] = Field(description="Ids of the blocker findings; an override must name them all.")
    unavailable: list[str] = Field(description="Checks that could not run (the guide decides if that blocks).")
    created_at: datetime
    report: Report = Field(description="The check's report; on an idempotent replay, the report as stored.")


class SendRecordOut(BaseModel):
    id: str
    source: str = Field(description="gate, or import (a bulk audit of history)")
    status: str
    allowed: bool
    verdict: Verdict
    channel: Channel
    created_at: datetime
    agent: dict[str, str | None]
    ticket: dict[str, str | None]
    guide: GuideRef
    sla_state: str | None
    text: str | None = Field(description="As stored: masked by default; null once purged or erased.")
    text_stored: str = Field(description="masked | full | purged | erased")
    report: Report = Field(description="As stored: in the stored text's offsets, without text once purged.")
    blockers: list[str]
    unavailable: list[str]
    override: Override | None
    sent_at: datetime | None = Field(description="When it went out (an allowed answer counts as sent).")
    confirmed_at: datetime | None = Field(description="When the host confirmed sending it.")
    message_id: str | None


class SendBody(ReplyIn):
    """Exactly what `/v1/check` takes, less `checks`: the gate always runs every check."""


class OverrideBody(BaseModel):
    reason: str = Field(
        min_length=REASON_CHARS[0], max_length=REASON_CHARS[1], description="Why the reply may go out as it is."
    )
    findings: list[Annotated[str, Field(max_length=FINDING_ID_CHARS)]] = Field(
        max_length=MAX_FINDINGS, description="The ids of the findings overridden: every blocker of the send."
    )
    agent: AgentIn | None = Field(None, description="Who overrides (default: the agent of the send).")


class ConfirmBody(BaseModel):
    message_id: Annotated[str, Field(max_length=MESSAGE_ID_CHARS)] | None = Field(
        None, description="The host's id of the message sent."
    )
    text: str | None = Field(None, description="The text as sent; refused (409) if it is not the one gated.")


class ErasureBody(BaseModel):
    identifier: str = Field(
        min_length=1,
        max_length=EMAIL_CHARS,
        description="The customer's email, phone, account or card reference, or name.",
    )
    locale: Identifier | None = Field(None, description="Reads phone numbers in this locale's country (default GB).")


class ErasureOut(BaseModel):
    id: str
    records: int = Field(description="How many records were anonymised.")


@router.post(
    "/v1/sends",
    response_model=SendAnswer,
    status_code=201,
    responses=merged(SEND_PROBLEMS, {200: {"model": SendAnswer, "description": "An idempotent replay."}}),
)
async def send(
    body: SendBody,
    principal: AgentDep,
    services: ServicesDep,
    admission: AdmissionDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=IDEMPOTENCY_KEY_CHARS,
            description="Makes a retry one record with the same answer.",
        ),
    ] = None,
) -> Response:
    """The pre-send gate: check the reply once more, record it, and say if it may go out."""
    context = scope(body.context(), principal, services)
    validate_draft(services.pipeline, body.text, context, max_chars=services.settings.max_text_chars)
    request = SendRequest(body.text, body.format, context, idempotency_key)
    answer = await admission.run(services.gate.send, principal, request, work=len(body.text))
    record = answer.record
    out = SendAnswer.model_validate(
        {
            "id": record.id,
            "allowed": record.allowed,
            "verdict": record.verdict,
            "status": record.status,
            "blockers": record.blockers,
            "unavailable": record.unavailable,
            "created_at": record.created_at,
            "report": answer.report,
        }
    )
    headers = {} if answer.created else {"Idempotent-Replayed": "true"}
    return Response(
        out.model_dump_json(),
        status_code=201 if answer.created else 200,
        media_type="application/json",
        headers=headers,
    )


@router.get("/v1/sends/{send_id}", response_model=SendRecordOut, responses=merged(READ_PROBLEMS, NOT_FOUND))
async def get_send(send_id: SendId, principal: AgentOrReviewerDep, services: ServicesDep) -> SendRecordOut:
    """One recorded send of your organisation, as stored."""
    record = await run_in_threadpool(services.store.sends.get, principal.organisation, send_id)
    return record_out(record)


@router.post(
    "/v1/sends/{send_id}/override",
    response_model=SendRecordOut,
    responses=merged(BODY_PROBLEMS, NOT_FOUND, CONFLICT),
)
async def override(send_id: SendId, body: OverrideBody, principal: AgentDep, services: ServicesDep) -> SendRecordOut:
    """Let a blocked send go out as it is: name every blocker and say why. Recorded with
    who and when; the host then sends."""
    agent = body.agent.model_dump() if body.agent else None
    if agent is None:
        current = await run_in_threadpool(services.store.sends.get, principal.organisation, send_id)
        agent = current.agent if current else {}
    record = await run_in_threadpool(
        services.gate.override, principal, send_id, body.reason.strip(), body.findings, agent
    )
    return record_out(record)


@router.post(
    "/v1/sends/{send_id}/confirm",
    response_model=SendRecordOut,
    responses=merged(BODY_PROBLEMS, NOT_FOUND, CONFLICT),
)
async def confirm(send_id: SendId, body: ConfirmBody, principal: AgentDep, services: ServicesDep) -> SendRecordOut:
    """The host says the reply went out (optionally with the text sent and its message id)."""
    record = await run_in_threadpool(services.gate.confirm, principal, send_id, body.text, body.message_id)
    return record_out(record)


@router.post("/v1/erasures", response_model=ErasureOut, status_code=201, responses=BODY_PROBLEMS)
async def erase(body: ErasureBody, principal: AdminDep, services: ServicesDep) -> ErasureOut:
    """A data-protection erasure: every record of your organisation naming this customer
    is anonymised; the audit entry keeps only a keyed hash of the identifier."""
    erasure_id, records = await run_in_threadpool(services.gate.erase, principal, body.identifier, body.locale)
    return ErasureOut(id=erasure_id, records=records)


def record_out(record: SendRecord | None) -> SendRecordOut:
    if record is None:
        raise ProblemError(404, "No send of your organisation has this id.")
    override = record.override
    return SendRecordOut.model_validate(
        {
            "id": record.id,
            "source": record.source,
            "status": record.status,
            "allowed": record.allowed,
            "verdict": record.verdict,
            "channel": record.channel,
            "created_at": record.created_at,
            "agent": record.agent,
            "ticket": {"id": record.ticket_id},
            "guide": {"id": record.guide_id, "version": record.guide_version},
            "sla_state": record.sla_state,
            "text": record.text,
            "text_stored": record.text_stored,
            "report": record.report,
            "blockers": record.blockers,
            "unavailable": record.unavailable,
            "override": None
            if override is None
            else {
                "reason": override.reason,
                "findings": override.findings,
                "by": {"key": override.by_key_id, "agent": override.by_agent},
                "at": override.at,
            },
            "sent_at": record.sent_at,
            "confirmed_at": record.confirmed_at,
            "message_id": record.message_id,
        }
    )
