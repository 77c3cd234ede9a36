"""What every worker of a bulk audit holds and does, local process or Dask worker alike:
the plan of the run, and the `AuditWorker` (services built once; rows checked and scored,
then recorded a batch per transaction).

A worker's task is a batch of at most `BATCH_ROWS` rows (a local worker's chunk, a Dask
partition): it checks them all, then writes them in one transaction, and only then are
they counted as done. A worker killed mid-batch leaves nothing of that batch behind, and
its rows are simply checked again by the next run (or by the partition's retry)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..checking import DraftRefused, check_draft
from ..model import Channel
from ..settings import Settings
from .history import BadRow, HistoryRow
from .results import AuditResults, CheckedRow, ResultsSpec
from .scorecard import Scorecard
from .scoring import score_report

if TYPE_CHECKING:
    from ..services import Services

# Rows per task and per transaction: one commit instead of 64 (a send and its review per
# row), ~1 ms a row to write instead of 4-10, and a few seconds of work re-done after a
# kill; 128 wrote no faster on PostgreSQL (bench/audit_writes.py).
BATCH_ROWS = 32


@dataclass(frozen=True)
class AuditPlan:
    path: Path
    organisation: str
    results: ResultsSpec
    workers: int
    guide: str | None = None
    default_channel: Channel = Channel.email
    run: str = ""  # names the run for resuming; by default from the file's path and the organisation
    scheduler: str | None = None  # a Dask scheduler's address (tcp://host:8786); None: local processes

    @property
    def run_id(self) -> str:
        return self.run or run_id(self.path, self.organisation)


def run_id(path: Path, organisation: str) -> str:
    return hashlib.sha256(f"{organisation}\x1f{path.resolve()}".encode()).hexdigest()[:16]


def batch_size(todo: int, workers: int) -> int:
    """Small enough that every worker gets several batches (even progress, little re-done
    after a kill), at most BATCH_ROWS."""
    return max(1, min(BATCH_ROWS, todo // (workers * 4)))


@dataclass
class BatchResult:
    """What a worker did with one batch, all of it committed: rows recorded, rows refused."""

    checked: int
    bad: list[BadRow]

    def rows(self) -> Iterator[BadRow | None]:
        """One item per row, as the runner tallies them: None for a recorded row."""
        yield from self.bad
        yield from (None for _ in range(self.checked))


@dataclass
class AuditWorker:
    """What a worker process holds for a whole run: the services (pipeline, LanguageTool
    client, store) and the results it records into, built once."""

    services: Services
    results: AuditResults

    @classmethod
    def build(cls, settings: Settings, spec: ResultsSpec) -> AuditWorker:
        from ..services import build_services

        # Throughput, not one draft's wait: a draft in parts costs LanguageTool more (MIN_PART_UNITS).
        services = build_services(settings.model_copy(update={"languagetool_parallel": 1}))
        return cls(services, spec.open(services))

    def check_batch(self, run: str, rows: list[HistoryRow]) -> BatchResult:
        """Check and score every row, then record the checked ones in one transaction."""
        outcomes = [self.check(row) for row in rows]
        checked = [outcome for outcome in outcomes if isinstance(outcome, CheckedRow)]
        if checked:
            self.results.record_many(run, checked)
        return BatchResult(len(checked), [outcome for outcome in outcomes if isinstance(outcome, BadRow)])

    def check(self, row: HistoryRow) -> CheckedRow | BadRow:
        pipeline = self.services.pipeline
        try:
            report = check_draft(
                pipeline, row.text, row.context, fmt=row.format, max_chars=self.services.settings.max_text_chars
            )
        except DraftRefused as exc:
            return BadRow(row.line, f"{exc.field}: {exc.reason}")
        scores = score_report(report, pipeline.guides[report.guide.id].section("scorecard", Scorecard))
        return CheckedRow(row, report, scores)

    def close(self) -> None:
        self.results.close()
        self.services.close()
