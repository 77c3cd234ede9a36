"""Latency and throughput of `POST /v1/check` over the reply corpus (bench/corpus/replies.jsonl).

What it measures, in one run, printed as a markdown table on stdout (progress on stderr):

1. Full check, cold: p50/p95 of `POST /v1/check` in-process (FastAPI TestClient), timed on
   the client side with time.perf_counter. The LanguageTool paragraph cache is cleared
   before every request, so each text is new to it. The server-side `took_ms` p50 is
   reported too.
2. LanguageTool alone: p50/p95 of one direct `POST /v2/check` (language=en-GB) per text,
   sending exactly what the grammar check sends on a cold cache: the agent's own
   paragraphs joined by a blank line.
3. The ratio of (1) p50 to (2) p50: what the service adds on top of LanguageTool.
4. Re-check after a one-word edit: the original text is checked first (warming the
   cache), then one word of one paragraph is changed and the edited text is timed.
5. Throughput: `tactful serve --workers 2` is started as a subprocess on a free loopback
   port and loaded by 4 client threads for a few passes over the corpus (bounded in
   time); checks per second overall and for the first pass (every text new to both
   workers' caches).

Every phase is warmed up first and repeated `--repeat` times per text; the passes of (1)
and (2) alternate so that drift (LanguageTool's JIT still speeding up, a busy machine)
affects both alike.

Run it from the project root (takes 2-4 minutes on 2 cores):

    .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --languagetool-url http://127.0.0.1:8081 --repeat 3

If no LanguageTool server answers at --languagetool-url, the bundled one is started on
that port and stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "bench" / "corpus" / "replies.jsonl"
RUN_DIR = PROJECT / "var" / "bench"
TACTFUL = PROJECT / ".venv" / "bin" / "tactful"
LOOPBACK = {"127.0.0.1", "localhost"}
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


def request_body(item: dict, text: str | None = None) -> dict:
    return {
        "text": item["text"] if text is None else text,
        "channel": item["channel"],
        "audience": item["audience"],
        "format": item["format"],
    }


def own_paragraphs(text: str, fmt: str) -> list[str]:
    from assistant.text import prepare_draft

    return [paragraph for _, paragraph in prepare_draft(text, fmt).paragraphs()]


def languagetool_text(item: dict) -> str:
    """What the grammar check sends to LanguageTool when none of the paragraphs is cached."""
    from assistant.languagetool_client import PARAGRAPH_JOINER

    return PARAGRAPH_JOINER.join(own_paragraphs(item["text"], item["format"]))


def one_word_edit(item: dict) -> str:
    """The text with one word changed in one checked paragraph."""
    text, fmt = item["text"], item["format"]
    before = own_paragraphs(text, fmt)
    for edited in (text.replace(" the ", " this ", 1), text.rstrip() + " today"):
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
    paragraphs_sent: int = 0

    def p(self, pct: int) -> float:
        return percentile(self.ms, pct)


def timed_post(client, body: dict, timings: Timings) -> None:
    began = time.perf_counter()
    response = client.post("/v1/check", json=body)
    timings.ms.append((time.perf_counter() - began) * 1000)
    response.raise_for_status()
    report = response.json()
    timings.took_ms.append(report["took_ms"])
    if report["checks"]["grammar"]["status"] != "ok":
        timings.grammar_not_ok += 1


# -- phases 1 and 4: in-process ------------------------------------------------
def warm_up_in_process(client, services, items: list[dict], count: int) -> None:
    client.post("/v1/check", json=WARMUP_REQUEST).raise_for_status()
    for item in items[:count]:
        for text in (item["text"], one_word_edit(item)):
            services.languagetool._cache.clear()
            client.post("/v1/check", json=request_body(item, text)).raise_for_status()
    services.languagetool._cache.clear()


def cold_pass(client, services, items: list[dict], timings: Timings) -> None:
    for item in items:
        services.languagetool._cache.clear()  # every paragraph is new to the cache
        sent = services.languagetool.stats["paragraphs_sent"]
        timed_post(client, request_body(item), timings)
        timings.paragraphs_sent += services.languagetool.stats["paragraphs_sent"] - sent


def measure_recheck(client, services, items: list[dict], repeat: int) -> Timings:
    timings = Timings()
    edits = {item["id"]: one_word_edit(item) for item in items}
    for round_no in range(1, repeat + 1):
        log(f"re-check after a one-word edit: pass {round_no}/{repeat}")
        for item in items:
            services.languagetool._cache.clear()
            client.post("/v1/check", json=request_body(item)).raise_for_status()  # the original, warm
            sent = services.languagetool.stats["paragraphs_sent"]
            timed_post(client, request_body(item, edits[item["id"]]), timings)
            timings.paragraphs_sent += services.languagetool.stats["paragraphs_sent"] - sent
    return timings


def run_in_process(languagetool_url: str, items: list[dict], args) -> tuple[Timings, Timings, Timings]:
    """Phases 1, 2 and 4. The cold and LanguageTool-alone passes alternate, so a server
    that is still speeding up (Java JIT) or a busy machine affects both alike."""
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.services import build_services
    from assistant.settings import Settings

    log("loading the service in-process (spaCy, guides)")
    services = build_services(Settings(languagetool_url=languagetool_url, languagetool_warmup=False))
    texts = [languagetool_text(item) for item in items]
    cold, alone = Timings(), Timings()
    with TestClient(create_app(services=services)) as client, requests.Session() as session:
        log(f"warm-up: {args.warmup} texts, original and edited, and directly to LanguageTool")
        warm_up_in_process(client, services, items, args.warmup)
        languagetool_pass(session, languagetool_url, texts[: args.warmup], Timings())
        for round_no in range(1, args.repeat + 1):
            log(f"LanguageTool alone: pass {round_no}/{args.repeat}")
            languagetool_pass(session, languagetool_url, texts, alone)
            log(f"full check, cold cache: pass {round_no}/{args.repeat}")
            cold_pass(client, services, items, cold)
        recheck = measure_recheck(client, services, items, args.repeat)
    return cold, alone, recheck


# -- phase 2: LanguageTool alone -------------------------------------------------
def languagetool_pass(session: requests.Session, languagetool_url: str, texts: list[str], timings: Timings) -> None:
    """One direct `/v2/check` per text, as the grammar check would send it."""
    for text in texts:
        began = time.perf_counter()
        response = session.post(
            f"{languagetool_url.rstrip('/')}/v2/check", data={"language": "en-GB", "text": text}, timeout=60
        )
        timings.ms.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
        if "matches" not in response.json():
            raise RuntimeError("LanguageTool answered without matches")


# -- phase 5: throughput of the real service ---------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_service(languagetool_url: str, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "TACTFUL_LANGUAGETOOL_URL": languagetool_url, "TACTFUL_LOG_LEVEL": "warning"}
    command = [str(TACTFUL), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with open(log_path, "ab") as out:
        return subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )


def wait_ready(base: str, process: subprocess.Popen, log_path: Path, wait: float = 120.0) -> None:
    deadline = time.monotonic() + wait
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"tactful serve exited with code {process.returncode}; see {log_path}")
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"tactful serve was not ready within {wait:.0f} s; see {log_path}")
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
        local.session.post(f"{base}/v1/check", json=body, timeout=60).raise_for_status()
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
    warmup: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def first_pass_rate(self) -> float:
        return self.first_pass[0] / self.first_pass[1]


def measure_throughput(languagetool_url: str, items: list[dict], args: argparse.Namespace) -> Throughput:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = RUN_DIR / f"tactful-serve-{port}.log"
    log(f"throughput: starting tactful serve --workers {args.workers} on {base} (log {log_path})")
    process = start_service(languagetool_url, port, args.workers, log_path)
    result = Throughput(workers=args.workers, threads=args.threads)
    try:
        wait_ready(base, process, log_path)
        result.warmup = 4 * args.threads  # enough to reach every worker more than once
        log(f"throughput: warm-up, {result.warmup} requests")
        load_pass(base, [WARMUP_REQUEST] * result.warmup, args.threads, float("inf"))
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
    finally:
        stop_service(process)
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


# -- report -------------------------------------------------------------------------
def table(cold: Timings, alone: Timings, recheck: Timings, load: Throughput, n_texts: int, args, load_avg) -> str:
    ratio = cold.p(50) / alone.p(50)
    per_text = f"{n_texts} texts × {args.repeat}"
    rows = [
        ("Full check, cold cache, p50 (client side)", f"{cold.p(50):.1f} ms", f"{len(cold.ms)} ({per_text})"),
        ("Full check, cold cache, p95 (client side)", f"{cold.p(95):.1f} ms", f"{len(cold.ms)}"),
        ("Full check, cold cache, p50 of server `took_ms`", f"{percentile(cold.took_ms, 50):.1f} ms",
         f"{len(cold.took_ms)}"),
        ("LanguageTool alone (`/v2/check`, en-GB), p50", f"{alone.p(50):.1f} ms", f"{len(alone.ms)} ({per_text})"),
        ("LanguageTool alone, p95", f"{alone.p(95):.1f} ms", f"{len(alone.ms)}"),
        ("Ratio full-check p50 / LanguageTool-alone p50", f"{ratio:.2f}×", ""),
        ("Re-check after a one-word edit, p95", f"{recheck.p(95):.1f} ms", f"{len(recheck.ms)} ({per_text})"),
        ("Re-check after a one-word edit, p50", f"{recheck.p(50):.1f} ms", f"{len(recheck.ms)}"),
        (f"Throughput, {load.workers} workers, {load.threads} client threads, all passes",
         f"{load.rate:.2f} checks/s", f"{load.requests} requests in {load.seconds:.1f} s"),
        ("Throughput, first pass only (every text new to the caches)",
         f"{load.first_pass_rate:.2f} checks/s", f"{load.first_pass[0]} requests in {load.first_pass[1]:.1f} s"),
    ]
    lines = ["| Measurement | Value | Sample |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {sample} |" for name, value, sample in rows]
    lines += [
        "",
        f"Warm-up: {args.warmup} texts (original and edited) in-process, {args.warmup} LanguageTool calls, "
        f"{load.warmup} requests to the served app. "
        f"Paragraphs sent to LanguageTool: {cold.paragraphs_sent / len(cold.ms):.2f} per cold check, "
        f"{recheck.paragraphs_sent / len(recheck.ms):.2f} per re-check. "
        f"Grammar not `ok`: {cold.grammar_not_ok} cold, {recheck.grammar_not_ok} re-check. "
        f"{os.cpu_count()} CPUs; 1-minute load average {load_avg[0]:.2f} at the start, {load_avg[1]:.2f} at the end.",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark POST /v1/check over bench/corpus/replies.jsonl.")
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="measured passes per text (default 3)")
    parser.add_argument("--warmup", type=int, default=8, help="corpus texts checked before measuring (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="tactful serve processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--passes", type=int, default=3, help="throughput passes over the corpus (default 3)")
    parser.add_argument("--throughput-seconds", type=float, default=90.0, help="time limit of the load (default 90)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(PROJECT))
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    items = load_corpus(args.corpus)
    began, load_at_start = time.monotonic(), os.getloadavg()[0]
    started_port = ensure_languagetool(args.languagetool_url)
    try:
        cold, alone, recheck = run_in_process(args.languagetool_url, items, args)
        load = measure_throughput(args.languagetool_url, items, args)
    finally:
        if started_port is not None:
            from assistant import languagetool_server

            log("stopping the LanguageTool server this run started")
            languagetool_server.stop(started_port, RUN_DIR)
    log(f"done in {time.monotonic() - began:.0f} s")
    print(table(cold, alone, recheck, load, len(items), args, (load_at_start, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
