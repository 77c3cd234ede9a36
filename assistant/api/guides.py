"""`GET /v1/guides`, `GET /v1/guides/{guide_id}`: the loaded style guides, resolved
(`extends` merged, every section validated, style rules included). Thin: read, map."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from ..checks.style import StyleOptions
from ..guide import Guide
from ..services import Services
from ..store import Principal
from ..tenancy import visible, visible_guides
from .deps import AgentDep, ServicesDep
from .problems import ProblemError
from .responses import READ_PROBLEMS, Responses, merged, problem_response
from .schemas import ID_CHARS

router = APIRouter(tags=["guides"])
GUIDE_PROBLEMS: Responses = merged(
    READ_PROBLEMS,
    {
        404: problem_response("No guide has this id; `detail` lists the known ones."),
        422: problem_response("The id is not a guide id (too long); `errors` names the field."),
    },
)


class GuideSummary(BaseModel):
    id: str
    version: str
    name: str
    locale: str
    extends: str | None = None
    organisation: str | None = Field(None, description="Your organisation's id for its own guides; null: shared.")
    style_rules: int = Field(description="How many house-style rules the guide runs (inherited ones included).")


class GuideDetail(BaseModel):
    id: str
    version: str
    name: str
    locale: str
    extends: str | None = None
    organisation: str | None = Field(None, description="Your organisation's id for its own guides; null: shared.")
    sections: dict[str, Any] = Field(description="Each check's section, resolved; `style.rules` holds every rule.")


def _own_fields(guide: Guide) -> dict[str, Any]:
    """What a guide says of itself, beside its sections."""
    return guide.model_dump(include={"id", "version", "name", "locale", "extends", "organisation"})


def _summary(guide: Guide) -> GuideSummary:
    style = guide.section("style", StyleOptions) if "style" in guide.sections else None
    return GuideSummary(**_own_fields(guide), style_rules=len(style.rules) if style is not None else 0)


@router.get("/v1/guides", response_model=list[GuideSummary], responses=READ_PROBLEMS)
def list_guides(principal: AgentDep, services: ServicesDep) -> list[GuideSummary]:
    """The style guides your organisation may use, by id: its own and the shared ones."""
    guides = visible_guides(services.pipeline.guides, principal.organisation)
    return [_summary(guide) for _, guide in sorted(guides.items())]


@router.get("/v1/guides/{guide_id}", response_model=GuideDetail, responses=GUIDE_PROBLEMS)
def get_guide(
    guide_id: Annotated[str, PathParam(max_length=ID_CHARS)], principal: AgentDep, services: ServicesDep
) -> GuideDetail:
    """One guide, resolved: its own fields and every check's section, style rules included."""
    guide = visible_guide(services, principal, guide_id)
    sections = {
        name: section.model_dump(mode="json", by_alias=True) if isinstance(section, BaseModel) else section
        for name, section in guide.sections.items()
    }
    return GuideDetail(**_own_fields(guide), sections=sections)


def visible_guide(services: Services, principal: Principal, guide_id: str) -> Guide:
    """The guide, if the caller's organisation may use it; else 404 as for an unknown id."""
    guide = services.pipeline.guides.get(guide_id)
    if guide is None or not visible(guide, principal.organisation):
        known = ", ".join(sorted(visible_guides(services.pipeline.guides, principal.organisation)))
        raise ProblemError(404, f"No such guide; known guides: {known}.")
    return guide
