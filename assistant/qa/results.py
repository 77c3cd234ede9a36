"""Where a bulk audit writes what it found: the one small interface the runner knows.

`AuditResults` is written by the worker processes (each opens its own from a picklable
`ResultsSpec`, handing in its services) and read by the runner (which rows are finished,
for resuming) and the HTML report. `StoreResults` records rows in the store a batch per
transaction, each as an imported send (source `import`, masked as the guide says,
idempotency key `audit:<run>:<line>`) with its automatic scores, so QA works on it like
any send."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..model import Report
from ..store import AuditFilter, NewImport, Store
from .history import HistoryRow
from .scoring import AutoScores

if TYPE_CHECKING:
    from ..services import Services


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


@dataclass(frozen=True)
class CheckedRow:
    """One row a worker checked and scored, waiting to be written with its batch."""

    row: HistoryRow
    report: Report
    scores: AutoScores


class AuditResults(Protocol):
    def finished(self, run: str) -> set[int]:
        """Lines of `run` already recorded (with their scores): a resumed run skips them."""
        ...

    def record_many(self, run: str, rows: Sequence[CheckedRow]) -> None:
        """Keep these checked rows, all or none, committed before it returns; a row
        recorded twice stays one."""
        ...

    def rows(self, run: str) -> Iterator[AuditedRow]: ...

    def close(self) -> None: ...


class ResultsSpec(Protocol):
    """How a process opens the results (picklable); a worker hands in its services."""

    def open(self, services: Services | None = None) -> AuditResults: ...


@dataclass(frozen=True)
class StoreSpec:
    url: str
    organisation: str

    def open(self, services: Services | None = None) -> StoreResults:
        return StoreResults(self.organisation, self.url, services)


def row_key(run: str, line: int) -> str:
    return f"audit:{run}:{line}"


class StoreResults:
    def __init__(self, organisation: str, url: str, services: Services | None) -> None:
        self.organisation, self.services = organisation, services
        self.store = services.store if services is not None else Store(url)
        self.store.migrate()  # a no-op once the schema is at its latest revision

    def finished(self, run: str) -> set[int]:
        prefix = row_key(run, 0)[:-1]
        return {int(key[len(prefix) :]) for key in self.store.audit.scored_keys(self.organisation, prefix)}

    def record_many(self, run: str, rows: Sequence[CheckedRow]) -> None:
        self.store.imports.record_many(self.organisation, [self._new_import(run, checked) for checked in rows])

    def _new_import(self, run: str, checked: CheckedRow) -> NewImport:
        from ..gate import SendRequest

        assert self.services is not None, "a worker records, with its services"
        row, scores = checked.row, checked.scores
        request = SendRequest(row.text, row.format, row.context, idempotency_key=row_key(run, row.line))
        send = self.services.gate.imported_send(self.organisation, request, checked.report, row.sent_at)
        items = {key: item.score for key, item in scores.items.items()}
        return NewImport(send, scores.scorecard.model_dump(), items, scores.total)

    def rows(self, run: str) -> Iterator[AuditedRow]:
        where = AuditFilter(source="import", key_prefix=row_key(run, 0)[:-1])
        sends = list(self.store.audit.rows(self.organisation, where))
        auto = {
            review.send_id: review
            for review in self.store.reviews.of_sends(self.organisation, [s.id for s in sends], kind="auto")
        }
        for send in sends:
            review = auto.get(send.id)
            scores = (
                {"items": {k: {"score": v} for k, v in review.scores.items()}, "total": review.total}
                if review
                else {
                    "items": {},
                    "total": None,
                }
            )
            yield AuditedRow(
                line=int(str(send.idempotency_key).rsplit(":", 1)[1]),
                sent_at=send.created_at,
                channel=send.channel,
                agent=send.agent_id or send.agent_name,
                team=send.team,
                ticket_id=send.ticket_id,
                report=dict(send.report),
                scores=scores,
            )

    def close(self) -> None:
        if self.services is None:
            self.store.close()
