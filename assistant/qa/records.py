"""The QA use cases over the store, for the HTTP routes and the reviewers' pages alike:
a page of the audit, one record in full with its scorecards, the aggregates, and CSV
exports of records and of scores (rows generated as they are read)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from ..guide import Guide
from ..store import AuditFilter, Review, SendRecord, Store
from .aggregates import (
    Group,
    GroupBy,
    ItemCalibration,
    RuleStats,
    Trends,
    calibration,
    groups,
    rule_stats,
    trends,
)
from .reviews import Scoreable, automatic, scorecard_for

RECORD_COLUMNS = (
    "id", "created_at", "source", "channel", "agent_id", "agent_name", "team", "ticket_id", "guide_id",
    "verdict", "status", "sla_state", "findings", "blockers", "rules", "automatic_total",
)  # fmt: skip
SCORE_COLUMNS = (
    "send_id", "review_id", "kind", "reviewer", "scorecard_id", "scorecard_version", "item", "score", "comment",
    "created_at",
)  # fmt: skip


def scoreable(send: Any) -> Scoreable:
    """A SendRecord or a SendRow, as scoring reads it."""
    return Scoreable(send.id, send.guide_id, dict(send.report))


def page(
    store: Store, guides: Mapping[str, Guide], organisation: str, where: AuditFilter, limit: int, after: str | None
) -> tuple[list[tuple[SendRecord, Review]], str | None]:
    records, cursor = store.audit.page(organisation, where, limit, after)
    auto = automatic(store, guides, organisation, map(scoreable, records))
    return [(record, auto[record.id]) for record in records], cursor


def record_reviews(store: Store, guides: Mapping[str, Guide], record: SendRecord) -> tuple[Review, list[Review]]:
    """The automatic review of a record and its reviewers' reviews, oldest first."""
    auto = automatic(store, guides, record.organisation, [scoreable(record)])[record.id]
    return auto, store.reviews.of_sends(record.organisation, [record.id], kind="human")


def _rows_and_reviews(
    store: Store, guides: Mapping[str, Guide], organisation: str, where: AuditFilter
) -> tuple[list[Any], dict[str, Review], list[Review]]:
    rows = list(store.audit.rows(organisation, where))
    auto = automatic(store, guides, organisation, map(scoreable, rows))
    human = store.reviews.of_sends(organisation, [row.id for row in rows], kind="human")
    return rows, auto, human


def _items(guides: Mapping[str, Guide], rows: list[Any]) -> list[str]:
    """Every item of the scorecards of these sends' guides, in scorecard order."""
    seen: dict[str, None] = {}
    for guide_id in dict.fromkeys(row.guide_id for row in rows):
        seen.update(dict.fromkeys(scorecard_for(guides, guide_id).items))
    return list(seen)


def aggregates(
    store: Store, guides: Mapping[str, Guide], organisation: str, where: AuditFilter, by: GroupBy
) -> dict[str, Any]:
    rows, auto, human = _rows_and_reviews(store, guides, organisation, where)
    items = _items(guides, rows)
    found: list[Group] = groups(rows, by, auto, human, items, lambda row: scorecard_for(guides, row.guide_id).top)
    rules: list[RuleStats] = rule_stats(store.audit.findings(organisation, where))
    calibrated: list[ItemCalibration] = calibration(auto, human, items)
    return {"by": by, "items": items, "groups": found, "rules": rules, "calibration": calibrated}


def weekly(store: Store, guides: Mapping[str, Guide], organisation: str, where: AuditFilter) -> Trends:
    """The weekly trends the reviewers' page charts."""
    rows, auto, human = _rows_and_reviews(store, guides, organisation, where)
    items = _items(guides, rows)
    weeks = groups(rows, "week", auto, human, items, lambda row: scorecard_for(guides, row.guide_id).top)
    return trends(rows, weeks, store.audit.findings(organisation, where))


def _csv_line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(["" if v is None else v for v in values])
    return out.getvalue()


def records_csv(store: Store, guides: Mapping[str, Guide], organisation: str, where: AuditFilter) -> Iterator[str]:
    """One line per record, written as the rows are read (batches of the store)."""
    yield _csv_line(list(RECORD_COLUMNS))
    batch: list[Any] = []
    for row in store.audit.rows(organisation, where):
        batch.append(row)
        if len(batch) == 200:
            yield from _record_lines(store, guides, organisation, batch)
            batch = []
    yield from _record_lines(store, guides, organisation, batch)


def _record_lines(store: Store, guides: Mapping[str, Guide], organisation: str, rows: list[Any]) -> Iterator[str]:
    auto = automatic(store, guides, organisation, map(scoreable, rows))
    for row in rows:
        findings = row.report.get("findings", [])
        yield _csv_line(
            [
                row.id, row.created_at.isoformat(), row.source, row.channel, row.agent_id, row.agent_name, row.team,
                row.ticket_id, row.guide_id, row.verdict, row.status, row.sla_state, len(findings),
                len(row.blockers), " ".join(sorted({f["rule"] for f in findings})), auto[row.id].total,
            ]
        )  # fmt: skip


def scores_csv(store: Store, guides: Mapping[str, Guide], organisation: str, where: AuditFilter) -> Iterator[str]:
    """One line per item of every review (automatic and reviewers'), a batch at a time."""
    yield _csv_line(list(SCORE_COLUMNS))
    rows = list(store.audit.rows(organisation, where))
    for start in range(0, len(rows), 200):
        batch = rows[start : start + 200]
        auto = automatic(store, guides, organisation, map(scoreable, batch))
        human = store.reviews.of_sends(organisation, [row.id for row in batch], kind="human")
        for review in [*auto.values(), *human]:
            for item, score in review.scores.items():
                yield _csv_line(
                    [
                        review.send_id, review.id, review.kind, review.reviewer, review.scorecard["id"],
                        review.scorecard["version"], item, score, review.comments.get(item, ""),
                        review.created_at.isoformat(),
                    ]
                )  # fmt: skip
