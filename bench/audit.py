"""Replies per second of a bulk audit (`tactful audit`'s runner) with 1 and 2 worker
processes, on the bench corpus repeated to --rows replies (5,000 by default): local
processes, or (--dask) the workers of a Dask LocalCluster on loopback, started for each
worker count (one thread each), as `tactful audit --scheduler` uses a cluster.

Each run starts from an empty store (SQLite, in a temporary folder) and checks every
row: the same pipeline as `/v1/check`, the automatic scorecard, one committed imported
send per row (masked as the gate stores it). Tactful's own caches
are off (TACTFUL_LANGUAGETOOL_CACHE_SIZE=0, TACTFUL_PRIVACY_CACHE_SIZE=0), since a real
history does not repeat itself as this corpus does; LanguageTool's sentence cache is as
the server at --languagetool-url has it (the bundled server.properties turns it on).
Wall time includes starting the workers (loading spaCy and Presidio, ~10-20 s each).

    .venv/bin/python bench/audit.py --languagetool-url http://127.0.0.1:8081
    .venv/bin/python bench/audit.py --rows 1000 --workers 2
    .venv/bin/python bench/audit.py --rows 1000 --dask
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--dask", action="store_true", help="on a Dask LocalCluster's workers")
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
        "| Runner | Workers | Replies | Wall time | Replies/s | Load average (1 min) before / after |",
        "|---|---|---:|---:|---:|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
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
                load_before = os.getloadavg()[0]
                began = time.perf_counter()  # after the cluster starts; its workers load spaCy on their first task
                outcome = run_audit(plan, settings, progress=True)
                took = time.perf_counter() - began
            if outcome.checked != args.rows:
                print(f"only {outcome.checked} of {args.rows} rows were checked", file=sys.stderr)
                return 1
            runner = "dask" if args.dask else "local"
            lines.append(
                f"| {runner} | {workers} | {args.rows} | {took:.0f} s | {args.rows / took:.1f} | "
                f"{load_before:.1f} / {os.getloadavg()[0]:.1f} |"
            )
    print("\n".join(lines))
    print(f"\n{os.cpu_count()} cores; `{' '.join(sys.argv)}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
