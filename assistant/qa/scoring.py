"""Automatic scoring: a score on every item of a scorecard from a Report's own findings.

Each finding scores the one item the scorecard maps it to (`Scorecard.item_for`); the
item's score is its worst finding's severity through the mapping; an item with nothing
found meets the standard, unless it cannot be scored: a check it draws on did not run
(`unavailable`, `skipped`, `error`: no vouching for what was not looked at), or the
metric it needs is absent (no SLA clock: the SLA item does not apply)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..model import CheckStatus, Finding, Report
from .scorecard import Item, Scorecard, ScorecardRef


class ItemScore(BaseModel):
    score: int | None = Field(description="index in the scorecard's scale; null: not scored (see why)")
    why: str
    findings: list[str] = Field(default_factory=list, description="ids of the findings that scored it")


class AutoScores(BaseModel):
    scorecard: ScorecardRef
    items: dict[str, ItemScore]
    total: float | None = Field(description="weighted mean of the scored items, 0-100")
    unmapped: list[str] = Field(default_factory=list, description="rules of findings no item takes")


def score_report(report: Report, scorecard: Scorecard) -> AutoScores:
    claimed: dict[str, list[Finding]] = {key: [] for key in scorecard.items}
    unmapped: set[str] = set()
    for finding in report.findings:
        key = scorecard.item_for(finding.rule, finding.criteria)
        if key is None:
            unmapped.add(finding.rule)
        else:
            claimed[key].append(finding)
    items = {key: _score_item(item, claimed[key], report, scorecard) for key, item in scorecard.items.items()}
    return AutoScores(
        scorecard=scorecard.ref, items=items, total=weighted_total(scorecard, items), unmapped=sorted(unmapped)
    )


def _score_item(item: Item, findings: list[Finding], report: Report, scorecard: Scorecard) -> ItemScore:
    not_run = sorted(
        name for name in item.auto.checks if (run := report.checks.get(name)) is None or run.status != CheckStatus.ok
    )
    if not item.auto.rules and not item.auto.criteria:
        return ItemScore(score=None, why="scored by reviewers only")
    if findings:
        worst = min(findings, key=lambda f: f.severity.rank)
        mapping = item.auto.severity or scorecard.severity
        return ItemScore(
            score=mapping.get(worst.severity, scorecard.top),
            why=f"{worst.severity.value}: {worst.rule}",
            findings=[f.id for f in findings],
        )
    if not_run:
        return ItemScore(score=None, why=f"not checked: {', '.join(not_run)} did not run")
    if item.auto.requires_metric and item.auto.requires_metric not in report.metrics:
        return ItemScore(score=None, why=f"does not apply: no {item.auto.requires_metric} metric")
    return ItemScore(score=scorecard.top, why="nothing found")


def weighted_total(scorecard: Scorecard, scores: dict[str, ItemScore] | dict[str, int | None]) -> float | None:
    """The weighted mean of the scored items on a 0-100 scale; None when none is scored."""
    total = weights = 0.0
    for key, item in scorecard.items.items():
        value = scores.get(key)
        score = value.score if isinstance(value, ItemScore) else value
        if score is None or item.weight == 0:
            continue
        total += item.weight * score / scorecard.top
        weights += item.weight
    return round(100 * total / weights, 1) if weights else None
