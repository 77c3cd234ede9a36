"""Soak: a real `tactful serve` under steady, gentle load for an hour (issue 18, part 7).

Starts two LanguageTool servers on loopback, each under its own supervisor
(`tactful languagetool supervise`) in one run folder, with a low age limit
(--lt-max-age, default 900 s) so that the supervisors restart them by their upkeep
policy during the run, one at a time; and `tactful serve --workers 1` with the two as
its pool. Then --agents agents (bench/locust_mix.py: cold check, re-checks, send) send
--rate requests a second in all, for --duration seconds (default 3600) or
--max-requests requests, whichever comes first, each over a new loopback connection.

Every --sample-every seconds it records the service's RSS, open file descriptors and
threads, each LanguageTool server's Java pid, RSS and restarts (from its supervisor's
state file), and the requests answered and failed, in <run folder>/soak.jsonl.
At the end it prints a markdown table (also in <run folder>/soak.md) and exits 1 if
the service's RSS grew 5 % or more after --warmup seconds, its open file descriptors
grew, a request failed (an HTTP error, no answer, or grammar not `ok`), or LanguageTool
was never restarted when --lt-max-age was shorter than the run.

    .venv/bin/python bench/soak.py                                  # the hour, 3 requests/s
    .venv/bin/python bench/soak.py --duration 300 --warmup 60 --lt-max-age 120   # a short look

Ports (loopback only): --port (the service, default 8252) and --lt-ports (8250,8251).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from locust_mix import Step, grammar_failure, load_corpus, steps
from locust_procs import PROJECT, Served, Supervised, languagetools, log, open_fds, rss_mb, service

RSS_GROWTH_LIMIT = 0.05


@dataclass
class Tally:
    """What the agents got: latencies by kind, failures by reason (thread-safe)."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    answered: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, failure: str | None) -> None:
        with self._lock:
            self.answered += 1
            self.ms.setdefault(kind, []).append(ms)
            if failure:
                self.failures[f"{kind}: {failure}"] += 1


def send(base_port: int, key: str, step: Step) -> str | None:
    """One request over a new connection; None when it succeeded, else why not."""
    connection = http.client.HTTPConnection("127.0.0.1", base_port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    try:
        connection.request("POST", step.path, json.dumps(step.body), headers)
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__
    finally:
        connection.close()
    if response.status not in (200, 201):
        return f"HTTP {response.status}"
    return grammar_failure(step.kind, json.loads(data))


class Agents:
    """`count` threads, each sending its conversations' requests at an even pace, so
    that all together send `rate` a second; they stop at `deadline` or `limit` requests."""

    def __init__(self, served: Served, count: int, rate: float, deadline: float, limit: int) -> None:
        self.served, self.interval, self.deadline, self.limit = served, count / rate, deadline, limit
        self.tally = Tally()
        self._sent = 0
        self._lock = threading.Lock()
        items = load_corpus()
        self._threads = [
            threading.Thread(target=self._agent, args=(steps(items, seed),), name=f"agent-{seed}", daemon=True)
            for seed in range(count)
        ]

    def start(self) -> None:
        for number, thread in enumerate(self._threads):
            thread.start()
            time.sleep(self.interval / len(self._threads) * (number < len(self._threads) - 1))

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=60)

    def _take(self) -> bool:
        with self._lock:
            self._sent += 1
            return self._sent <= self.limit

    def _agent(self, requests: object) -> None:
        next_at = time.monotonic()
        for step in requests:  # type: ignore[attr-defined]
            if time.monotonic() >= self.deadline or not self._take():
                return
            began = time.perf_counter()
            failure = send(self.served.port, self.served.key, step)
            self.tally.add(step.kind, (time.perf_counter() - began) * 1000, failure)
            next_at += self.interval
            time.sleep(max(0.0, next_at - time.monotonic()))


def sample(began: float, served: Served, servers: list[Supervised], tally: Tally) -> dict:
    pid = served.process.pid
    threads = next(
        int(line.split()[1])
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("Threads:")
    )
    row: dict = {
        "t": round(time.monotonic() - began, 1),
        "at": time.strftime("%H:%M:%S"),
        "rss_mb": round(rss_mb(pid), 1),
        "fds": open_fds(pid),
        "threads": threads,
        "answered": tally.answered,
        "failed": sum(tally.failures.values()),
        "load": os.getloadavg()[0],
    }
    for server in servers:
        state = server.state()
        java = state.get("java_pid")
        try:
            lt_rss = round(rss_mb(java), 1) if java else None
        except OSError:  # restarting just now
            lt_rss = None
        row[f"lt{server.port}"] = {"state": state.get("state"), "restarts": state.get("restarts", 0), "rss_mb": lt_rss}
    return row


def restart_lines(run_dir: Path) -> list[str]:
    """The supervisors' own lines about restarts, from their logs (rotated ones too)."""
    lines = []
    for path in sorted(run_dir.glob("languagetool-*.log*")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("[supervisor") and "restart" in line:
                lines.append(line)
    return sorted(lines)


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1] if len(values) > 1 else values[0]


