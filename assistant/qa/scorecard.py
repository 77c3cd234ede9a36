"""Scorecards: the items a reviewer scores a reply on, each citing the criteria of the
standards it stands for, and the mapping from findings to items (data, beside the item).

The default scorecard is `default_scorecard.yaml`; an organisation changes it in its
guide's `scorecard:` section, validated when the guide loads like every other section.
A review records the scorecard's `ref` (id, version, digest of its content), so scores
given on an older scorecard stay readable as what they were."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, ConfigDict, Field, model_validator

from ..criteria import criteria
from ..guide import Section
from ..model import Severity

DEFAULT = Path(__file__).with_name("default_scorecard.yaml")
_RULE_PATTERN = re.compile(r"^[a-z_]+(\.[\w.*?\[\]-]+)?$")


def _known_criterion(criterion: str) -> str:
    if criterion not in criteria():
        raise ValueError(f"unknown criterion {criterion!r}: use an id from CRITERIA.md, e.g. DEAL.P12")
    return criterion


def _rule_pattern(pattern: str) -> str:
    if not _RULE_PATTERN.match(pattern):
        raise ValueError(f"not a rule id or pattern: {pattern!r} (e.g. tone.blame, 'tone.*')")
    return pattern


CriterionId = Annotated[str, AfterValidator(_known_criterion)]
RulePattern = Annotated[str, AfterValidator(_rule_pattern)]


class AutoScoring(Section):
    """Which findings score an item: rule ids or glob patterns (`tone.*`); findings that
    no item names by rule go to the item sharing most of their criteria."""

    rules: list[RulePattern] = Field(default_factory=list, description="rule ids or patterns ('tone.*')")
    criteria: list[CriterionId] = Field(default_factory=list, description="findings citing these, if unclaimed")
    severity: dict[Severity, int] | None = Field(None, description="severity -> score, instead of the scorecard's")
    requires_metric: str | None = Field(None, description="not applicable when the report lacks this metric")

    @property
    def checks(self) -> set[str]:
        """The checks the item's rules come from: it cannot be scored when one did not run."""
        return {pattern.split(".", 1)[0] for pattern in self.rules}


class Item(Section):
    title: str = Field(min_length=1)
    description: str = ""
    criteria: list[CriterionId] = Field(min_length=1, description="what the item stands for, from CRITERIA.md")
    weight: float = Field(1.0, ge=0)
    auto: AutoScoring = Field(default_factory=AutoScoring)


class ScorecardRef(Section):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    digest: str


class Scorecard(Section):
    """The guide's `scorecard:` section, merged over the default scorecard."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    version: str = Field(min_length=1)
    title: str = ""
    scale: list[str] = Field(min_length=2, max_length=11, description="labels; a score is a label's index")
    severity: dict[Severity, int] = Field(description="the worst finding's severity -> the item's score")
    items: dict[str, Item] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _over_the_default(cls, data: Any) -> Any:
        return merge(default_data(), data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _scores_on_the_scale(self) -> Scorecard:
        top = len(self.scale) - 1
        maps = {"severity": self.severity} | {
            f"items.{key}.auto.severity": item.auto.severity for key, item in self.items.items() if item.auto.severity
        }
        for where, mapping in maps.items():
            for severity, score in mapping.items():
                if not 0 <= score <= top:
                    raise ValueError(f"{where}.{severity.value}: {score} is off the scale 0-{top}")
        if all(item.weight == 0 for item in self.items.values()):
            raise ValueError("items: every weight is 0; give at least one item a weight")
        return self

    @property
    def top(self) -> int:
        return len(self.scale) - 1

    @property
    def ref(self) -> ScorecardRef:
        content = self.model_dump_json(exclude={"id", "version"})
        digest = hashlib.sha256(content.encode()).hexdigest()[:12]
        return ScorecardRef(id=self.id, version=self.version, digest=digest)

    def item_for(self, rule: str, cited: list[str]) -> str | None:
        """The item a finding scores: the most specific rule pattern that matches (an id
        before a pattern, a longer pattern before a shorter), else the item sharing most
        of the finding's criteria, else none."""
        best: tuple[bool, int] | None = None
        chosen = None
        for key, item in self.items.items():
            for pattern in item.auto.rules:
                if fnmatch.fnmatchcase(rule, pattern):
                    rank = (not any(c in pattern for c in "*?["), len(pattern))
                    if best is None or rank > best:
                        best, chosen = rank, key
        if chosen is not None:
            return chosen
        shared = {key: len(set(cited) & set(item.auto.criteria)) for key, item in self.items.items()}
        most = max(shared, key=lambda k: shared[k])
        return most if shared[most] else None


@cache
def default_data() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def default_scorecard() -> Scorecard:
    return Scorecard.model_validate({})


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` over `base`, mappings merged key by key; a key set to null is removed
    (`items: {listened: null}` drops that item)."""
    merged = dict(base)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged
