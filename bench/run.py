"""Latency and throughput of `POST /v1/check` over the reply corpus (bench/corpus/replies.jsonl).

Everything goes over loopback HTTP to a real `tactful serve`, one new connection per
request. In one run it prints a markdown table on stdout (progress on stderr):

1. Full check, cold: p50/p95 of `POST /v1/check`, timed on the client side, plus the
   server-side `took_ms`. The service runs with its caches off
   (TACTFUL_LANGUAGETOOL_CACHE_SIZE=0, TACTFUL_PRIVACY_CACHE_SIZE=0) against a
   LanguageTool server started with its sentence cache off, so every check is cold.
2. LanguageTool alone: p50/p95 of one direct `POST /v2/check` per text to that same
   server, with exactly the fields the grammar check sends (LanguageToolClient.form):
   the agent's own paragraphs joined by a blank line, en-GB, the default guide's
   grammar options for the text's channel, the rules the client turns off.
3. The ratio of (1) p50 to (2) p50: what the service adds on top of LanguageTool.
4. Re-check after a one-word edit, with both caches on as in production
   (--languagetool-url): check a text, then time the same text with one word changed.
5. Throughput: `tactful serve --workers 2` loaded by 4 client threads for a few passes
   over the corpus (bounded in time), against the cache-less LanguageTool.

Before measuring, each LanguageTool server is warmed up with real replies (not the
corpus) until its JIT compiler is quiet, as a server in production long is: a server
just started spends more CPU compiling its code than checking for its first ~500
checks, on the cores the service needs too. The server of (1) and (2), which keeps no
results, is then warmed on the corpus itself until its compiler is quiet again: texts
unlike the replies make it compile anew, and what it compiles during (1) takes a core
from the service's checks, while during (2) it has the second core to itself. The
table gives the compiler's CPU during the measured passes. The passes of (1) and (2)
alternate so that drift (a busy machine) affects both alike.

Run it from the project root (takes 3-5 minutes on 2 cores):

    .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --languagetool-url http://127.0.0.1:8081 --repeat 3

If no LanguageTool server answers at --languagetool-url, the bundled one is started on
that port and stopped at the end.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "bench" / "corpus" / "replies.jsonl"
# Texts that warm LanguageTool's JIT up: real replies, none of them in the corpus, so a
# server with its sentence cache on has seen none of the measured sentences.
WARMUP_TEXTS = PROJECT / "bench" / "real" / "replies.jsonl"
RUN_DIR = PROJECT / "var" / "bench"
TACTFUL = PROJECT / ".venv" / "bin" / "tactful"
LOOPBACK = {"127.0.0.1", "localhost"}
AUTH: dict[str, str] = {}  # the Authorization header of the service now running (its first start's agent key)
SETTINGS: dict[str, str] = {}  # --setting: environment of every `tactful serve` this run starts
WARMUP_REQUEST = {
    "text": "Hello Dana, their is a problem with you're account. We has fixed it now. Kind regards, Sam",
    "channel": "email",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- corpus and edits ----------------------------------------------------------
def load_corpus(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


# The checks every request asks for; None: all (set by --without, to price one check).
CHECK_NAMES: list[str] | None = None


def request_body(item: dict, text: str | None = None) -> dict:
    body = {
        "text": item["text"] if text is None else text,
        "channel": item["channel"],
        "audience": item["audience"],
        "format": item["format"],
    }
    if CHECK_NAMES is not None:
        body["checks"] = CHECK_NAMES
    return body


def own_paragraphs(text: str, fmt: str, channel: str = "email") -> list[str]:
    from assistant.text import prepare_draft

    return [paragraph for _, paragraph in prepare_draft(text, fmt, channel).paragraphs]


def languagetool_form(item: dict) -> dict[str, str]:
    """The /v2/check fields the grammar check sends for this text when none of its
    paragraphs is cached: its own paragraphs joined by a blank line, with the default
    guide's options for its channel (rules turned off there and by the client)."""
    from assistant.checks.grammar import as_lf, check_options
    from assistant.languagetool_client import PARAGRAPH_JOINER, LanguageToolClient

    options = default_guide().sections["grammar"].for_channel(item["channel"])
    text = PARAGRAPH_JOINER.join(as_lf(p) for p in own_paragraphs(item["text"], item["format"], item["channel"]))
    return LanguageToolClient("http://unused").form(text, check_options(options, "en-GB"))


