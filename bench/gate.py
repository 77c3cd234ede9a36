"""The pre-send gate against `/v1/check`, over loopback HTTP to a real `tactful serve`.

In one run it prints a markdown table on stdout (progress on stderr):

1. Latency, SQLite: for every text of bench/corpus, an untimed `POST /v1/check` (so both
   timed calls find the same warm caches), then a timed `POST /v1/check` and a timed
   `POST /v1/sends` (a new Idempotency-Key each) of the same text, `--repeat` passes;
   p50/p95 of each and of the difference per text (what recording adds).
2. Sends per second sustained by `--clients` concurrent clients for `--seconds`, on
   SQLite and on a real PostgreSQL (Debian's server, started in a temporary directory as
   the tests start it).
3. Bytes stored per 1,000 sends: the SQLite file's growth over the throughput run, with
   the default guide (text masked) and with a guide that stores the full text.

    .venv/bin/python bench/gate.py [--repeat 3] [--clients 8] [--seconds 20]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "tests")]
import run as bench  # noqa: E402  (bench/run.py: corpus, service, LanguageTool helpers)
from pgserver import PostgresServer  # noqa: E402

FULL_GUIDE = "extends: default\ngate:\n  store_text: full\n"


def send_body(item: dict, guide: str | None = None) -> dict:
    body = bench.request_body(item)
    return body | {"guide": guide} if guide else body


def timed(base: str, path: str, body: dict, headers: dict | None = None) -> float:
    began = time.perf_counter()
    response = requests.post(f"{base}{path}", json=body, headers={**bench.AUTH, **(headers or {})}, timeout=60)
    elapsed = (time.perf_counter() - began) * 1000
    response.raise_for_status()
    return elapsed


def latency(base: str, items: list[dict], repeat: int) -> tuple[list[float], list[float]]:
    checks, sends = [], []
    for round_no in range(repeat):
        bench.log(f"latency: pass {round_no + 1}/{repeat}")
        for i, item in enumerate(items):
            timed(base, "/v1/check", bench.request_body(item))  # warms the caches for both timed calls
            checks.append(timed(base, "/v1/check", bench.request_body(item)))
            sends.append(timed(base, "/v1/sends", send_body(item), {"Idempotency-Key": f"lat-{round_no}-{i}"}))
    return checks, sends


def throughput(base: str, items: list[dict], clients: int, seconds: float, tag: str, guide: str | None = None):
    """(sends recorded per second, how many, refused with 503)."""
    counts, refused, lock = [0], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        with requests.Session() as session:
            i = 0
            while time.monotonic() < deadline:
                item = items[(number * 7 + i) % len(items)]
                key = {"Idempotency-Key": f"{tag}-{number}-{i}", **bench.AUTH}
                answer = session.post(f"{base}/v1/sends", json=send_body(item, guide), headers=key, timeout=60)
                with lock:
                    if answer.status_code == 503:
                        refused[0] += 1
                    else:
                        answer.raise_for_status()
                        counts[0] += 1
                i += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts[0] / (time.perf_counter() - began), counts[0], refused[0]


def store_bytes(folder: Path) -> int:
    """The database file's size once its write-ahead log is folded in (the WAL itself
    holds whole pages per commit and is truncated at checkpoints)."""
    with sqlite3.connect(folder / "tactful.db") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (folder / "tactful.db").stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    bench.RUN_DIR.mkdir(parents=True, exist_ok=True)
    started = bench.ensure_languagetool(args.languagetool_url)
    items = bench.load_corpus(bench.CORPUS)
    guides = Path(tempfile.mkdtemp(prefix="tactful-bench-guides-"))
    (guides / "bench-full").mkdir()
    (guides / "bench-full" / "guide.yaml").write_text(FULL_GUIDE, encoding="utf-8")
    extra = {"TACTFUL_EXTRA_GUIDES": f'["{guides / "bench-full"}"]', "TACTFUL_CHECKS_QUEUED": "16"}
    rows: list[tuple[str, str]] = []
    try:
        with bench.serving(args.languagetool_url, **extra) as base:
            checks, sends = latency(base, items, args.repeat)
            added = [s - c for c, s in zip(checks, sends, strict=True)]
            rows += [
                (
                    "`/v1/check` p50 / p95",
                    f"{bench.percentile(checks, 50):.1f} / {bench.percentile(checks, 95):.1f} ms",
                ),
                (
                    "`/v1/sends` p50 / p95 (SQLite)",
                    f"{bench.percentile(sends, 50):.1f} / {bench.percentile(sends, 95):.1f} ms",
                ),
                ("sends minus check, per text: median", f"{statistics.median(added):.1f} ms"),
                ("p50 difference", f"{bench.percentile(sends, 50) - bench.percentile(checks, 50):.1f} ms"),
            ]
            folder = Path(bench.RUN_DIR / f"store-{base.rsplit(':', 1)[1]}")
            for guide, label in ((None, "masked"), ("bench-full", "full")):
                before = store_bytes(folder)
                rate, done, refused = throughput(base, items, args.clients, args.seconds, f"tp-{label}", guide)
                grown = store_bytes(folder) - before
                rows.append(
                    (
                        f"sends/s, {args.clients} clients, SQLite, text {label}",
                        f"{rate:.1f} ({done} sends, {refused} × 503)",
                    )
                )
                rows.append(
                    (f"bytes stored per 1,000 sends, text {label}", f"{grown / max(done, 1) * 1000 / 1e6:.2f} MB")
                )
        server = PostgresServer().start()
        try:
            url = server.create_database("bench")
            with bench.serving(args.languagetool_url, TACTFUL_STORE_URL=url, **extra) as base:
                rate, done, refused = throughput(base, items, args.clients, args.seconds, "tp-pg")
                rows.append(
                    (
                        f"sends/s, {args.clients} clients, PostgreSQL, text masked",
                        f"{rate:.1f} ({done} sends, {refused} × 503)",
                    )
                )
        finally:
            server.remove()
    finally:
        if started:
            from assistant import languagetool_server

            languagetool_server.stop(started, bench.RUN_DIR)
    print(f"| measurement ({len(items)} texts) | value |\n|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
