"""Where a cold full check's time goes when the service and LanguageTool share the
machine's cores: per request, each thread's CPU time and its time waiting for a core
(the run queue, /proc/<pid>/task/<tid>/schedstat; the service's threads share one
name), for LanguageTool alone and for the
full check through `tactful serve`, texts alternated as in bench/run.py.

On two cores a full check needs more CPU than there is while LanguageTool works (its
own threads and the service's checks beside it): LanguageTool's CPU a check does not
change, its threads wait for a core. This shows how long, thread by thread.

    .venv/bin/python bench/cores.py --repeat 2

It starts its own cache-less LanguageTool server (bench/run.py's, warmed the same way)
and its own service with the caches off; loopback only.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: the corpus, the servers, the warm-up)

Counts = dict[tuple[str, str], list[float]]  # (process, thread name) -> [cpu ms, wait ms]


def threads(pid: int, process: str) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(process, thread name, tid) -> (CPU ms, ms waiting for a core) so far."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            cpu, wait, _ = (task / "schedstat").read_text().split()
        except OSError:  # the thread ended
            continue
        found[(process, name, task.name)] = (int(cpu) / 1e6, int(wait) / 1e6)
    return found


def measured(pids: dict[str, int], counts: Counts, send: Callable[[], object]) -> float:
    """Runs `send()`; adds each thread's CPU and wait to `counts`; returns the wall ms."""
    before = {k: v for process, pid in pids.items() for k, v in threads(pid, process).items()}
    began = time.perf_counter()
    send()
    wall = (time.perf_counter() - began) * 1000
    for process, pid in pids.items():
        for key, (cpu, wait) in threads(pid, process).items():
            cpu0, wait0 = before.get(key, (0.0, 0.0))
            total = counts[key[:2]]
            total[0] += cpu - cpu0
            total[1] += wait - wait0
    return wall


def check_alone(url: str, form: dict[str, str]) -> None:
    requests.post(url, data=form, timeout=60).raise_for_status()


def service_pids(base: str) -> list[int]:
    """The pids of the `tactful serve` process answering on `base`'s port (and its workers)."""
    port = base.rsplit(":", 1)[1]
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in args and port.encode() in args:
                pids.append(int(entry.name))
    return pids


def report(name: str, counts: Counts, walls: list[float]) -> None:
    n = len(walls)
    print(f"\n{name}: wall p50 {run.percentile(walls, 50):.1f} ms over {n} requests; a request, mean:")
    print("| Process | Thread | CPU ms | Waiting for a core, ms |\n|---|---|---:|---:|")
    by_cost = sorted(counts.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
    for (process, thread), (cpu, wait) in by_cost:
        if (cpu + wait) / n >= 0.05:
            print(f"| {process} | {thread} | {cpu / n:.2f} | {wait / n:.2f} |")
    print(f"| all | | {sum(c for c, _ in counts.values()) / n:.2f} | {sum(w for _, w in counts.values()) / n:.2f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="measured passes over the corpus (default 2)")
    args = parser.parse_args()
    run.RUN_DIR.mkdir(parents=True, exist_ok=True)
    items = run.load_corpus(run.CORPUS)
    forms = [run.languagetool_form(item) for item in items]
    url, server = run.start_cold_languagetool()
    try:
        run.log(run.warm_languagetool(url))
        run.log(run.warm_languagetool(url, forms, "passes of the corpus"))
        java = run.java_pid(url)
        assert java is not None
        with run.serving(url, TACTFUL_LANGUAGETOOL_CACHE_SIZE="0", TACTFUL_PRIVACY_CACHE_SIZE="0") as base:
            pids = {"LanguageTool": java, **{f"service {pid}": pid for pid in service_pids(base)}}
            for item in items:  # the service's first pass: its code paths warm
                run.timed_post(base, run.request_body(item), run.Timings())
            alone: Counts = defaultdict(lambda: [0.0, 0.0])
            full: Counts = defaultdict(lambda: [0.0, 0.0])
            walls: dict[str, list[float]] = {"alone": [], "full": []}
            for round_no in range(1, args.repeat + 1):
                run.log(f"pass {round_no}/{args.repeat}: each text to LanguageTool alone, then through the service")
                for item, form in zip(items, forms, strict=True):
                    to_languagetool = partial(check_alone, f"{url}/v2/check", form)
                    walls["alone"].append(measured(pids, alone, to_languagetool))
                    through_service = partial(run.timed_post, base, run.request_body(item), run.Timings())
                    walls["full"].append(measured(pids, full, through_service))
    finally:
        server.terminate()
    report("LanguageTool alone", alone, walls["alone"])
    report("Full check through the service", full, walls["full"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
