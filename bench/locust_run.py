"""Runs the load test (bench/locustfile.py) headless against a real `tactful serve`
with --workers 1, then 2, and prints one markdown table: requests/s, p50/p95 by kind,
failures, and the CPU time the service and LanguageTool spent per request (from
/proc/<pid>/stat of each process before and after the run).

Starts its own LanguageTool server (the bundled one, configured as in production,
sentence cache on) on --lt-port and each service on --port, both loopback; bounded in
time (--seconds per run, plus start-up):

    .venv/bin/python bench/locust_run.py                      # 2 x 60 s, 4 agents
    .venv/bin/python bench/locust_run.py --workers 1 --seconds 30 --users 2
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from locust_mix import load_corpus, steps
from locust_procs import PROJECT, Served, cpu_seconds, log, service
from soak import send

LOCUST = PROJECT / ".venv" / "bin" / "locust"
KINDS = ("cold", "recheck", "send", "Aggregated")


@dataclass
class Run:
    workers: int
    stats: dict[str, dict[str, str]]  # locust's _stats.csv rows by name
    seconds: float
    service_cpu: float | None  # None: a worker was replaced during the run
    languagetool_cpu: float
    load: tuple[float, float]  # 1-minute load average before and after

    @property
    def requests(self) -> int:
        return int(self.stats["Aggregated"]["Request Count"])

    @property
    def failures(self) -> int:
        return int(self.stats["Aggregated"]["Failure Count"])


def service_pids(served: Served) -> list[int]:
    """Every process of the service: uvicorn's supervisor and its workers, or the one."""
    return sorted({served.process.pid, *served.pids()})


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            found[pid] = cpu_seconds(pid)
        except OSError:  # ended (uvicorn replaces a worker that misses its health ping)
            log(f"process {pid} of the service has ended; its CPU is not counted")
    return found


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float | None:
    """CPU seconds the processes spent between the two readings; None if one ended."""
    if before.keys() != after.keys():
        return None
    return sum(after[pid] - before[pid] for pid in before)


def warm_up(served: Served, count: int) -> None:
    """A few conversations first: the first checks of a process load its models."""
    agent = steps(load_corpus(), seed=0)
    failures = [f for f in (send(served.port, served.key, next(agent)) for _ in range(count)) if f]
    if failures:
        log(f"warm-up: {len(failures)} of {count} failed, first: {failures[0]}")


def warm_languagetool(url: str) -> None:
    """The whole corpus once: a server just started is compiling its code (Java JIT)
    through its first pass, and runs ~3x slower (bench/README.md)."""
    log("warming LanguageTool up with the corpus")
    for item in load_corpus():
        requests.post(
            f"{url}/v2/check", data={"language": "en-GB", "text": item["text"]}, timeout=60
        ).raise_for_status()


def locust(served: Served, args: argparse.Namespace, prefix: Path) -> None:
    command = [
        str(LOCUST),
        "-f",
        str(PROJECT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        f"{args.seconds:.0f}s",
        "--stop-timeout",
        "30",
        "--host",
        served.base,
        "--csv",
        str(prefix),
    ]
    env = {**os.environ, "TACTFUL_LOCUST_KEY": served.key, "TACTFUL_LOCUST_WAIT": str(args.wait)}
    with open(f"{prefix}.out", "wb") as out:
        subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=args.seconds + 120, check=False)


def read_stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as rows:
        return {row["Name"]: row for row in csv.DictReader(rows)}


def measure(workers: int, languagetool_pid: int, args: argparse.Namespace, run_dir: Path) -> Run:
    with service(args.port, [args.lt_url], run_dir, workers=workers) as served:
        warm_up(served, args.warmup)
        pids = service_pids(served)
        prefix = run_dir / f"locust-w{workers}"
        before = (cpu_by_pid(pids), cpu_seconds(languagetool_pid), os.getloadavg()[0], time.monotonic())
        log(f"locust: {args.users} agents for {args.seconds:.0f} s against --workers {workers}")
        locust(served, args, prefix)
        after = (cpu_by_pid(service_pids(served)), cpu_seconds(languagetool_pid), os.getloadavg()[0], time.monotonic())
    return Run(
        workers,
        read_stats(prefix),
        after[3] - before[3],
        cpu_spent(before[0], after[0]),
        after[1] - before[1],
        (before[2], after[2]),
    )


def table(runs: list[Run], args: argparse.Namespace) -> str:
    head = "| Measurement | " + " | ".join(f"--workers {run.workers}" for run in runs) + " |"
    lines = [head, "|---|" + "---:|" * len(runs)]

    def row(name: str, cell) -> None:
        lines.append(f"| {name} | " + " | ".join(cell(run) for run in runs) + " |")

    row("Requests/s, all kinds (each runs a full check)", lambda r: f"{float(r.stats['Aggregated']['Requests/s']):.1f}")
    for kind in KINDS:
        label = "all" if kind == "Aggregated" else kind
        row(
            f"{label}: n, p50 / p95 ms",
            lambda r, k=kind: (
                f"{r.stats[k]['Request Count']}, {r.stats[k]['50%']} / {r.stats[k]['95%']}" if k in r.stats else "-"
            ),
        )
    row("Failed requests", lambda r: str(r.failures))
    row(
        "Service CPU per request (ms)",
        lambda r: "a worker was replaced" if r.service_cpu is None else f"{r.service_cpu / r.requests * 1000:.1f}",
    )
    row("LanguageTool CPU per request (ms)", lambda r: f"{r.languagetool_cpu / r.requests * 1000:.1f}")
    row("Load average (1 min) before → after", lambda r: f"{r.load[0]:.1f} → {r.load[1]:.1f}")
    lines += [
        "",
        f"{args.users} locust users (agents), {args.seconds:.0f} s each, wait {args.wait} s; "
        "mix per conversation: 1 cold check, 6 re-checks, 1 send (bench/locust_mix.py).",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2", help="tactful serve --workers, one run each (default 1,2)")
    parser.add_argument("--users", type=int, default=4, help="locust users: agents at once (default 4)")
    parser.add_argument("--seconds", type=float, default=60, help="each run (default 60)")
    parser.add_argument("--wait", type=float, default=0, help="seconds between an agent's requests (default 0)")
    parser.add_argument("--warmup", type=int, default=24, help="requests before each run, untimed (default 24)")
    parser.add_argument("--port", type=int, default=8248, help="the service's loopback port")
    parser.add_argument("--lt-port", type=int, default=8247, help="LanguageTool's loopback port")
    parser.add_argument("--run-dir", type=Path, help="default: var/locust-<time>")
    args = parser.parse_args(argv)
    args.lt_url = f"http://127.0.0.1:{args.lt_port}"
    return args


def main(argv: list[str] | None = None) -> int:
    from assistant import languagetool_server

    args = parse_args(argv)
    run_dir = args.run_dir or PROJECT / "var" / f"locust-{time.strftime('%Y%m%d-%H%M%S')}"
    run_dir.mkdir(parents=True, exist_ok=True)
    log(f"starting LanguageTool on port {args.lt_port} (10-40 s)")
    languagetool = languagetool_server.start(PROJECT / "languagetool", args.lt_port, heap="1g", run_dir=run_dir)
    try:
        warm_languagetool(args.lt_url)
        runs = [measure(int(w), languagetool.pid, args, run_dir) for w in args.workers.split(",")]
    finally:
        languagetool.terminate()
        languagetool.wait(timeout=30)
    text = table(runs, args)
    (run_dir / "locust.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if all(run.failures == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