def report(samples: list[dict], tally: Tally, args: argparse.Namespace, restarts: list[str]) -> tuple[str, bool]:
    """The markdown table, and whether every criterion held."""
    warm = next((s for s in samples if s["t"] >= args.warmup), samples[-1])
    end = samples[-1]
    after = [s for s in samples if s["t"] >= warm["t"]]
    growth = (end["rss_mb"] - warm["rss_mb"]) / warm["rss_mb"]
    fds_max = max(s["fds"] for s in after)
    lt_keys = [k for k in end if k.startswith("lt")]
    lt_restarts = sum(end[k]["restarts"] for k in lt_keys)
    expect_restarts = 0 < args.lt_max_age < args.duration
    failed = sum(tally.failures.values())
    ok = {
        "rss": growth < RSS_GROWTH_LIMIT,
        "fds": end["fds"] <= warm["fds"] + args.fd_slack,
        "failures": failed == 0,
        "restarts": lt_restarts > 0 or not expect_restarts,
    }
    rows = [
        ("Duration, requests answered", f"{end['t']:.0f} s, {tally.answered} ({tally.answered / end['t']:.2f}/s)"),
        (
            "Service RSS at warm-up (t = {:.0f} s) → end".format(warm["t"]),
            f"{warm['rss_mb']:.1f} → {end['rss_mb']:.1f} MB",
        ),
        ("Service RSS growth after warm-up (limit < 5 %)", f"{growth * 100:+.2f} %"),
        (
            "Service RSS min / max after warm-up",
            f"{min(s['rss_mb'] for s in after):.1f} / {max(s['rss_mb'] for s in after):.1f} MB",
        ),
        ("Open fds at warm-up → end (max after warm-up)", f"{warm['fds']} → {end['fds']} ({fds_max})"),
        ("Threads at warm-up → end", f"{warm['threads']} → {end['threads']}"),
    ]
    for key in lt_keys:
        values = [s[key]["rss_mb"] for s in samples if s[key]["rss_mb"]]
        rows.append(
            (
                f"LanguageTool :{key[2:]} RSS min / max, restarts",
                f"{min(values):.0f} / {max(values):.0f} MB, {end[key]['restarts']}",
            )
        )
    rows.append(("Failed requests (HTTP error, no answer, grammar not ok)", f"{failed} {dict(tally.failures) or ''}"))
    for kind, values in sorted(tally.ms.items()):
        rows.append(
            (
                f"{kind}: n, p50, p95 (client side)",
                f"{len(values)}, {percentile(values, 50):.1f} ms, {percentile(values, 95):.1f} ms",
            )
        )
    loads = [s["load"] for s in samples]
    rows.append(
        (
            "Load average (1 min) min / median / max",
            f"{min(loads):.2f} / {statistics.median(loads):.2f} / {max(loads):.2f}",
        )
    )
    table = ["| Measurement | Value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]
    table += ["", "Criteria: " + ", ".join(f"{name} {'ok' if held else 'FAILED'}" for name, held in ok.items())]
    if restarts:
        table += ["", "Supervisor restarts:", *(f"    {line}" for line in restarts)]
    return "\n".join(table), all(ok.values())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3600, help="seconds of load (default 3600)")
    parser.add_argument("--warmup", type=float, default=300, help="RSS growth counts from here (default 300 s)")
    parser.add_argument("--rate", type=float, default=3.0, help="requests a second, all agents (default 3)")
    parser.add_argument("--agents", type=int, default=3, help="agents sending at once (default 3)")
    parser.add_argument("--max-requests", type=int, help="stop after this many (default: rate x duration x 1.1)")
    parser.add_argument("--lt-max-age", type=float, default=900, help="LanguageTool restarted this old (s; 0: never)")
    parser.add_argument("--lt-heap", default="1g")
    parser.add_argument("--sample-every", type=float, default=30)
    parser.add_argument(
        "--fd-slack", type=int, default=4, help="open fds at the end may exceed the warm-up count by this (in flight)"
    )
    parser.add_argument("--port", type=int, default=8252, help="the service's loopback port")
    parser.add_argument("--lt-ports", default="8250,8251", help="LanguageTool's loopback ports, comma-separated")
    parser.add_argument("--run-dir", type=Path, help="default: var/soak-<time>")
    args = parser.parse_args(argv)
    if args.max_requests is None:
        args.max_requests = int(args.rate * args.duration * 1.1) + 10
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run_dir = args.run_dir or PROJECT / "var" / f"soak-{time.strftime('%Y%m%d-%H%M%S')}"
    run_dir.mkdir(parents=True, exist_ok=True)
    ports = [int(port) for port in args.lt_ports.split(",")]
    samples: list[dict] = []
    with (
        languagetools(ports, run_dir, args.lt_heap, args.lt_max_age) as servers,
        service(args.port, [s.url for s in servers], run_dir) as served,
        open(run_dir / "soak.jsonl", "a", encoding="utf-8") as out,
    ):
        began = time.monotonic()
        deadline = began + args.duration
        agents = Agents(served, args.agents, args.rate, deadline, args.max_requests)
        log(f"soak: {args.rate}/s from {args.agents} agents for {args.duration:.0f} s; samples in {out.name}")
        agents.start()
        while True:
            row = sample(began, served, servers, agents.tally)
            samples.append(row)
            out.write(json.dumps(row) + "\n")
            out.flush()
            if time.monotonic() >= deadline or not any(t.is_alive() for t in agents._threads):
                break
            time.sleep(min(args.sample_every, max(0.0, deadline - time.monotonic()) + 0.5))
        agents.join()
        samples.append(sample(began, served, servers, agents.tally))
        text, passed = report(samples, agents.tally, args, restart_lines(run_dir))
    (run_dir / "soak.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
