"""What writing a bulk audit's rows to the store costs, apart from checking them.

The corpus's 64 replies are checked once (the real pipeline and LanguageTool), and their
imported sends and automatic reviews built as an audit worker builds them (masked, with
findings and subject hashes: ~7 KB a row). Then --rows rows (the 64 repeated, each with
its own idempotency key) are written into the store, from one process:

- `per row`: as before batches, the send and then its review, two commits per row
  (`store.sends.record`, `store.reviews.save_auto`);
- `batch N`: `store.imports.record_many`, N rows per transaction.

Each mode writes its own keys into the same store, in turn, --repeat times. Printed: rows
written per second (wall) and the writer's own CPU per row. SQLite in a temporary folder
(WAL, synchronous=FULL, as the store runs it) and each --store-url (e.g. PostgreSQL).

    .venv/bin/python bench/audit_writes.py --languagetool-url http://127.0.0.1:8081 \\
        --store-url postgresql+psycopg://tactful@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.model import Channel, Context  # noqa: E402
from assistant.qa.audit_worker import AuditWorker  # noqa: E402
from assistant.qa.history import HistoryRow  # noqa: E402
from assistant.qa.results import CheckedRow, StoreResults, StoreSpec  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import NewImport, Store  # noqa: E402

BATCHES = (1, 8, 32, 128)


def checked_corpus(settings: Settings) -> list[NewImport]:
    """The corpus's replies checked, scored and built into imported rows, as a worker does."""
    replies = [json.loads(line) for line in (ROOT / "bench/corpus/replies.jsonl").open(encoding="utf-8")]
    worker = AuditWorker.build(settings, StoreSpec(settings.store_url, "bench"))
    assert isinstance(worker.results, StoreResults)
    rows = []
    for line, reply in enumerate(replies, 2):
        row = HistoryRow(line, reply["text"], reply["format"], Context(channel=Channel(reply["channel"])), None, None)
        checked = worker.check(row)
        assert isinstance(checked, CheckedRow), checked
        rows.append(worker.results._new_import("template", checked))
    worker.close()
    return rows


def keyed(rows: list[NewImport], mode: str, count: int) -> list[NewImport]:
    """`count` rows from the templates, each with its own key, as the rows of one run."""
    return [
        dataclasses.replace(
            rows[n % len(rows)], send=dataclasses.replace(rows[n % len(rows)].send, idempotency_key=f"audit:{mode}:{n}")
        )
        for n in range(count)
    ]


def per_row(store: Store, rows: list[NewImport]) -> None:
    for row in rows:
        record, _ = store.sends.record(row.send)
        store.reviews.save_auto("bench", record.id, row.scorecard, row.scores, row.total)


def in_batches(size: int) -> Callable[[Store, list[NewImport]], None]:
    def write(store: Store, rows: list[NewImport]) -> None:
        for start in range(0, len(rows), size):
            store.imports.record_many("bench", rows[start : start + size])

    return write


def timed(store: Store, write: Callable[[Store, list[NewImport]], None], rows: list[NewImport]) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) to write `rows`."""
    wall, cpu = time.perf_counter(), time.process_time()
    write(store, rows)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(url: str, templates: list[NewImport], rows: int, repeat: int) -> list[str]:
    store = Store(url)
    store.migrate()
    if store.keys.organisation("bench") is None:
        store.keys.create_organisation("bench")
    modes: dict[str, Callable[[Store, list[NewImport]], None]] = {"per row": per_row}
    modes |= {f"batch {size}": in_batches(size) for size in BATCHES}
    lines = []
    for attempt in range(repeat):
        for name, write in modes.items():
            load = os.getloadavg()[0]
            wall, cpu = timed(store, write, keyed(templates, f"{name}-{attempt}", rows))
            lines.append(
                f"| {store.db.engine.dialect.name} | {name} | {rows} | {rows / wall:.0f} | "
                f"{1000 * wall / rows:.2f} | {1000 * cpu / rows:.2f} | {load:.1f} |"
            )
    store.close()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--store-url", action="append", default=[], help="another store to write into (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{Path(folder) / 'store.db'}"
        settings = Settings(
            languagetool_url=args.languagetool_url, store_url=sqlite, store_secret="bench", languagetool_warmup=False
        )
        templates = checked_corpus(settings)
        lines = [
            "| Store | Writes | Rows | Rows/s | Wall ms per row | Writer CPU ms per row | Load average (1 min) |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        for url in [sqlite, *args.store_url]:
            lines += measure(url, templates, args.rows, args.repeat)
    print("\n".join(lines))
    print(f"\n{os.cpu_count()} cores; `{' '.join(sys.argv)}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
