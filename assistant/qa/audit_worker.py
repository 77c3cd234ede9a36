"""What every worker of a bulk audit holds and does, local process or Dask worker alike:
the plan of the run, and the `AuditWorker` (services built once, rows checked, scored and
recorded one by one)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..checking import DraftRefused, check_draft
from ..model import Channel
from ..settings import Settings
from .history import BadRow, HistoryRow
from .results import AuditResults, ResultsSpec
from .scorecard import Scorecard
from .scoring import score_report

if TYPE_CHECKING:
    from ..services import Services


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


@dataclass
class AuditWorker:
    """What a worker process holds for a whole run: the services (pipeline, LanguageTool
    client, store) and the results it records into, built once."""

    services: Services
    results: AuditResults

    @classmethod
    def build(cls, settings: Settings, spec: ResultsSpec) -> AuditWorker:
        from ..services import build_services

        services = build_services(settings)
        return cls(services, spec.open(services))

    def check(self, run: str, row: HistoryRow) -> BadRow | None:
        pipeline = self.services.pipeline
        try:
            report = check_draft(
                pipeline, row.text, row.context, fmt=row.format, max_chars=self.services.settings.max_text_chars
            )
        except DraftRefused as exc:
            return BadRow(row.line, f"{exc.field}: {exc.reason}")
        scores = score_report(report, pipeline.guides[report.guide.id].section("scorecard", Scorecard))
        self.results.record(run, row, report, scores)
        return None

    def close(self) -> None:
        self.results.close()
        self.services.close()
