"""A bulk audit on a Dask distributed cluster (`tactful audit --scheduler tcp://...`): the
rows go out in partitions, each a task that checks its rows with the same `AuditWorker`
as a local worker process (built once per Dask worker process) and records them as one
batch, in one transaction.

A partition whose task raises is retried (`RETRIES`); one whose worker dies is run again
by the scheduler on another worker (its `allowed-failures`, 3 by default). A partition
is recorded whole or not at all, and a row recorded by an earlier attempt is skipped
(the row's idempotency key), so a partition run twice leaves each row once. A partition
the cluster gives up on is counted as failed and checked by the next run, which, as
locally, skips every row already recorded.

The workers need this package, the guides and templates at the paths the settings name,
and reach the store (PostgreSQL: a SQLite file only works when every worker shares its
disk) and LanguageTool themselves; run them with `--nthreads 1` (one pipeline per core:
the checks hold the interpreter lock)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from .audit_worker import AuditPlan, AuditWorker, BatchResult, batch_size
from .history import BadRow, HistoryRow
from .results import ResultsSpec

if TYPE_CHECKING:
    from distributed import Future

    from ..settings import Settings

PARTITIONS_PER_WORKER = 2  # in flight: one running, one waiting, so a worker never idles
RETRIES = 2  # for a partition whose task raised (e.g. the store briefly unreachable)
WORKERS_TIMEOUT_S = 60  # to wait for a first worker before giving up


def audit_on_cluster(
    plan: AuditPlan, settings: Settings, rows: Iterator[HistoryRow], todo: int, done: Callable[[BadRow | None], None]
) -> int:
    """Check `rows` on the cluster at `plan.scheduler`, calling `done` for each finished
    row; return how many rows are left unchecked because their partition failed."""
    from distributed import Client, as_completed

    assert plan.scheduler
    with Client(plan.scheduler, set_as_default=False) as client:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        workers = len(client.scheduler_info(n_workers=-1)["workers"])
        size = batch_size(todo, workers)
        partitions = iter(lambda: list(islice(rows, size)), [])
        sizes: dict[Future, int] = {}
        running = as_completed(loop=client.loop)

        def submit() -> None:
            for partition in islice(partitions, 1):
                future = client.submit(
                    check_partition, settings, plan.results, plan.run_id, partition, retries=RETRIES, pure=False
                )
                sizes[future] = len(partition)
                running.add(future)

        for _ in range(workers * PARTITIONS_PER_WORKER):
            submit()
        failed = 0
        try:
            for future in running:
                failed += _collect(future, sizes.pop(future), done)
                submit()
        except BaseException:  # Ctrl-C: what runs now finishes and is recorded; the rest waits for the next run
            client.cancel(list(sizes))
            raise
    return failed


def _collect(future: Future, rows: int, done: Callable[[BadRow | None], None]) -> int:
    """Report a finished partition's rows; return how many failed (all of them, or none)."""
    try:
        result: BatchResult = future.result()
    except Exception:  # KilledWorker, or the task's error after its retries: the next run checks them
        return rows
    for row in result.rows():
        done(row)
    return 0


# -- on each Dask worker -------------------------------------------------------------
_lock = threading.Lock()  # a worker may run tasks on several threads
_built: tuple[tuple[Settings, ResultsSpec], AuditWorker] | None = None


def check_partition(settings: Settings, spec: ResultsSpec, run: str, rows: list[HistoryRow]) -> BatchResult:
    return _worker_for(settings, spec).check_batch(run, rows)


def start_worker(settings: Settings, spec: ResultsSpec) -> None:
    """Build this process's AuditWorker now: `client.run(start_worker, settings, spec)`
    starts every worker of a cluster ahead of a run."""
    _worker_for(settings, spec)


def _worker_for(settings: Settings, spec: ResultsSpec) -> AuditWorker:
    """This process's AuditWorker, built by the first task (spaCy, Presidio, LanguageTool
    client, store: ~10-20 s) and kept for every later one with the same settings."""
    global _built
    with _lock:
        if _built is None or _built[0] != (settings, spec):
            if _built is not None:
                _built[1].close()
            _built = ((settings, spec), AuditWorker.build(settings, spec))
        return _built[1]
