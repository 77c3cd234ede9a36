"""QA over HTTP: the audit of recorded sends, reviews, aggregates and CSV exports, for
reviewer (and admin) keys. Thin routes over `assistant.qa.records`: every query names
the caller's organisation, so another organisation's records answer as if absent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ..model import Channel, Verdict
from ..qa import records
from ..qa.aggregates import Group, GroupBy, ItemCalibration, RuleStats
from ..qa.reviews import COMMENT_CHARS, ReviewRefused, ScorecardChanged, scorecard_for, submit
from ..qa.scorecard import Scorecard, ScorecardRef
from ..store import AuditFilter, Principal, Review, SendRecord
from .body import JsonBodyRoute
from .deps import ReviewerDep, ServicesDep
from .problems import ProblemError
from .responses import BODY_PROBLEMS, READ_PROBLEMS, Responses, merged, problem_response
from .schemas import ID_CHARS, NAME_CHARS
from .sends import NOT_FOUND, SendId, SendRecordOut, record_out

router = APIRouter(tags=["qa"], route_class=JsonBodyRoute)
PAGE_MAX = 200
SCORECARD_ITEMS = 50
SlaState = Literal["ok", "at_risk", "breached", "paused", "answered"]
CSV: Responses = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, streamed."}}
BAD_QUERY: Responses = {422: problem_response("A query parameter is malformed; `errors` names it.")}
REVIEW_PROBLEMS = merged(
    BODY_PROBLEMS,
    NOT_FOUND,
    {409: problem_response("The scorecard changed since the form was loaded (`scorecard_version`): reload it.")},
)


def audit_filter(
    agent: Annotated[
        str | None, Query(max_length=NAME_CHARS, description="The agent's id, as the host sent it.")
    ] = None,
    team: Annotated[str | None, Query(max_length=NAME_CHARS)] = None,
    channel: Channel | None = None,
    verdict: Verdict | None = None,
    rule: Annotated[str | None, Query(max_length=200, description="A finding of this rule, e.g. tone.blame.")] = None,
    overridden: bool | None = None,
    sla_state: SlaState | None = None,
    since: Annotated[datetime | None, Query(description="Recorded at or after (ISO 8601).")] = None,
    until: Annotated[datetime | None, Query(description="Recorded before (ISO 8601).")] = None,
    source: Literal["gate", "import"] | None = None,
) -> AuditFilter:
    for moment in (since, until):
        if moment is not None and moment.tzinfo is None:
            raise ProblemError(422, "since/until: give a time zone, e.g. 2026-03-02T00:00:00Z.")
    try:
        since, until = (m.astimezone(UTC) if m is not None else None for m in (since, until))
    except OverflowError:
        raise ProblemError(
            422, "since/until: out of range once in UTC; give a time between years 1 and 9999."
        ) from None
    if any("\x00" in value for value in (agent, team, rule) if value):
        raise ProblemError(422, "agent, team, rule: a NUL character cannot be in a filter.")
    return AuditFilter(
        agent=agent,
        team=team,
        channel=channel.value if channel else None,
        verdict=verdict.value if verdict else None,
        rule=rule,
        overridden=overridden,
        sla_state=sla_state,
        since=since,
        until=until,
        source=source,
    )


class ReviewOut(BaseModel):
    id: str
    kind: str = Field(description="auto (from the send's findings) or human")
    reviewer: str
    scorecard: ScorecardRef
    scores: dict[str, int | None] = Field(description="item -> score (index in the scale); null: does not apply")
    comments: dict[str, str]
    comment: str
    total: float | None = Field(description="Weighted mean of the scored items, 0-100.")
    created_at: datetime


class AuditItem(BaseModel):
    id: str
    created_at: datetime
    source: str
    channel: Channel
    agent: dict[str, str | None]
    ticket: dict[str, str | None]
    verdict: Verdict
    status: str
    sla_state: str | None
    rules: list[str] = Field(description="The rules that fired, each once.")
    automatic: ReviewOut


class AuditPage(BaseModel):
    items: list[AuditItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class AuditRecord(BaseModel):
    record: SendRecordOut = Field(description="The send as stored: text, findings, override, SLA, check statuses.")
    scorecard: Scorecard = Field(description="The scorecard its guide uses now: what a review scores.")
    automatic: ReviewOut
    reviews: list[ReviewOut]


class ReviewBody(BaseModel):
    scores: dict[Annotated[str, Field(max_length=64)], int | None] = Field(
        max_length=SCORECARD_ITEMS, description="Every item of the scorecard -> score; null when it does not apply."
    )
    comments: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=COMMENT_CHARS)]] = Field(
        default_factory=dict, max_length=SCORECARD_ITEMS
    )
    comment: str = Field("", max_length=COMMENT_CHARS)
    reviewer: str = Field("", max_length=NAME_CHARS, description="Who scores (default: the key's name or id).")
    scorecard_version: Annotated[str, Field(max_length=50)] | None = Field(
        None, description="The version the reviewer saw; refused (409) if the scorecard has changed since."
    )


class RecordReviews(BaseModel):
    automatic: ReviewOut
    reviews: list[ReviewOut]


class Aggregates(BaseModel):
    by: GroupBy
    items: list[str]
    groups: list[Group]
    rules: list[RuleStats]
    calibration: list[ItemCalibration]


def review_out(review: Review) -> ReviewOut:
    return ReviewOut.model_validate(
        {
            "id": review.id,
            "kind": review.kind,
            "reviewer": review.reviewer,
            "scorecard": review.scorecard,
            "scores": review.scores,
            "comments": review.comments,
            "comment": review.comment,
            "total": review.total,
            "created_at": review.created_at,
        }
    )


def _item(record: SendRecord, auto: Review) -> AuditItem:
    return AuditItem(
        id=record.id,
        created_at=record.created_at,
        source=record.source,
        channel=Channel(record.channel),
        agent=record.agent,
        ticket={"id": record.ticket_id},
        verdict=Verdict(record.verdict),
        status=record.status,
        sla_state=record.sla_state,
        rules=sorted({f["rule"] for f in record.report.get("findings", [])}),
        automatic=review_out(auto),
    )


async def _record(services: Any, principal: Principal, send_id: str) -> SendRecord:
    record = await run_in_threadpool(services.store.sends.get, principal.organisation, send_id)
    if record is None:
        raise ProblemError(404, "No send of your organisation has this id.")
    return record


FilterDep = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("/v1/audit", response_model=AuditPage, responses=merged(READ_PROBLEMS, BAD_QUERY))
async def audit(
    principal: ReviewerDep,
    services: ServicesDep,
    where: FilterDep,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
    cursor: Annotated[str | None, Query(max_length=ID_CHARS)] = None,
) -> AuditPage:
    """Your organisation's recorded sends, newest first, filtered; a page at a time."""
    found, next_cursor = await run_in_threadpool(
        records.page, services.store, services.pipeline.guides, principal.organisation, where, limit, cursor
    )
    return AuditPage(items=[_item(record, auto) for record, auto in found], next_cursor=next_cursor)


