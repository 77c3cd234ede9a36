"""A bulk audit on a Dask distributed cluster (`tactful audit --scheduler tcp://...`): the
rows go out in partitions, each a task that checks and records its rows with the same
`AuditWorker` as a local worker process, built once per Dask worker process.

A partition whose task raises is retried (`RETRIES`); one whose worker dies is run again
by the scheduler on another worker (its `allowed-failures`, 3 by default). Rows of a
partition run twice are recorded once (the row's idempotency key). A partition the
cluster gives up on is counted as failed and checked by the next run, which, as locally,
skips every row already recorded.

The workers need this package, the guides and templates at the paths the settings name,
and reach the store (PostgreSQL: a SQLite file only works when every worker shares its
disk) and LanguageTool themselves; run them with `--nthreads 1` (one pipeline per core:
the checks hold the interpreter lock)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from .audit_worker import AuditPlan, AuditWorker
from .history import BadRow, HistoryRow
from .results import ResultsSpec

if TYPE_CHECKING:
    from distributed import Future

    from ..settings import Settings

PARTITION_ROWS = 32  # at most; a worker's killed partition is re-checked, so keep it small
PARTITIONS_PER_WORKER = 2  # in flight: one running, one waiting, so a worker never idles
RETRIES = 2  # for a partition whose task raised (e.g. the store briefly unreachable)
WORKERS_TIMEOUT_S = 60  # to wait for a first worker before giving up


@dataclass
class PartitionResult:
    bad: list[BadRow] = field(default_factory=list)
    checked: int = 0


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
        size = partition_size(todo, workers)
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


def partition_size(todo: int, workers: int) -> int:
    """Small enough that every worker gets several partitions (even progress, little
    re-done after a kill), at most PARTITION_ROWS."""
    return max(1, min(PARTITION_ROWS, todo // (workers * 4)))


def _collect(future: Future, rows: int, done: Callable[[BadRow | None], None]) -> int:
    """Report a finished partition's rows; return how many failed (all of them, or none)."""
    try:
        result: PartitionResult = future.result()
    except Exception:  # KilledWorker, or the task's error after its retries: the next run checks them
        return rows
    for bad in result.bad:
        done(bad)
    for _ in range(result.checked):
        done(None)
    return 0


# -- on each Dask worker -------------------------------------------------------------
_lock = threading.Lock()  # a worker may run tasks on several threads
_built: tuple[tuple[Settings, ResultsSpec], AuditWorker] | None = None


def check_partition(settings: Settings, spec: ResultsSpec, run: str, rows: list[HistoryRow]) -> PartitionResult:
    worker = _worker_for(settings, spec)
    result = PartitionResult()
    for row in rows:
        bad = worker.check(run, row)
        if bad is None:
            result.checked += 1
        else:
            result.bad.append(bad)
    return result


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
