"""`POST /v1/triage`: a thin route over `assistant.triage` (validate, call, map)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..checks.confidentiality import ConfidentialityOptions
from ..checks.sla import SlaOptions
from ..model import Channel, Context, Flag, Timestamp
from ..privacy.engine import Detection
from ..triage import Incoming, Kind, Mood, Urgency, triage
from .body import JsonBodyRoute
from .deps import AdmissionDep, AgentDep, ServicesDep, scope
from .responses import CHECK_PROBLEMS
from .schemas import MESSAGE_CHARS, Identifier

router = APIRouter(tags=["triage"], route_class=JsonBodyRoute)
MAX_MESSAGES = 200


class IncomingMessage(BaseModel):
    id: Identifier = Field(description="The caller's id for the message; echoed back.")
    channel: Channel
    text: str = Field(max_length=MESSAGE_CHARS)
    at: Timestamp | None = Field(None, description="When it arrived (default: now); starts its SLA clock.")
    public: Flag | None = Field(None, description="Posted in public (default: true on social_public).")


class TriageRequest(BaseModel):
    messages: list[IncomingMessage] = Field(max_length=MAX_MESSAGES)
    guide: Identifier | None = None
    now: Timestamp | None = None


class PersonalData(BaseModel):
    kind: str
    start: int
    end: int


class TriagedMessage(BaseModel):
    id: str
    index: int = Field(description="Its position in the request.")
    needs_reply: bool
    kind: Kind
    urgency: Urgency
    mood: Mood
    due_at: datetime | None = Field(description="When the reply is due under the guide's SLA (its time zone).")
    sla_target: str | None
    personal_data: list[PersonalData]
    warnings: list[str]
    criteria: list[str]


class TriageResponse(BaseModel):
    messages: list[TriagedMessage] = Field(description="Sorted by what to answer first.")


@router.post("/v1/triage", response_model=TriageResponse, responses=CHECK_PROBLEMS)
async def triage_messages(
    body: TriageRequest, principal: AgentDep, services: ServicesDep, admission: AdmissionDep
) -> TriageResponse:
    """Which incoming social and portal messages need a reply, how urgently, the mood, the
    SLA due time and personal data posted in public; sorted by what to answer first.
    At most 200 messages of 10,000 characters each (422 beyond). Public messages are read
    for personal data as the confidentiality check reads a draft, so a batch waits for a
    check slot like a draft does (503 with Retry-After when too many are ahead)."""
    guide = services.pipeline.guide_for(
        scope(Context(channel=Channel.social_public, guide=body.guide), principal, services)
    )
    incoming = [Incoming(m.id, m.channel, m.text, m.at, m.public) for m in body.messages]
    threshold = guide.section("confidentiality", ConfidentialityOptions).min_score

    def detect(text: str) -> list[Detection]:
        return [d for d in services.privacy.detect_text(text) if d.score >= threshold]

    work = sum(len(m.text) for m in incoming)
    triaged = await admission.run(triage, incoming, guide.section("sla", SlaOptions), detect, body.now, work=work)
    return TriageResponse.model_validate({"messages": [vars(t) for t in triaged]})
