"""Where a bulk audit writes what it found: the one small interface the runner knows.

`AuditResults` is written by the worker processes (each opens its own from a picklable
`ResultsSpec`) and read by the runner (which rows are finished, for resuming) and the
HTML report. `LocalResults` keeps them in a SQLite file of their own; the store's
implementation records each row as an imported send."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..model import Report
from ..pipeline import Pipeline
from .history import HistoryRow
from .scoring import AutoScores


@dataclass(frozen=True)
class AuditedRow:
    """One checked row, as the report reads it back."""

    line: int
    sent_at: datetime | None
    channel: str
    agent: str | None
    team: str | None
    ticket_id: str | None
    report: dict[str, Any]
    scores: dict[str, Any]


class AuditResults(Protocol):
    def finished(self, run: str) -> set[int]:
        """Lines of `run` already recorded: a resumed run skips them."""
        ...

    def record(self, run: str, row: HistoryRow, report: Report, scores: AutoScores) -> None:
        """Keep one checked row, committed before it returns; a row recorded twice stays one."""
        ...

    def rows(self, run: str) -> Iterator[AuditedRow]: ...

    def close(self) -> None: ...


class ResultsSpec(Protocol):
    """How a process opens the results (picklable: a path or a URL); a worker hands in
    its pipeline, for results that mask what they keep."""

    def open(self, pipeline: Pipeline | None = None) -> AuditResults: ...


@dataclass(frozen=True)
class LocalSpec:
    path: Path
    organisation: str

    def open(self, pipeline: Pipeline | None = None) -> LocalResults:
        return LocalResults(self.path, self.organisation)


SCHEMA = """
create table if not exists audited (
    organisation text not null, run text not null, line integer not null,
    sent_at text, channel text not null, agent text, team text, ticket_id text,
    report text not null, scores text not null,
    primary key (organisation, run, line)
)
"""


class LocalResults:
    """A SQLite file of audited rows (mode 0600: the reports hold the replies' text)."""

    def __init__(self, path: Path, organisation: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        self.organisation = organisation
        self.db = sqlite3.connect(path, timeout=60)
        self.db.execute("pragma journal_mode=wal")
        self.db.execute(SCHEMA)

    def finished(self, run: str) -> set[int]:
        query = "select line from audited where organisation = ? and run = ?"
        return {line for (line,) in self.db.execute(query, (self.organisation, run))}

    def record(self, run: str, row: HistoryRow, report: Report, scores: AutoScores) -> None:
        agent = row.context.agent
        with self.db:
            self.db.execute(
                "insert or ignore into audited values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.organisation,
                    run,
                    row.line,
                    row.sent_at.isoformat() if row.sent_at else None,
                    row.context.channel.value,
                    agent.id or agent.name,
                    agent.team,
                    row.context.ticket.id,
                    report.model_dump_json(),
                    scores.model_dump_json(),
                ),
            )

    def rows(self, run: str) -> Iterator[AuditedRow]:
        query = (
            "select line, sent_at, channel, agent, team, ticket_id, report, scores from audited "
            "where organisation = ? and run = ? order by line"
        )
        for line, sent_at, channel, agent, team, ticket, report, scores in self.db.execute(
            query, (self.organisation, run)
        ):
            yield AuditedRow(
                line,
                datetime.fromisoformat(sent_at) if sent_at else None,
                channel,
                agent,
                team,
                ticket,
                json.loads(report),
                json.loads(scores),
            )

    def close(self) -> None:
        self.db.close()