EDITS = [("this", "today"), ("that", "now"), ("our", "again"), ("each", "too")]


def one_word_edit(item: dict, round_no: int = 0) -> str:
    """The text with one word changed in one checked paragraph; another word each round,
    so that LanguageTool's own sentence cache has not seen the edited sentence."""
    text, fmt = item["text"], item["format"]
    before = own_paragraphs(text, fmt)
    swap, append = EDITS[round_no % len(EDITS)]
    for edited in (text.replace(" the ", f" {swap} ", 1), text.rstrip() + f" {append}"):
        if own_paragraphs(edited, fmt) != before:
            return edited
    raise ValueError(f"{item['id']}: found no one-word edit that changes a checked paragraph")


# -- statistics ----------------------------------------------------------------
def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


@dataclass
class Timings:
    ms: list[float] = field(default_factory=list)
    took_ms: list[float] = field(default_factory=list)  # server side, when there is one
    grammar_not_ok: int = 0
    jit_ms: float = 0.0  # CPU of LanguageTool's JIT compiler during these requests, in all

    def p(self, pct: int) -> float:
        return percentile(self.ms, pct)


def timed_post(base: str, body: dict, timings: Timings) -> None:
    """One check over loopback HTTP, a new connection each, as a sidebar's first call."""
    began = time.perf_counter()
    response = requests.post(f"{base}/v1/check", json=body, headers=AUTH, timeout=60)
    timings.ms.append((time.perf_counter() - began) * 1000)
    response.raise_for_status()
    report = response.json()
    timings.took_ms.append(report["took_ms"])
    if report["checks"]["grammar"]["status"] != "ok":
        timings.grammar_not_ok += 1


@contextmanager
def serving(languagetool_url: str, workers: int = 1, **env: str):
    """`tactful serve` on a free loopback port, ready and warmed up; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = RUN_DIR / f"tactful-serve-{port}.log"
    log(f"starting tactful serve --workers {workers} on {base} {env or ''} (log {log_path})")
    store = RUN_DIR / f"store-{port}"
    env = {
        "TACTFUL_STORE_URL": f"sqlite:///{store / 'tactful.db'}",
        "TACTFUL_BOOTSTRAP_KEYS_FILE": str(store / "keys.json"),
        **env,
    }
    process = start_service(languagetool_url, port, workers, log_path, env)
    try:
        wait_ready(base, process, log_path)
        AUTH["Authorization"] = "Bearer " + json.loads((store / "keys.json").read_text())["agent"]
        load_pass(base, [WARMUP_REQUEST] * 4 * workers, min(4, 2 * workers), float("inf"))
        yield base
    finally:
        stop_service(process)


# -- phases 1, 2 and 4: latency over HTTP -----------------------------------------
def measure_cold(cold_url: str, items: list[dict], args) -> tuple[Timings, Timings]:
    """Phases 1 and 2, against a LanguageTool server with its result cache off and a
    service with its paragraph cache off, so every check is cold and neither side
    profits from the other having sent the same sentences. The passes alternate, so a
    server still speeding up (Java JIT) or a busy machine affects both alike."""
    forms = [languagetool_form(item) for item in items]
    cold, alone = Timings(), Timings()
    # This server keeps no results, so it may be warmed on the corpus itself: its JIT
    # compiles anew for texts unlike the real replies, and what it compiles during the
    # measured passes takes a core from the service's checks, not from LanguageTool alone.
    replies = warm_languagetool(cold_url)
    corpus = warm_languagetool(cold_url, forms, "passes of the corpus")
    args.jit_cold = f"{replies}; then {corpus}"
    pid = java_pid(cold_url)
    with serving(cold_url, TACTFUL_LANGUAGETOOL_CACHE_SIZE="0", TACTFUL_PRIVACY_CACHE_SIZE="0") as base:
        log(f"warm-up: {args.warmup} texts through the service and directly to LanguageTool")
        for item in items[: args.warmup]:
            timed_post(base, request_body(item), Timings())
        languagetool_pass(cold_url, forms[: args.warmup], Timings())
        for round_no in range(1, args.repeat + 1):
            log(f"LanguageTool alone: pass {round_no}/{args.repeat}")
            with jit_watched(pid, alone):
                languagetool_pass(cold_url, forms, alone)
            log(f"full check, cold: pass {round_no}/{args.repeat}")
            with jit_watched(pid, cold):
                for item in items:
                    timed_post(base, request_body(item), cold)
    return cold, alone


@contextmanager
def jit_watched(pid: int | None, timings: Timings):
    """Adds the JIT compiler's CPU while the block runs to `timings.jit_ms`."""
    before = jvm_cpu(pid)[0] if pid else 0.0
    yield
    timings.jit_ms += (jvm_cpu(pid)[0] - before) * 1000 if pid else 0.0


