"""A bulk audit of history: every reply of a helpdesk export checked by the same pipeline
as `/v1/check`, scored on the guide's scorecard and recorded, by worker processes that
share one LanguageTool server (a process per core: spaCy, Presidio and the CPU checks
hold the interpreter lock, LanguageTool does not). The workers are local processes, or
those of a Dask distributed cluster (`AuditPlan.scheduler`, assistant/qa/cluster.py);
either way each builds one `AuditWorker` and checks rows with it.

Each worker records its own rows, a batch per transaction (up to 32 rows: one local task,
or one Dask partition), and a row counts as done only once its batch is committed. So a
run stopped by Ctrl-C or a kill loses at most the batches in flight; run it again and it
skips every row already recorded. A bad row is reported with its line number and
skipped."""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice

from tqdm import tqdm

from ..settings import Settings
from .audit_worker import AuditPlan, AuditWorker, BatchResult, batch_size
from .history import BadRow, HistoryRow, read_history
from .results import ResultsSpec

BATCHES_PER_WORKER = 2  # in flight: one running, one waiting, so a worker never idles


@dataclass
class AuditOutcome:
    rows: int = 0  # rows in the export (bad ones included)
    resumed: int = 0  # already recorded by an earlier run, skipped
    checked: int = 0  # checked and recorded by this run
    bad: list[BadRow] = field(default_factory=list)
    interrupted: bool = False
    failed: int = 0  # rows of partitions the cluster gave up on (after retries): a new run checks them

    def tally(self, result: BadRow | None, on_bad: Callable[[BadRow], None] | None) -> None:
        """Count one row a worker finished: checked and recorded, or refused (`result`)."""
        if result is None:
            self.checked += 1
        else:
            self.bad.append(result)
            if on_bad:
                on_bad(result)


def run_audit(
    plan: AuditPlan, settings: Settings, *, progress: bool = True, on_bad: Callable[[BadRow], None] | None = None
) -> AuditOutcome:
    """Check every row not yet recorded; return what happened (interrupted on Ctrl-C)."""
    outcome = AuditOutcome()
    results = plan.results.open()
    try:
        finished = results.finished(plan.run_id)
    finally:
        results.close()
    todo = 0
    for row in read_history(plan.path, plan.default_channel):
        outcome.rows += 1
        if isinstance(row, BadRow):
            outcome.tally(row, on_bad)
        elif row.line in finished:
            outcome.resumed += 1
        else:
            todo += 1
    if todo == 0:
        return outcome
    bar = tqdm(total=todo, unit="reply", desc="audit", disable=not progress, file=sys.stderr, smoothing=0.1)

    def done(result: BadRow | None) -> None:
        outcome.tally(result, on_bad)
        bar.update(1)

    try:
        if plan.scheduler:
            from .cluster import audit_on_cluster

            outcome.failed = audit_on_cluster(plan, settings, _pending_rows(plan, finished), todo, done)
        else:
            _audit_locally(plan, settings, _pending_rows(plan, finished), todo, done)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        bar.close()
    return outcome


def _audit_locally(
    plan: AuditPlan, settings: Settings, rows: Iterator[HistoryRow], todo: int, done: Callable[[BadRow | None], None]
) -> None:
    executor = ProcessPoolExecutor(
        max_workers=min(plan.workers, todo),
        mp_context=multiprocessing.get_context("spawn"),  # nothing forked from a threaded parent
        initializer=_start_worker,
        initargs=(settings, plan.results),
    )
    try:
        _feed(executor, rows, plan, batch_size(todo, plan.workers), done)
    finally:
        # Batches already running finish and are recorded (workers ignore Ctrl-C); the rest wait for the next run.
        executor.shutdown(wait=True, cancel_futures=True)


def _pending_rows(plan: AuditPlan, finished: set[int]) -> Iterator[HistoryRow]:
    for row in read_history(plan.path, plan.default_channel):
        if isinstance(row, HistoryRow) and row.line not in finished:
            if plan.guide:
                row = HistoryRow(
                    row.line,
                    row.text,
                    row.format,
                    row.context.model_copy(update={"guide": plan.guide}),
                    row.sent_at,
                    row.message_id,
                )
            yield row


def _feed(
    executor: ProcessPoolExecutor,
    rows: Iterator[HistoryRow],
    plan: AuditPlan,
    size: int,
    done: Callable[[BadRow | None], None],
) -> None:
    """Keep a bounded number of batches in flight, so a kill loses few and memory stays flat."""
    batches = iter(lambda: list(islice(rows, size)), [])
    pending: set[Future[BatchResult]] = set()
    while True:
        for batch in islice(batches, plan.workers * BATCHES_PER_WORKER - len(pending)):
            pending.add(executor.submit(_check_batch, plan.run_id, batch))
        if not pending:
            return
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            for row in future.result().rows():
                done(row)


# -- in each local worker process ------------------------------------------------
_worker: AuditWorker | None = None  # one per local worker process, built by its initializer


def _start_worker(settings: Settings, spec: ResultsSpec) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides when to stop
    global _worker
    _worker = AuditWorker.build(settings, spec)


def _check_batch(run: str, rows: list[HistoryRow]) -> BatchResult:
    assert _worker is not None, "the pool's initializer builds the worker"
    return _worker.check_batch(run, rows)