@router.get("/v1/audit/aggregates", response_model=Aggregates, responses=merged(READ_PROBLEMS, BAD_QUERY))
async def aggregates(
    principal: ReviewerDep, services: ServicesDep, where: FilterDep, by: GroupBy = "week"
) -> Aggregates:
    """Per agent, team, channel or week: average scores per item (automatic and by
    reviewers), verdicts, overrides, SLA breaches; per rule: fired and overridden;
    calibration: agreement per item, automatic vs reviewers and between reviewers."""
    found = await run_in_threadpool(
        records.aggregates, services.store, services.pipeline.guides, principal.organisation, where, by
    )
    return Aggregates.model_validate(found)


def _csv(rows: Any, name: str) -> StreamingResponse:
    return StreamingResponse(
        rows, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/v1/audit/export/records.csv",
    response_class=StreamingResponse,
    responses=merged(READ_PROBLEMS, BAD_QUERY, CSV),
)
async def export_records(principal: ReviewerDep, services: ServicesDep, where: FilterDep) -> StreamingResponse:
    """Every matching record, one CSV line each, streamed as it is read."""
    rows = records.records_csv(services.store, services.pipeline.guides, principal.organisation, where)
    return _csv(rows, "records.csv")


@router.get(
    "/v1/audit/export/scores.csv",
    response_class=StreamingResponse,
    responses=merged(READ_PROBLEMS, BAD_QUERY, CSV),
)
async def export_scores(principal: ReviewerDep, services: ServicesDep, where: FilterDep) -> StreamingResponse:
    """Every score of the matching records (automatic and by reviewers), one line per item."""
    rows = records.scores_csv(services.store, services.pipeline.guides, principal.organisation, where)
    return _csv(rows, "scores.csv")


@router.get("/v1/audit/{send_id}", response_model=AuditRecord, responses=merged(READ_PROBLEMS, NOT_FOUND))
async def audit_record(send_id: SendId, principal: ReviewerDep, services: ServicesDep) -> AuditRecord:
    """One record in full: as stored, with its automatic scorecard and its reviews."""
    record = await _record(services, principal, send_id)
    auto, reviews = await run_in_threadpool(records.record_reviews, services.store, services.pipeline.guides, record)
    card = scorecard_for(services.pipeline.guides, record.guide_id)
    return AuditRecord(
        record=record_out(record),
        scorecard=card,
        automatic=review_out(auto),
        reviews=[review_out(r) for r in reviews],
    )


@router.get("/v1/sends/{send_id}/reviews", response_model=RecordReviews, responses=merged(READ_PROBLEMS, NOT_FOUND))
async def reviews(send_id: SendId, principal: ReviewerDep, services: ServicesDep) -> RecordReviews:
    """The automatic scorecard of a send and every reviewer's scores, oldest first."""
    record = await _record(services, principal, send_id)
    auto, found = await run_in_threadpool(records.record_reviews, services.store, services.pipeline.guides, record)
    return RecordReviews(automatic=review_out(auto), reviews=[review_out(r) for r in found])


@router.post("/v1/sends/{send_id}/reviews", response_model=ReviewOut, status_code=201, responses=REVIEW_PROBLEMS)
async def add_review(send_id: SendId, body: ReviewBody, principal: ReviewerDep, services: ServicesDep) -> ReviewOut:
    """Score a send item by item on its guide's current scorecard, with comments. Several
    reviewers may score the same send; each review keeps the scorecard version it used."""
    record = await _record(services, principal, send_id)
    review = await run_in_threadpool(add_review_of, services, principal, record, body)
    return review_out(review)


def add_review_of(services: Any, principal: Principal, record: SendRecord, body: ReviewBody) -> Review:
    """The review use case, shared with the reviewers' page."""
    try:
        review = submit(
            services.store,
            services.pipeline.guides,
            principal,
            records.scoreable(record),
            scores=body.scores,
            comments=body.comments,
            comment=body.comment,
            reviewer=body.reviewer or principal.key_id,
            version=body.scorecard_version,
        )
    except ReviewRefused as exc:
        raise ProblemError(422, str(exc)) from None
    except ScorecardChanged as exc:
        raise ProblemError(409, str(exc)) from None
    if review is None:
        raise ProblemError(404, "No send of your organisation has this id.")
    return review