def measure_recheck(languagetool_url: str, items: list[dict], args) -> Timings:
    """Phase 4, with both caches on as in production: check a text, then time the
    check of the same text with one word changed (another word each pass). Pass 0 is
    not timed: a LanguageTool server this run just started is still compiling (Java
    JIT) through its first pass, which a server in production is long past."""
    timings, repeat = Timings(), args.repeat
    args.jit_recheck = warm_languagetool(languagetool_url)
    with serving(languagetool_url) as base:
        for round_no in range(repeat + 1):
            log(f"re-check after a one-word edit: pass {round_no}/{repeat}" + (" (warm-up)" if not round_no else ""))
            for item in items:
                requests.post(f"{base}/v1/check", json=request_body(item), headers=AUTH, timeout=60).raise_for_status()
                timed_post(base, request_body(item, one_word_edit(item, round_no)), timings if round_no else Timings())
    return timings


# -- LanguageTool's JIT: warm it up as a server in production is ---------------
# Warmed up: over JIT_QUIET_ROUNDS rounds in a row, the JIT compiler threads took under
# this share of the server's CPU, or under this many ms a check. One quiet round is not
# enough: on this machine the compiler was quiet at round 20 and took 4-6 ms a check
# again at rounds 21-22 (it settles after ~30; bench/README.md).
JIT_QUIET_SHARE, JIT_QUIET_MS = 0.10, 1.5
JIT_QUIET_ROUNDS = 3
JIT_ROUND = 64  # texts a round
JIT_MAX_ROUNDS = 60


def java_pid(url: str) -> int | None:
    """The pid of the LanguageTool server (org.languagetool.server.HTTPServer) on this
    loopback port, if it runs on this machine."""
    port = str(urllib.parse.urlsplit(url).port or 8081)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "org.languagetool.server.HTTPServer" in args and port in args[args.index("--port") + 1 :][:1]:
            return int(entry.name)
    return None


