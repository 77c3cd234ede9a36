"""Templates and drafts: thin routes over `assistant.drafting` (validate, call, map).

`POST /v1/drafts` renders the template (cheap), then checks the text through the same
admission gate and use case as `POST /v1/check`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from ..checking import check_draft, validate_draft
from ..drafting.compose import Composed, UnknownTemplate, render_draft
from ..drafting.library import Library
from ..drafting.render import RenderError, VariableRefused
from ..drafting.templates import Template, VariableType
from ..model import Channel, Context, Report
from ..services import Services
from ..store import Principal
from .body import JsonBodyRoute
from .deps import AdmissionDep, AgentDep, ServicesDep, scope
from .problems import ProblemError
from .responses import BODY_PROBLEMS, CHECK_PROBLEMS, READ_PROBLEMS, Responses, merged, problem_response
from .schemas import ID_CHARS, MESSAGE_CHARS, NAME_CHARS, THREAD_MESSAGES, ContextIn, MessageIn

router = APIRouter(tags=["drafting"], route_class=JsonBodyRoute)
VARIABLES = 50
VARIABLE_NAME_CHARS = 64
VALUE_CHARS = 2000
SUGGESTIONS = 20

TemplateId = Annotated[str, Path(max_length=ID_CHARS, description="The template's id.")]
VariableValue = (
    Annotated[str, Field(max_length=VALUE_CHARS)]
    | int
    | float
    | bool
    | list[Annotated[str, Field(max_length=VALUE_CHARS)]]
    | None
)
NOT_FOUND: Responses = {404: problem_response("No template has this id; `GET /v1/templates` lists them.")}
GUIDE_PROBLEMS: Responses = merged(
    READ_PROBLEMS, {422: problem_response("The guide is unknown, or a query parameter breaks its rules.")}
)
GuideQuery = Annotated[
    str | None,
    Query(
        max_length=ID_CHARS,
        description="The organisation's guide id: its own "
        "templates as well as the shared ones (default: the service's guide).",
    ),
]


def _library(services: Services, principal: Principal, guide: str | None) -> Library:
    """The organisation's library: the one of its guide (UnknownGuide, 422, if none or
    another organisation's)."""
    context = scope(Context(channel=Channel.email, guide=guide), principal, services)
    return services.templates.current(services.pipeline.guide_for(context).id)


class Organisation(BaseModel):
    name: Annotated[str, Field(max_length=NAME_CHARS)] | None = None


class DraftRequest(ContextIn):
    template: Annotated[str, Field(max_length=ID_CHARS, description="The template's id.")]
    variables: dict[Annotated[str, Field(max_length=VARIABLE_NAME_CHARS)], VariableValue] | None = Field(
        None,
        max_length=VARIABLES,
        description="The template's variables by name: strings, numbers, booleans or lists of strings; dates and "
        "times as ISO 8601 strings. Values are data: they are printed, never run as template code.",
    )
    organisation: Organisation = Field(default_factory=Organisation)


class DraftResponse(BaseModel):
    template: str
    channel: Channel
    text: str = Field(description="The rendered reply; a missing variable shows as [name].")
    format: str = Field(description="text or html (the template's variant for this channel).")
    missing: list[str] = Field(description="Variables and context fields the template needs but the request lacks.")
    stale: bool = Field(description="The template is past its review date: check its facts before sending.")
    review_due: date
    report: Report = Field(description="Exactly what POST /v1/check says for this text and context.")


class VariableOut(BaseModel):
    type: VariableType
    description: str
    required: bool
    example: Any = None
    default: Any = None


class TemplateSummary(BaseModel):
    id: str
    title: str
    topic: str
    channels: list[Channel]
    intents: list[str]
    locale: str
    owner: str
    reviewed_on: date
    review_due: date
    stale: bool
    criteria: list[str]


class TemplateDetail(TemplateSummary):
    examples: list[str]
    html: list[Channel]
    variables: dict[str, VariableOut]
    recap: bool
    source: str = Field(description="The Jinja2 body, one block per channel variant.")


class TemplateList(BaseModel):
    templates: list[TemplateSummary]


class SuggestRequest(BaseModel):
    message: str = Field(max_length=MESSAGE_CHARS, description="The customer's incoming message.")
    channel: Channel | None = Field(None, description="Only templates serving this channel.")
    thread: list[MessageIn] = Field(
        default_factory=list,
        max_length=THREAD_MESSAGES,
        description="Earlier messages; the customer's last three count too.",
    )
    limit: int = Field(5, ge=1, le=SUGGESTIONS)
    guide: Annotated[str, Field(max_length=ID_CHARS)] | None = Field(
        None, description="The organisation's guide id: its own templates as well as the shared ones."
    )


