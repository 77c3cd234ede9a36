"""How much work on the other core slows LanguageTool. The cache-less server and this
client run on CPU 0, a neighbour on CPU 1; each text is checked once with the neighbour
stopped and once with it running (SIGSTOP / SIGCONT, the order alternated), and the two
times are paired by text, so a machine that speeds up or slows down mid-run cancels out.

It tells the two ways a neighbour can cost LanguageTool time apart: on its own core,
a neighbour can only slow it through what the cores share in hardware (caches, memory
bandwidth, or one core's execution units if the two CPUs are SMT siblings). Waiting for
a core, the other way, is bench/cores.py's subject.

    .venv/bin/python bench/neighbour.py                    # every neighbour, 3 passes
    .venv/bin/python bench/neighbour.py --neighbours spin,checks:confidentiality

Neighbours: `spin` (a pure-Python loop: the interpreter, no memory traffic to speak
of), `stream-12mb` and `stream-64mb` (numpy copying an array of that size without end:
the shared cache, main memory), and `checks:<name>,...` (Tactful's own pipeline running
those checks over the corpus without end, its caches off). Needs two CPUs; loopback only.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: the corpus, the server, its warm-up)

NEIGHBOURS = {
    "spin": "while True: pass",
    "stream-12mb": "import numpy\na = numpy.ones(1_500_000)\nwhile True: a.copy()",
    "stream-64mb": "import numpy\na = numpy.ones(8_000_000)\nwhile True: a.copy()",
}
CHECKS = """
import os, sys
os.environ.update(TACTFUL_PRIVACY_CACHE_SIZE="0", TACTFUL_LANGUAGETOOL_CACHE_SIZE="0")
sys.path[:0] = [{bench!r}, {project!r}]
import run
from assistant.checking import check_draft
from assistant.model import Context
from assistant.services import build_services
pipeline, items, only = build_services().pipeline, run.load_corpus(run.CORPUS), {names!r}
def loop():
    for item in items:
        context = Context(channel=item["channel"])
        check_draft(pipeline, item["text"], context, fmt=item["format"], only=only, max_chars=50_000)
loop()
"""
READY = "\nprint('ready', flush=True)\n"
FOREVER = "while True: loop()\n"


def code_for(neighbour: str) -> str:
    if neighbour.startswith("checks:"):
        names = neighbour.removeprefix("checks:").split(",")
        setup = CHECKS.format(bench=str(run.PROJECT / "bench"), project=str(run.PROJECT), names=names)
        return setup + READY + FOREVER
    return READY + NEIGHBOURS[neighbour]


def pin(pid: int, cpus: set[int]) -> None:
    """Every thread of `pid` onto `cpus` (threads it starts later inherit the mask)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            os.sched_setaffinity(int(task.name), cpus)
        except OSError:  # the thread ended
            pass


def start(neighbour: str) -> subprocess.Popen:
    """The neighbour on CPU 1, ready and stopped."""
    process = subprocess.Popen(
        [sys.executable, "-c", code_for(neighbour)], cwd=run.PROJECT, stdout=subprocess.PIPE, text=True
    )
    pin(process.pid, {1})  # before it starts threads, which inherit the mask
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise RuntimeError(f"neighbour {neighbour!r} did not start (exit code {process.wait()})")
    pin(process.pid, {1})  # and any thread it started before the first call reached it
    os.kill(process.pid, signal.SIGSTOP)
    return process


def timed(url: str, form: dict[str, str]) -> float:
    began = time.perf_counter()
    requests.post(url, data=form, timeout=60).raise_for_status()
    return (time.perf_counter() - began) * 1000


def measure(
    url: str, forms: list[dict[str, str]], neighbour: subprocess.Popen, repeat: int
) -> tuple[list[float], list[float]]:
    """Per text: (ms with the neighbour stopped, ms with it running), order alternated."""
    quiet: list[float] = []
    busy: list[float] = []
    for round_no in range(repeat):
        for number, form in enumerate(forms):
            for running in (False, True) if (number + round_no) % 2 else (True, False):
                if running:
                    os.kill(neighbour.pid, signal.SIGCONT)
                    time.sleep(0.002)  # let it take its core again
                (busy if running else quiet).append(timed(url, form))
                if running:
                    os.kill(neighbour.pid, signal.SIGSTOP)
    return quiet, busy


def paired(quiet: list[float], busy: list[float]) -> str:
    """The median of the per-text differences, with its bootstrap 95 % interval."""
    differences = [b - q for q, b in zip(quiet, busy, strict=True)]
    medians = sorted(statistics.median(random.choices(differences, k=len(differences))) for _ in range(2000))
    return f"{statistics.median(differences):+.2f} ms ({medians[50]:+.2f}..{medians[1949]:+.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus per neighbour (default 3)")
    parser.add_argument(
        "--neighbours",
        default="spin,stream-12mb,stream-64mb,checks:confidentiality,checks:readability,checks:style",
        help="comma-separated; a `checks:` neighbour takes the rest of the list as its check names",
    )
    args = parser.parse_args()
    if (os.cpu_count() or 1) < 2:
        raise SystemExit("needs two CPUs: LanguageTool on one, the neighbour on the other")
    plain, *check_sets = ("," + args.neighbours).split(",checks:")
    neighbours = [name for name in plain.split(",") if name] + [f"checks:{names}" for names in check_sets]
    unknown = [name for name in neighbours if not name.startswith("checks:") and name not in NEIGHBOURS]
    if unknown:
        raise SystemExit(f"unknown neighbour {unknown[0]!r}; choose from {', '.join(NEIGHBOURS)} or checks:<name>,...")
    run.RUN_DIR.mkdir(parents=True, exist_ok=True)
    forms = [run.languagetool_form(item) for item in run.load_corpus(run.CORPUS)]
    url, server = run.start_cold_languagetool()
    rows = []
    try:
        run.log(run.warm_languagetool(url, forms, "passes of the corpus"))
        java = run.java_pid(url)
        assert java is not None
        pin(java, {0})
        os.sched_setaffinity(0, {0})
        for neighbour in neighbours:
            run.log(f"neighbour {neighbour}: {args.repeat} passes, each text with it stopped and running")
            process = start(neighbour)
            try:
                quiet, busy = measure(f"{url}/v2/check", forms, process, args.repeat)
            finally:
                process.kill()
                process.wait()
            rows.append((neighbour, statistics.median(quiet), statistics.median(busy), paired(quiet, busy)))
    finally:
        server.terminate()
    print("| Neighbour on CPU 1 | LanguageTool p50, neighbour stopped / running | Paired median difference (95 % CI) |")
    print("|---|---:|---:|")
    for neighbour, quiet_p50, busy_p50, difference in rows:
        print(f"| `{neighbour}` | {quiet_p50:.1f} / {busy_p50:.1f} ms | {difference} |")
    print(f"\n{len(forms)} texts × {args.repeat} passes each; LanguageTool and this client on CPU 0.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
