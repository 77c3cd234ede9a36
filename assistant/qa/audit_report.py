"""The HTML report of a bulk audit: a summary, charts drawn on the server (SVG), the bad
rows by line, and the worst replies with their findings marked in the text. One file,
no scripts, nothing loaded from elsewhere."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..criteria import criteria
from .charts import bar_chart, line_chart
from .highlight import highlighted
from .history import BadRow
from .results import AuditedRow
from .scorecard import Scorecard

TEMPLATES = Path(__file__).with_name("templates")
WORST = 20
TOP_RULES = 12


@dataclass(frozen=True)
class AuditSummary:
    rows: int
    checked: int
    bad: list[BadRow]
    verdicts: Counter[str]
    mean_total: float | None
    items: dict[str, float | None]  # item -> mean score as a share of the top of the scale, 0-100
    rules: Counter[str]  # rule -> replies it fired on
    weeks: dict[str, float | None]  # ISO week -> mean total
    worst: list[AuditedRow]


def summarise(rows: Iterable[AuditedRow], bad: list[BadRow], total_rows: int, scorecard: Scorecard) -> AuditSummary:
    audited = list(rows)
    verdicts = Counter(row.report["verdict"] for row in audited)
    rules: Counter[str] = Counter()
    per_item: dict[str, list[int]] = defaultdict(list)
    per_week: dict[str, list[float]] = defaultdict(list)
    for row in audited:
        rules.update({finding["rule"] for finding in row.report["findings"]})
        for key, item in row.scores["items"].items():
            if item["score"] is not None:
                per_item[key].append(item["score"])
        if row.sent_at is not None and row.scores["total"] is not None:
            year, week, _ = row.sent_at.isocalendar()
            per_week[f"{year}-W{week:02d}"].append(row.scores["total"])
    totals = [row.scores["total"] for row in audited if row.scores["total"] is not None]
    return AuditSummary(
        rows=total_rows,
        checked=len(audited),
        bad=bad,
        verdicts=verdicts,
        mean_total=round(mean(totals), 1) if totals else None,
        items={
            key: round(100 * mean(per_item[key]) / scorecard.top, 1) if per_item[key] else None
            for key in scorecard.items
        },
        rules=rules,
        weeks={week: round(mean(per_week[week]), 1) for week in sorted(per_week)},
        worst=sorted(audited, key=_badness)[:WORST],
    )


def _badness(row: AuditedRow) -> tuple[float, int, int]:
    blockers = sum(1 for f in row.report["findings"] if f["severity"] == "blocker")
    total = row.scores["total"]
    return (101.0 if total is None else total, -blockers, row.line)


def render_report(summary: AuditSummary, scorecard: Scorecard, *, title: str, organisation: str) -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    template = environment.get_template("audit_report.html")
    return template.render(
        title=title,
        organisation=organisation,
        summary=summary,
        scorecard=scorecard,
        criteria=criteria(),
        charts=_charts(summary, scorecard),
        highlighted=highlighted,
        whole_draft=lambda findings: [f for f in findings if f.get("start") is None],
    )


def _charts(summary: AuditSummary, scorecard: Scorecard) -> list[Any]:
    charts = [
        bar_chart(
            "verdicts",
            "Verdicts",
            [(verdict, summary.verdicts.get(verdict, 0)) for verdict in ("block", "warn", "pass")],
            unit=" replies",
        ),
        bar_chart(
            "items",
            "Average automatic score per item (% of the top score)",
            [(scorecard.items[key].title, value) for key, value in summary.items.items() if value is not None],
            unit="%",
            top=100,
        ),
        bar_chart("rules", "Rules that fired most (replies)", summary.rules.most_common(TOP_RULES)),
    ]
    if summary.weeks:
        charts.append(
            line_chart(
                "weeks",
                "Average score by week",
                list(summary.weeks),
                {"score": list(summary.weeks.values())},
                unit="%",
                top=100,
            )
        )
    return charts
