"""The service's own cost per check (issue 18, part 5): the CPU time `tactful serve`
spends per `POST /v1/check`, from /proc/<pid>/stat before and after N checks sent one
at a time over loopback, and the client-side and server-side (`took_ms`) medians.

On a shared, noisy machine, CPU time per check is steadier than wall time. Two rows:

- cached: a text whose paragraphs the service has all seen: no request to
  LanguageTool; what is left is the HTTP path, validation, the pipeline's checks and
  the serialisation;
- cold: every paragraph new (bench/locust_mix.py's new_draft): one LanguageTool
  request per check on top, and LanguageTool's CPU for it.

    .venv/bin/python bench/cost.py --languagetool-url http://127.0.0.1:8247 --checks 300

Loopback only: the service on --port (default 8244), LanguageTool at --languagetool-url
(a running server; its pid is found by its port for its CPU).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

from locust_mix import load_corpus, new_draft
from locust_procs import PROJECT, cpu_seconds, log, service


def post(port: int, key: str, body: dict) -> tuple[float, float]:
    """One check over a new connection: (client ms, server took_ms)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    began = time.perf_counter()
    try:
        connection.request("POST", "/v1/check", json.dumps(body), headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    ms = (time.perf_counter() - began) * 1000
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {data[:300]!r}")
    report = json.loads(data)
    if report["checks"]["grammar"]["status"] != "ok":
        raise RuntimeError(f"grammar {report['checks']['grammar']}")
    return ms, report["took_ms"]


def listener_pid(port: int) -> int | None:
    """The pid of the process listening on `port` (from /proc/net/tcp and tcp6)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):  # Java listens on IPv6 sockets
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":  # LISTEN
                inode = fields[9]
    if inode is None:
        return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
        except OSError:
            continue
    return None


def phase(served, bodies: list[dict], lt_pid: int | None) -> dict:
    pid = served.process.pid
    lt_before = cpu_seconds(lt_pid) if lt_pid else 0.0
    before = cpu_seconds(pid)
    timings = [post(served.port, served.key, body) for body in bodies]
    spent = cpu_seconds(pid) - before
    lt_spent = (cpu_seconds(lt_pid) - lt_before) if lt_pid else float("nan")
    return {
        "n": len(bodies),
        "cpu_ms": spent / len(bodies) * 1000,
        "lt_cpu_ms": lt_spent / len(bodies) * 1000,
        "p50": statistics.median(t[0] for t in timings),
        "took_p50": statistics.median(t[1] for t in timings),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8247")
    parser.add_argument("--checks", type=int, default=256, help="checks per row (default 256)")
    parser.add_argument("--port", type=int, default=8244)
    args = parser.parse_args(argv)
    parts = urllib.parse.urlsplit(args.languagetool_url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("--languagetool-url must be a loopback address")
    lt_pid = listener_pid(parts.port or 8081)
    items = load_corpus()
    fields = [{"channel": i["channel"], "audience": i["audience"], "format": i["format"]} for i in items]
    run_dir = PROJECT / "var" / f"cost-{time.strftime('%Y%m%d-%H%M%S')}"
    with service(args.port, [args.languagetool_url], run_dir) as served:
        log("warm-up: the corpus twice, new and cached")
        for _ in range(2):
            for item, extra in zip(items, fields, strict=True):
                post(served.port, served.key, {"text": new_draft(item), **extra})
                post(served.port, served.key, {"text": item["text"], **extra})
        cached = [{"text": items[n % len(items)]["text"], **fields[n % len(items)]} for n in range(args.checks)]
        cold = [{"text": new_draft(items[n % len(items)]), **fields[n % len(items)]} for n in range(args.checks)]
        load = os.getloadavg()[0]
        rows = {"cached": phase(served, cached, lt_pid), "cold": phase(served, cold, lt_pid)}
        load = (load + os.getloadavg()[0]) / 2
    print("| Row | n | service CPU/check | LanguageTool CPU/check | client p50 | server took_ms p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in rows.items():
        print(
            f"| {name} | {row['n']} | {row['cpu_ms']:.2f} ms | {row['lt_cpu_ms']:.2f} ms | "
            f"{row['p50']:.2f} ms | {row['took_p50']:.2f} ms |"
        )
    print(f"\nload average (1 min, mean of start and end): {load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