class SuggestionOut(BaseModel):
    id: str
    title: str
    topic: str
    score: float = Field(description="BM25 score: higher is a better match; comparable within one answer.")
    matched: list[str] = Field(description="Why: the message's terms (stemmed) found in the template.")


class SuggestResponse(BaseModel):
    suggestions: list[SuggestionOut]


def _summary(template: Template, today: date) -> dict[str, Any]:
    meta = template.meta
    return {
        "id": meta.id,
        "title": meta.title,
        "topic": meta.topic,
        "channels": meta.channels,
        "intents": meta.intents,
        "locale": meta.locale,
        "owner": meta.owner,
        "reviewed_on": meta.reviewed_on,
        "review_due": template.review_due(),
        "stale": template.is_stale(today),
        "criteria": meta.criteria,
    }


@router.get("/v1/templates", response_model=TemplateList, responses=GUIDE_PROBLEMS)
def list_templates(principal: AgentDep, services: ServicesDep, guide: GuideQuery = None) -> TemplateList:
    """Every template of the organisation's library, by topic and id, with its review state."""
    today = date.today()
    templates = sorted(_library(services, principal, guide).templates.values(), key=lambda t: (t.meta.topic, t.id))
    return TemplateList.model_validate({"templates": [_summary(t, today) for t in templates]})


@router.get("/v1/templates/{template_id}", response_model=TemplateDetail, responses=merged(GUIDE_PROBLEMS, NOT_FOUND))
def get_template(
    template_id: TemplateId, principal: AgentDep, services: ServicesDep, guide: GuideQuery = None
) -> TemplateDetail:
    """One template: its variables (type, example, default), channel variants and source."""
    template = _library(services, principal, guide).get(template_id)
    if template is None:
        raise ProblemError(404, "No template has this id; `GET /v1/templates` lists them.")
    meta = template.meta
    variables = {
        name: {
            "type": v.type,
            "description": v.description,
            "required": v.is_required,
            "example": _jsonable(v.example),
            "default": _jsonable(v.default),
        }
        for name, v in meta.variables.items()
    }
    return TemplateDetail.model_validate(
        {
            **_summary(template, date.today()),
            "examples": meta.examples,
            "html": meta.html,
            "variables": variables,
            "recap": meta.recap,
            "source": template.source,
        }
    )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@router.post("/v1/drafts", response_model=DraftResponse, responses=CHECK_PROBLEMS)
async def draft(
    body: DraftRequest, principal: AgentDep, services: ServicesDep, admission: AdmissionDep
) -> DraftResponse:
    """Draft a reply from a template, filled in from the variables and the context, and
    check it exactly as `POST /v1/check` would (same admission, same report)."""
    context = scope(body.context(), principal, services)
    variables = body.variables or {}
    try:
        drafted = render_draft(
            _library(services, principal, context.guide),
            services.pipeline,
            body.template,
            context,
            variables,
            body.organisation.name,
        )
    except UnknownTemplate as exc:
        raise ProblemError(422, f"template: {exc}", errors=[{"field": "template", "message": str(exc)}]) from None
    except VariableRefused as exc:
        raise ProblemError(422, str(exc), errors=[{"field": exc.field, "message": exc.reason}]) from None
    except RenderError as exc:
        raise ProblemError(422, f"template: {exc}", errors=[{"field": "template", "message": str(exc)}]) from None
    text, max_chars = drafted.rendered.text, services.settings.max_text_chars
    validate_draft(services.pipeline, text, context, max_chars=max_chars)
    report = await admission.run(_check, services, drafted, context, work=len(text))
    return DraftResponse(
        template=drafted.template.id,
        channel=context.channel,
        text=text,
        format=drafted.rendered.format,
        missing=drafted.rendered.missing,
        stale=drafted.stale,
        review_due=drafted.review_due,
        report=report,
    )


def _check(services: Services, drafted: Composed, context: Context) -> Report:
    return check_draft(
        services.pipeline,
        drafted.rendered.text,
        context,
        fmt="html" if drafted.rendered.format == "html" else "text",
        max_chars=services.settings.max_text_chars,
    )


@router.post("/v1/templates/suggest", response_model=SuggestResponse, responses=BODY_PROBLEMS)
async def suggest(body: SuggestRequest, principal: AgentDep, services: ServicesDep) -> SuggestResponse:
    """Templates ranked for the incoming message (BM25+ over intents and examples), with
    the score and the terms that matched. Under a millisecond at 300 templates: it runs
    on the event loop rather than waiting for a worker thread."""
    thread = [m.text for m in body.thread if m.author == "customer"]
    found = _library(services, principal, body.guide).index.suggest(body.message, body.channel, thread, body.limit)
    return SuggestResponse.model_validate({"suggestions": [vars(s) for s in found]})
