"""Reading the record for QA: an organisation's sends filtered (agent, team, channel,
verdict, rule, overridden, SLA state, time), a page at a time by cursor, or all of
them as a stream for aggregates and exports. Every query names the organisation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, select

from .database import Database
from .schema import ReviewRow, SendFindingRow, SendRow
from .sends import SendRecord, _like, _record

STREAM_BATCH = 500


@dataclass(frozen=True)
class AuditFilter:
    agent: str | None = None  # the agent's id, as the host sent it
    team: str | None = None
    channel: str | None = None
    verdict: str | None = None
    rule: str | None = None  # a finding of this rule
    overridden: bool | None = None
    sla_state: str | None = None
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before
    source: str | None = None  # gate | import
    key_prefix: str | None = None  # idempotency keys that start so (one bulk audit's rows)


class Audit:
    def __init__(self, db: Database) -> None:
        self.db = db

    def page(
        self, organisation: str, where: AuditFilter, limit: int, after: str | None = None
    ) -> tuple[list[SendRecord], str | None]:
        """Newest first; `after` is the last id of the previous page (ids sort by time).
        The records and the cursor of the next page (None on the last)."""
        query = _filtered(organisation, where).order_by(SendRow.id.desc()).limit(limit + 1)
        if after is not None:
            query = query.where(SendRow.id < after)
        with self.db.transaction(write=False) as session:
            rows = session.scalars(query).all()
            records = [_record(session, row) for row in rows[:limit]]
        return records, (records[-1].id if len(rows) > limit else None)

    def rows(self, organisation: str, where: AuditFilter) -> Iterator[SendRow]:
        """Every matching send, oldest first, read in batches (exports, aggregates)."""
        after = ""
        while True:
            query = _filtered(organisation, where).where(SendRow.id > after).order_by(SendRow.id).limit(STREAM_BATCH)
            with self.db.transaction(write=False) as session:
                batch = session.scalars(query).all()
                session.expunge_all()
            yield from batch
            if len(batch) < STREAM_BATCH:
                return
            after = batch[-1].id

    def findings(self, organisation: str, where: AuditFilter) -> list[dict[str, Any]]:
        """(send, rule, severity, overridden) of every finding of the matching sends."""
        sends = _filtered(organisation, where).with_only_columns(SendRow.id)
        query = select(
            SendFindingRow.send_id, SendFindingRow.rule, SendFindingRow.severity, SendFindingRow.overridden
        ).where(SendFindingRow.organisation_id == organisation, SendFindingRow.send_id.in_(sends))
        with self.db.transaction(write=False) as session:
            return [
                {"send_id": send_id, "rule": rule, "severity": severity, "overridden": overridden}
                for send_id, rule, severity, overridden in session.execute(query)
            ]

    def scored_keys(self, organisation: str, prefix: str) -> list[str]:
        """The idempotency keys starting with `prefix` (a bulk audit's rows) of sends that
        have their automatic scores: a row killed between the two is not finished."""
        query = (
            select(SendRow.idempotency_key)
            .join(ReviewRow, (ReviewRow.send_id == SendRow.id) & (ReviewRow.kind == "auto"))
            .where(
                SendRow.organisation_id == organisation,
                SendRow.idempotency_key.like(f"{_like(prefix)}%", escape="\\"),
            )
            .distinct()
        )
        with self.db.transaction(write=False) as session:
            return [key for key in session.scalars(query) if key is not None]


def _filtered(organisation: str, where: AuditFilter) -> Select[SendRow]:
    query = select(SendRow).where(SendRow.organisation_id == organisation)
    equal = {
        SendRow.agent_id: where.agent,
        SendRow.team: where.team,
        SendRow.channel: where.channel,
        SendRow.verdict: where.verdict,
        SendRow.sla_state: where.sla_state,
        SendRow.source: where.source,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if where.key_prefix is not None:
        query = query.where(SendRow.idempotency_key.like(f"{_like(where.key_prefix)}%", escape="\\"))
    if where.overridden is not None:
        query = query.where((SendRow.status == "overridden") if where.overridden else (SendRow.status != "overridden"))
    if where.rule is not None:
        query = query.where(
            exists().where(
                SendFindingRow.send_id == SendRow.id,
                SendFindingRow.organisation_id == organisation,
                SendFindingRow.rule == where.rule,
            )
        )
    if where.since is not None:
        query = query.where(SendRow.created_at >= where.since)
    if where.until is not None:
        query = query.where(SendRow.created_at < where.until)
    return query
