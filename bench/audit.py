"""Replies per second of a bulk audit (`tactful audit`'s runner) with 1 and 2 worker
processes, on the bench corpus repeated to --rows replies (5,000 by default): local
processes, or (--dask) the workers of a Dask LocalCluster on loopback, started for each
worker count (one thread each), as `tactful audit --scheduler` uses a cluster.

Each run starts from an empty store (SQLite, in a temporary folder) and checks every
row: the same pipeline as `/v1/check`, the automatic scorecard, an imported send per row
(masked as the gate stores it) with its automatic review, written a batch per
transaction. Tactful's own caches
are off (TACTFUL_LANGUAGETOOL_CACHE_SIZE=0, TACTFUL_PRIVACY_CACHE_SIZE=0), since a real
history does not repeat itself as this corpus does; LanguageTool's sentence cache is as
the server at --languagetool-url has it (the bundled server.properties turns it on).
Local workers start inside the run: their start (loading spaCy and Presidio, ~10-20 s
each) is in its wall and CPU time. Dask workers are started before the clock (their
start's CPU time in its own column), as on a cluster that outlives one audit.

    .venv/bin/python bench/audit.py --languagetool-url http://127.0.0.1:8081
    .venv/bin/python bench/audit.py --rows 1000 --workers 2
    .venv/bin/python bench/audit.py --rows 1000 --dask
    .venv/bin/python bench/audit.py --export bench/real/replies.jsonl --dask --workers 1

Beside the rate: the CPU time per reply of the workers (the local pool's children, or
the Dask workers) and of the LanguageTool server (the process listening on its port),
which is what sizing a cluster needs (docs/scaling.md).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def write_export(path: Path, rows: int) -> None:
    replies = [json.loads(line) for line in (ROOT / "bench/corpus/replies.jsonl").open(encoding="utf-8")]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["text", "format", "channel", "sent_at", "agent_id", "ticket_id"])
        writer.writeheader()
        for number in range(rows):
            reply = replies[number % len(replies)]
            writer.writerow(
                {
                    "text": reply["text"],
                    "format": reply["format"],
                    "channel": reply["channel"],
                    "sent_at": f"2026-03-{1 + number % 28:02d}T10:00:00Z",
                    "agent_id": f"agent-{number % 12}",
                    "ticket_id": f"T{number}",
                }
            )


@contextlib.contextmanager
def scheduler(dask: bool, workers: int) -> Iterator[str | None]:
    """A Dask LocalCluster's address with `workers` worker processes, or None (local processes)."""
    if not dask:
        yield None
        return
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def worker_cpu(address: str | None) -> float:
    """CPU seconds used so far by the audit's workers: the Dask cluster's, or this
    process's children that have ended (the local pool's, once it shut down)."""
    if address is None:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        return sum(client.run(lambda: sum(psutil.Process().cpu_times()[:2])).values())


def start_workers(address: str | None, settings: object, spec: object) -> float:
    """Build each Dask worker's AuditWorker (spaCy, Presidio, store) before the clock
    starts; return the CPU seconds per worker that took. Local workers start inside the
    run: their start is in its wall and CPU time (nan here)."""
    if address is None:
        return float("nan")
    from distributed import Client

    from assistant.qa.cluster import start_worker

    before = worker_cpu(address)
    with Client(address, set_as_default=False) as client:
        workers = len(client.run(start_worker, settings, spec))
    return (worker_cpu(address) - before) / workers


def worker_rss_mb(address: str | None) -> float:
    """The largest resident memory of a Dask worker (nan for local workers, gone by now)."""
    if address is None:
        return float("nan")
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        return max(client.run(lambda: psutil.Process().memory_info().rss / 2**20).values())


def languagetool_cpu(url: str) -> float:
    """CPU seconds used so far by the LanguageTool server listening on `url`'s port (nan if not found)."""
    port = urllib.parse.urlsplit(url).port
    for connection in psutil.net_connections("tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port and connection.pid:
            return sum(psutil.Process(connection.pid).cpu_times()[:2])
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--dask", action="store_true", help="on a Dask LocalCluster's workers")
    parser.add_argument("--export", type=Path, help="audit this export instead of the corpus (--rows: not used)")
    args = parser.parse_args()
    os.environ |= {
        "TACTFUL_LANGUAGETOOL_URL": args.languagetool_url,
        "TACTFUL_LANGUAGETOOL_CACHE_SIZE": "0",
        "TACTFUL_PRIVACY_CACHE_SIZE": "0",
        "TACTFUL_STORE_SECRET": "bench",
    }
    from assistant import languagetool_server
    from assistant.qa.bulk import AuditPlan, run_audit
    from assistant.qa.results import StoreSpec
    from assistant.settings import Settings
    from assistant.store import Store

    if not languagetool_server.is_up(args.languagetool_url):
        print(f"No LanguageTool at {args.languagetool_url}: start one (tactful languagetool start).", file=sys.stderr)
        return 2
    lines = [
        "| Runner | Workers | Replies | Wall time | Replies/s | CPU ms per reply: workers / LanguageTool "
        "| Worker start, CPU s | Worker RSS after, MB | Load average (1 min) before / after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        if args.export:
            export = Path(folder) / args.export.name
            shutil.copy(args.export, export)
        else:
            export = Path(folder) / "history.csv"
            write_export(export, args.rows)
        for workers in args.workers:
            url = f"sqlite:///{Path(folder) / f'store-{workers}.db'}"
            os.environ["TACTFUL_STORE_URL"] = url
            store = Store(url)
            store.migrate()
            store.keys.create_organisation("bench")
            store.close()
            settings = Settings()
            spec = StoreSpec(url, "bench")
            with scheduler(args.dask, workers) as address:
                plan = AuditPlan(export, "bench", spec, workers, scheduler=address)
                start = start_workers(address, settings, spec)
                load_before = os.getloadavg()[0]
                cpu_before = worker_cpu(address), languagetool_cpu(args.languagetool_url)
                began = time.perf_counter()  # after the cluster and its workers start
                outcome = run_audit(plan, settings, progress=True)
                took = time.perf_counter() - began
                cpu = worker_cpu(address) - cpu_before[0], languagetool_cpu(args.languagetool_url) - cpu_before[1]
                rss = worker_rss_mb(address)
            if outcome.checked + len(outcome.bad) != outcome.rows or not outcome.checked:
                print(f"only {outcome.checked} of {outcome.rows} rows were checked", file=sys.stderr)
                return 1
            replies = outcome.checked
            runner = "dask" if args.dask else "local"
            lines.append(
                f"| {runner} | {workers} | {replies} | {took:.0f} s | {replies / took:.1f} | "
                f"{1000 * cpu[0] / replies:.1f} / {1000 * cpu[1] / replies:.1f} | {start:.1f} | {rss:.0f} | "
                f"{load_before:.1f} / {os.getloadavg()[0]:.1f} |"
            )
    print("\n".join(lines))
    print(f"\n{os.cpu_count()} cores; `{' '.join(sys.argv)}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
