"""What QA learns across records: per agent, team, channel or week the average scores
per item (automatic and by reviewers), the verdict mix, overrides and SLA breaches; per
rule how often it fired and how often agents overrode it (the organisation's precision
signal for that rule); and calibration, how far automatic and human scores agree, and
reviewers with each other, per item (observed agreement and Cohen's kappa)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import combinations
from statistics import mean
from typing import Any, Literal

from pydantic import BaseModel

from ..store import Review
from .agreement import Agreement, agreement

GroupBy = Literal["agent", "team", "channel", "week"]


class Group(BaseModel):
    key: str | None
    sends: int
    verdicts: dict[str, int]
    overridden: int
    sla_breached: int
    automatic: dict[str, float | None]  # item -> average, % of the top of the scale
    automatic_total: float | None
    reviewed: int  # sends with at least one reviewer's scores
    human: dict[str, float | None]
    human_total: float | None


class RuleStats(BaseModel):
    rule: str
    fired: int  # sends it fired on
    blocked: int  # ... as a blocker
    overridden: int  # ... and the agent overrode it
    override_rate: float | None  # overridden / blocked


class ItemCalibration(BaseModel):
    item: str
    automatic_vs_human: Agreement
    between_reviewers: Agreement


def week_of(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


KEYS: dict[str, Callable[[Any], str | None]] = {
    "agent": lambda row: row.agent_id,
    "team": lambda row: row.team,
    "channel": lambda row: row.channel,
    "week": lambda row: week_of(row.created_at),
}


def groups(
    rows: Iterable[Any],
    by: GroupBy,
    automatic: Mapping[str, Review],
    human: Iterable[Review],
    items: Sequence[str],
    top_of: Callable[[Any], int],
) -> list[Group]:
    """One Group per distinct key of `by` over send rows (SendRow-like: id, agent_id,
    team, channel, created_at, verdict, status, sla_state, guide_id)."""
    by_send: dict[str, list[Review]] = defaultdict(list)
    for review in human:
        by_send[review.send_id].append(review)
    buckets: dict[str | None, list[Any]] = defaultdict(list)
    for row in rows:
        buckets[KEYS[by](row)].append(row)
    return [
        _group(key, members, automatic, by_send, items, top_of)
        for key, members in sorted(buckets.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]


def _group(
    key: str | None,
    rows: list[Any],
    automatic: Mapping[str, Review],
    human: Mapping[str, list[Review]],
    items: Sequence[str],
    top_of: Callable[[Any], int],
) -> Group:
    auto_scores: dict[str, list[float]] = defaultdict(list)
    human_scores: dict[str, list[float]] = defaultdict(list)
    auto_totals, human_totals = [], []
    for row in rows:
        top = top_of(row)
        if (review := automatic.get(row.id)) is not None:
            _collect(review, top, auto_scores)
            if review.total is not None:
                auto_totals.append(review.total)
        for review in human.get(row.id, []):
            _collect(review, top, human_scores)
            if review.total is not None:
                human_totals.append(review.total)
    verdicts = Counter(row.verdict for row in rows)
    return Group(
        key=key,
        sends=len(rows),
        verdicts={verdict: verdicts.get(verdict, 0) for verdict in ("block", "warn", "pass")},
        overridden=sum(1 for row in rows if row.status == "overridden"),
        sla_breached=sum(1 for row in rows if row.sla_state == "breached"),
        automatic={item: _mean(auto_scores[item]) for item in items},
        automatic_total=_mean(auto_totals),
        reviewed=sum(1 for row in rows if human.get(row.id)),
        human={item: _mean(human_scores[item]) for item in items},
        human_total=_mean(human_totals),
    )


def _collect(review: Review, top: int, into: dict[str, list[float]]) -> None:
    for item, score in review.scores.items():
        if score is not None and top:
            into[item].append(100 * score / top)


def _mean(values: list[float]) -> float | None:
    return round(mean(values), 1) if values else None


def rule_stats(findings: Iterable[dict[str, Any]]) -> list[RuleStats]:
    """Per rule over finding rows (send_id, rule, severity, overridden); most fired first."""
    fired: dict[str, set[str]] = defaultdict(set)
    blocked: dict[str, set[str]] = defaultdict(set)
    overridden: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        rule, send = finding["rule"], finding["send_id"]
        fired[rule].add(send)
        if finding["severity"] == "blocker":
            blocked[rule].add(send)
        if finding["overridden"]:
            overridden[rule].add(send)
    stats = [
        RuleStats(
            rule=rule,
            fired=len(sends),
            blocked=len(blocked[rule]),
            overridden=len(overridden[rule]),
            override_rate=round(len(overridden[rule]) / len(blocked[rule]), 4) if blocked[rule] else None,
        )
        for rule, sends in fired.items()
    ]
    return sorted(stats, key=lambda s: (-s.fired, s.rule))


def calibration(
    automatic: Mapping[str, Review], human: Iterable[Review], items: Sequence[str]
) -> list[ItemCalibration]:
    """Per item: automatic vs each reviewer's score on the same scorecard content, and
    every pair of different reviewers who scored the same send on the same scorecard."""
    reviews = sorted(human, key=lambda r: (r.created_at, r.id))
    by_send: dict[tuple[str, str], list[Review]] = defaultdict(list)
    for review in reviews:
        by_send[(review.send_id, review.scorecard["digest"])].append(review)
    out = []
    for item in items:
        versus_auto = [
            (auto.scores.get(item), review.scores.get(item))
            for review in reviews
            if (auto := automatic.get(review.send_id)) is not None
            and auto.scorecard["digest"] == review.scorecard["digest"]
            and item in review.scores
        ]
        between = [
            (first.scores.get(item), second.scores.get(item))
            for same in by_send.values()
            for first, second in combinations(same, 2)
            if first.reviewer_key_id != second.reviewer_key_id or first.reviewer != second.reviewer
        ]
        out.append(
            ItemCalibration(item=item, automatic_vs_human=agreement(versus_auto), between_reviewers=agreement(between))
        )
    return out


class Trends(BaseModel):
    """Weekly series for the charts: each a list aligned with `weeks` (None: no data)."""

    weeks: list[str]
    top_rules: dict[str, list[float | None]]  # rule -> sends it fired on, per week
    override_rate: list[float | None]  # % of blocked sends overridden
    sla_breaches: list[float | None]
    items: dict[str, list[float | None]]  # item -> average automatic score, % of top


def trends(
    rows: Sequence[Any], week_groups: Sequence[Group], findings: Iterable[dict[str, Any]], rules: int = 5
) -> Trends:
    """The weekly trends of the aggregates page, from the rows, their `week` groups and
    their findings."""
    weeks = [g.key for g in week_groups if g.key is not None]
    week_of_send = {row.id: week_of(row.created_at) for row in rows}
    fired: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for finding in findings:
        fired[finding["rule"]][week_of_send.get(finding["send_id"], "")].add(finding["send_id"])
    top = sorted(fired, key=lambda rule: (-sum(len(s) for s in fired[rule].values()), rule))[:rules]
    items = list(week_groups[0].automatic) if week_groups else []
    return Trends(
        weeks=weeks,
        top_rules={rule: [float(len(fired[rule].get(week, ()))) for week in weeks] for rule in top},
        override_rate=[
            round(100 * g.overridden / g.verdicts["block"], 1) if g.verdicts["block"] else None for g in week_groups
        ],
        sla_breaches=[float(g.sla_breached) for g in week_groups],
        items={item: [g.automatic.get(item) for g in week_groups] for item in items},
    )