def jvm_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds so far of the JVM's JIT compiler threads ("C1/C2 CompilerThre") and of
    all its threads."""
    compiler = total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        total += seconds
        compiler += seconds if "CompilerThre" in name else 0.0
    return compiler, total


def warm_languagetool(url: str, forms: list[dict[str, str]] | None = None, what: str = "") -> str:
    """Check real replies (or `forms`) on the server until its JIT compiler is quiet: a
    server just started spends more CPU compiling than checking for its first ~500
    checks, on the cores the service needs too, which a server in production is long
    past (a busy 2-core machine: compiler 94, 40, 15, 6, 1 ms a check over rounds of 64,
    checking ~25 ms). Returns what was done, for the table."""
    pid = java_pid(url)
    if forms is None:
        forms = [languagetool_form({**reply, "format": "text"}) for reply in load_corpus(WARMUP_TEXTS)]
    what = what or f"rounds of {JIT_ROUND} real replies"
    rounds = [forms[i : i + JIT_ROUND] for i in range(0, len(forms), JIT_ROUND)]
    if pid is None:
        languagetool_pass(url, rounds[0], Timings())
        return f"one round of {len(rounds[0])} texts (server's JIT not visible from here)"
    quiet = 0
    for number, texts in enumerate(itertools.islice(itertools.cycle(rounds), JIT_MAX_ROUNDS), 1):
        compiled, worked = jvm_cpu(pid)
        languagetool_pass(url, texts, Timings())
        compiler, total = (after - before for after, before in zip(jvm_cpu(pid), (compiled, worked), strict=True))
        share, per_check = compiler / total if total else 0.0, compiler * 1000 / len(texts)
        said = f"its JIT compiler took {per_check:.1f} ms a check, {share:.0%} of its CPU"
        log(f"LanguageTool warm-up round {number}: {said}")
        quiet = quiet + 1 if share < JIT_QUIET_SHARE or per_check < JIT_QUIET_MS else 0
        if quiet == JIT_QUIET_ROUNDS:
            return f"{number} {what}, until {said} ({quiet} quiet rounds in a row)"
    return f"{JIT_MAX_ROUNDS} {what}; {said} in the last"


# -- phase 2: LanguageTool alone -------------------------------------------------
def languagetool_pass(languagetool_url: str, forms: list[dict[str, str]], timings: Timings) -> None:
    """One direct `/v2/check` per text, with the fields the grammar check sends, over a
    new connection per call (as the grammar check makes)."""
    for form in forms:
        began = time.perf_counter()
        response = requests.post(f"{languagetool_url.rstrip('/')}/v2/check", data=form, timeout=60)
        timings.ms.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
        if "matches" not in response.json():
            raise RuntimeError("LanguageTool answered without matches")


@functools.cache
def default_guide():
    from assistant.guide import load_guides
    from assistant.sections import guide_sections
    from assistant.settings import Settings

    return load_guides(Settings().guides_dir, guide_sections())["default"]


# -- phase 5: throughput of the real service ---------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_service(
    languagetool_url: str, port: int, workers: int, log_path: Path, extra_env: dict | None = None
) -> subprocess.Popen:
    env = {
        **os.environ,
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_LOG_LEVEL": "warning",
        **SETTINGS,
        **(extra_env or {}),
    }
    command = [str(TACTFUL), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with open(log_path, "ab") as out:
        return subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def wait_ready(
    base: str, process: subprocess.Popen, log_path: Path, wait: float = 120.0, name: str = "tactful serve"
) -> None:
    deadline = time.monotonic() + wait
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}; see {log_path}")
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} was not ready within {wait:.0f} s; see {log_path}")
        time.sleep(0.5)


def stop_service(process: subprocess.Popen) -> None:
    process.terminate()  # uvicorn's supervisor stops its workers on SIGTERM
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)  # the session started for this server only
        process.wait()


def load_pass(base: str, bodies: list[dict], threads: int, deadline: float) -> tuple[int, float]:
    """Send every body once from `threads` clients; (requests answered, seconds)."""
    local = threading.local()

    def send(body: dict) -> int:
        if time.monotonic() > deadline:
            return 0
        if not hasattr(local, "session"):
            local.session = requests.Session()
        local.session.post(f"{base}/v1/check", json=body, headers=AUTH, timeout=60).raise_for_status()
        return 1

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = sum(pool.map(send, bodies))
    return done, time.perf_counter() - began


@dataclass
class Throughput:
    workers: int
    threads: int
    requests: int = 0
    seconds: float = 0.0
    first_pass: tuple[int, float] = (0, 0.0)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def first_pass_rate(self) -> float:
        return self.first_pass[0] / self.first_pass[1]


def measure_throughput(cold_url: str, items: list[dict], args: argparse.Namespace) -> Throughput:
    """Phase 5: `--threads` clients against `--workers` processes. LanguageTool's result
    cache is off (every pass is new to it); each worker keeps its paragraph cache, so
    only the first pass is cold for Tactful too."""
    result = Throughput(workers=args.workers, threads=args.threads)
    with serving(cold_url, workers=args.workers) as base:
        deadline = time.monotonic() + args.throughput_seconds
        bodies = [request_body(item) for item in items]
        for pass_no in range(1, args.passes + 1):
            log(f"throughput: pass {pass_no}/{args.passes}, {args.threads} client threads")
            done, seconds = load_pass(base, bodies, args.threads, deadline)
            if pass_no == 1:
                result.first_pass = (done, seconds)
            result.requests += done
            result.seconds += seconds
            if time.monotonic() > deadline:
                log("throughput: time limit reached")
                break
    return result


# -- LanguageTool server ---------------------------------------------------------
def ensure_languagetool(url: str) -> int | None:
    """None when a server already answers; else start the bundled one and return its port."""
    from assistant import languagetool_server

    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"--languagetool-url must be a loopback address (127.0.0.1), not {parts.hostname}")
    if languagetool_server.is_up(url):
        log(f"using the LanguageTool server at {url}")
        return None
    port = parts.port or 8081
    log(f"no LanguageTool at {url}: starting the bundled server on port {port} (10-30 s)")
    languagetool_server.start(PROJECT / "languagetool", port, heap="1g", run_dir=RUN_DIR)
    return port


def start_cold_languagetool() -> tuple[str, subprocess.Popen]:
    """The bundled server with its sentence cache off, for the cold comparisons."""
    from assistant import languagetool_server

    config = RUN_DIR / "cold.properties"
    config.write_text("cacheSize=0\npipelineCaching=true\nmaxTextLength=60000\n")
    port = free_port()
    log(f"starting a LanguageTool server without result cache on port {port} (10-30 s)")
    process = languagetool_server.start(PROJECT / "languagetool", port, heap="1g", run_dir=RUN_DIR, config=config)
    return f"http://127.0.0.1:{port}", process


# -- report -------------------------------------------------------------------------
def table(cold: Timings, alone: Timings, recheck: Timings, load: Throughput, n_texts: int, args, load_avg) -> str:
    ratio = cold.p(50) / alone.p(50)
    # Paired by text (both lists run the corpus in order, pass by pass): each text against
    # itself, where the ratio of two p50s compares whichever texts land in the middle.
    pairs = list(zip(cold.ms, alone.ms, strict=True))
    added, ratios = [c - a for c, a in pairs], [c / a for c, a in pairs]
    per_text = f"{n_texts} texts × {args.repeat}"
    rows = [
        ("Full check over HTTP, cold, p50", f"{cold.p(50):.1f} ms", f"{len(cold.ms)} ({per_text})"),
        ("Full check over HTTP, cold, p95", f"{cold.p(95):.1f} ms", f"{len(cold.ms)}"),
        (
            "Full check, cold, p50 of server-side `took_ms`",
            f"{percentile(cold.took_ms, 50):.1f} ms",
            f"{len(cold.took_ms)}",
        ),
        ("LanguageTool alone (`/v2/check`, en-GB), p50", f"{alone.p(50):.1f} ms", f"{len(alone.ms)} ({per_text})"),
        ("LanguageTool alone, p95", f"{alone.p(95):.1f} ms", f"{len(alone.ms)}"),
        ("Ratio full-check p50 / LanguageTool-alone p50", f"{ratio:.3f}×", ""),
        (
            "What a full check adds to LanguageTool alone, median over texts: ms / ratio",
            f"{statistics.median(added):+.1f} ms / {statistics.median(ratios):.2f}×",
            f"{len(added)} pairs (text and pass)",
        ),
        (
            "LanguageTool's JIT compiler during those passes, a request: full check / alone",
            f"{cold.jit_ms / len(cold.ms):.2f} / {alone.jit_ms / len(alone.ms):.2f} ms",
            "CPU ms",
        ),
        ("Re-check after a one-word edit over HTTP, p95", f"{recheck.p(95):.1f} ms", f"{len(recheck.ms)} ({per_text})"),
        ("Re-check after a one-word edit over HTTP, p50", f"{recheck.p(50):.1f} ms", f"{len(recheck.ms)}"),
        (
            "Re-check, p95 of server-side `took_ms`",
            f"{percentile(recheck.took_ms, 95):.1f} ms",
            f"{len(recheck.took_ms)}",
        ),
        (
            f"Throughput, {load.workers} workers, {load.threads} client threads, all passes",
            f"{load.rate:.2f} checks/s",
            f"{load.requests} requests in {load.seconds:.1f} s",
        ),
        (
            "Throughput, first pass only (every text new to both workers)",
            f"{load.first_pass_rate:.2f} checks/s",
            f"{load.first_pass[0]} requests in {load.first_pass[1]:.1f} s",
        ),
    ]
    lines = ["| Measurement | Value | Sample |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {sample} |" for name, value, sample in rows]
    lines += [
        "",
        f"Warm-up: LanguageTool without cache: {args.jit_cold}; LanguageTool with its cache: {args.jit_recheck}; "
        f"then {args.warmup} texts through the service and to LanguageTool, and a few requests "
        "to each served instance. "
        f"Grammar not `ok`: {cold.grammar_not_ok} cold, {recheck.grammar_not_ok} re-check. "
        f"Service settings: {args.settings}. "
        f"{os.cpu_count()} CPUs; 1-minute load average {load_avg[0]:.2f} at the start, {load_avg[1]:.2f} at the end.",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark POST /v1/check over bench/corpus/replies.jsonl.")
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="measured passes per text (default 3)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=None,
        help="corpus texts checked (and sent to LanguageTool alone) before measuring; default: all of them, "
        "since a LanguageTool server the run has just started compiles its code through the first pass",
    )
    parser.add_argument("--workers", type=int, default=2, help="tactful serve processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--passes", type=int, default=3, help="throughput passes over the corpus (default 3)")
    parser.add_argument("--throughput-seconds", type=float, default=90.0, help="time limit of the load (default 90)")
    parser.add_argument("--without", default="", help="comma-separated checks to leave out, e.g. confidentiality")
    add_setting_option(parser)
    return parser.parse_args(argv)


def add_setting_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="TACTFUL_NAME=VALUE",
        help="a setting of every service the run starts (repeatable), e.g. TACTFUL_LANGUAGETOOL_PARALLEL=1",
    )


def use_settings(pairs: list[str]) -> str:
    """--setting's pairs into SETTINGS; what the table says of them."""
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not name.startswith("TACTFUL_") or not equals:
            raise SystemExit(f"--setting takes TACTFUL_NAME=VALUE, not {pair!r}")
        SETTINGS[name] = value
    return " ".join(f"`{name}={value}`" for name, value in SETTINGS.items()) or "defaults"


def main(argv: list[str] | None = None) -> int:
    global CHECK_NAMES
    args = parse_args(argv)
    args.settings = use_settings(args.setting)
    sys.path.insert(0, str(PROJECT))
    if args.without:
        from assistant.checks import CHECKS

        left_out = set(args.without.split(","))
        CHECK_NAMES = [check.name for check in CHECKS if check.name not in left_out]
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    items = load_corpus(args.corpus)
    if args.warmup is None:
        args.warmup = len(items)
    began, load_at_start = time.monotonic(), os.getloadavg()[0]
    started_port = ensure_languagetool(args.languagetool_url)
    cold_url, cold_server = start_cold_languagetool()
    try:
        cold, alone = measure_cold(cold_url, items, args)
        recheck = measure_recheck(args.languagetool_url, items, args)
        load = measure_throughput(cold_url, items, args)
    finally:
        if cold_server.poll() is None:
            cold_server.terminate()
        if started_port is not None:
            from assistant import languagetool_server

            log("stopping the LanguageTool server this run started")
            languagetool_server.stop(started_port, RUN_DIR)
    log(f"done in {time.monotonic() - began:.0f} s")
    print(table(cold, alone, recheck, load, len(items), args, (load_at_start, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
