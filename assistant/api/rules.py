"""`GET /v1/rules`: every rule the checks can fire, as declared beside each check (id,
severity, message, criteria, an example), and what a guide sets for each. Thin: read, map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ..checks import every_rule
from ..model import Severity
from ..rules import Rule, RuleSetting, setting_for
from .deps import AgentOrReviewerDep, ServicesDep
from .guides import GUIDE_PROBLEMS, visible_guide
from .responses import Responses, merged, problem_response
from .schemas import ID_CHARS

router = APIRouter(tags=["rules"])
RULE_PROBLEMS: Responses = merged(
    GUIDE_PROBLEMS, {422: problem_response("The guide id is too long; `errors` names the field.")}
)


class RuleInfo(BaseModel):
    id: str = Field(description="A family (`grammar.*`) stands for rules named at run time, e.g. grammar.THEIR_IS.")
    check: str
    severity: Severity = Field(description="The rule's default; a check may raise or lower it case by case.")
    message: str
    criteria: list[str] = Field(description="Standard ids, see CRITERIA.md.")
    suggestions: list[str]
    example: str = Field(description="A text that fires the rule.")
    guide_setting: RuleSetting | None = Field(
        None, description="With `guide`: what that guide's `rules:` sets for it (a severity or off); null: nothing."
    )


def rule_info(rule: Rule, setting: RuleSetting | None = None) -> RuleInfo:
    return RuleInfo(
        id=rule.id,
        check=rule.check,
        severity=rule.severity,
        message=rule.message,
        criteria=list(rule.criteria),
        suggestions=list(rule.suggestions),
        example=rule.fires[0].text,
        guide_setting=setting,
    )


@router.get("/v1/rules", response_model=list[RuleInfo], responses=RULE_PROBLEMS)
def list_rules(
    principal: AgentOrReviewerDep,
    services: ServicesDep,
    guide: Annotated[str | None, Query(max_length=ID_CHARS, description="A guide id: include its settings.")] = None,
) -> list[RuleInfo]:
    """Every rule of every check, in report order."""
    settings = visible_guide(services, principal, guide).rules if guide is not None else {}
    return [rule_info(rule, setting_for(settings, rule.id)) for rule in every_rule()]
