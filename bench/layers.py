"""What each layer in front of LanguageTool costs a cold check, text by text.

Five ways to have the same text checked, each corpus text sent through all five in
turn (the order rotated text by text, so a machine that speeds up or slows down
mid-run affects all alike):

- `languagetool`: `/v2/check` directly, with the fields the grammar check sends
  (bench/run.py's "LanguageTool alone");
- `forward`: a bare ASGI app under uvicorn with uvloop and httptools, as `tactful
  serve` runs, that makes the same fields from the request (the draft prepared as the
  grammar check prepares it) and forwards them to LanguageTool with http.client on a
  worker thread, as the grammar check does: the least a Python service in front of
  LanguageTool adds;
- `grammar`: the same bare app running Tactful's `check_draft` with the grammar check
  alone, its caches off, on a worker thread, and answering with the report: Tactful's
  own path to LanguageTool and back (the pipeline, the findings, the report);
- `pipeline`: the same with every check: what the other checks, running while
  LanguageTool works, add to it;
- `tactful`: `tactful serve` with its caches off (bench/run.py's cold full check).

It prints each layer's p50 and its ratio to LanguageTool alone's (the budget of issue
18: ≤ 1.2× for `tactful`), and the paired median difference from the layer before,
with its bootstrap 95 % interval. Loopback only; ~4 minutes on 2 cores.

    .venv/bin/python bench/layers.py
    .venv/bin/python bench/layers.py --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: the corpus, the servers, their warm-up)
from neighbour import paired  # noqa: E402

COLD = {"TACTFUL_LANGUAGETOOL_CACHE_SIZE": "0", "TACTFUL_PRIVACY_CACHE_SIZE": "0"}
LAYERS = ("languagetool", "forward", "grammar", "pipeline", "tactful")
BARE = ("forward", "grammar", "pipeline")  # served by this file (--serve)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# -- the bare app (run in a process of its own: --serve) ------------------------------
def forwarder(languagetool_url: str) -> Callable[[dict], bytes]:
    """The request's text, as the grammar check's fields, to LanguageTool; its answer back."""
    parts = urllib.parse.urlsplit(languagetool_url)

    def forward(body: dict) -> bytes:
        form = run.languagetool_form({"text": body["text"], "format": body["format"], "channel": body["channel"]})
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=60)
        try:
            connection.request("POST", "/v2/check", urllib.parse.urlencode(form), FORM)
            return connection.getresponse().read()
        finally:
            connection.close()

    return forward


def checker(only: list[str] | None) -> Callable[[dict], bytes]:
    """Tactful's pipeline, the `only` checks (None: every one), on the request's text: the report as JSON."""
    from assistant.checking import check_draft
    from assistant.model import Context
    from assistant.services import build_services

    pipeline = build_services().pipeline

    def check(body: dict) -> bytes:
        context = Context(channel=body["channel"], audience=body["audience"])
        report = check_draft(pipeline, body["text"], context, fmt=body["format"], only=only, max_chars=50_000)
        return report.model_dump_json().encode()

    return check


def bare_app(work: Callable[[dict], bytes]):
    """An ASGI app: GET answers 200 (ready); POST runs `work` on the JSON body on a worker thread."""

    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        answer = b"{}"
        if scope["method"] == "POST":
            answer = await asyncio.get_running_loop().run_in_executor(None, work, json.loads(body))
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": answer})

    return app


def serve(layer: str, port: int, languagetool_url: str) -> None:
    import uvicorn

    work = forwarder(languagetool_url) if layer == "forward" else checker(["grammar"] if layer == "grammar" else None)
    uvicorn.run(bare_app(work), host="127.0.0.1", port=port, log_level="warning", http="httptools", loop="uvloop")


# -- the measurement ---------------------------------------------------------------------
def start_bare(layer: str, languagetool_url: str) -> tuple[str, subprocess.Popen]:
    port = run.free_port()
    env = {
        **os.environ,
        **run.SETTINGS,
        **COLD,
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_LOG_LEVEL": "warning",
    }
    command = [sys.executable, __file__, "--serve", layer, "--port", str(port), "--languagetool-url", languagetool_url]
    log_path = run.RUN_DIR / f"layers-{layer}-{port}.log"
    with open(log_path, "ab") as out:
        process = subprocess.Popen(
            command,
            cwd=run.PROJECT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        run.wait_ready(base, process, log_path, name=f"the bare {layer} app")  # it answers any GET
    except RuntimeError:
        process.kill()
        raise
    return base, process


def timed(layer: str, send: Callable[[], requests.Response]) -> float:
    """Milliseconds to the answer; an error, or grammar not checked, stops the run (a
    layer whose LanguageTool request failed would look fast)."""
    began = time.perf_counter()
    response = send()
    ms = (time.perf_counter() - began) * 1000
    response.raise_for_status()
    answer = response.json()
    if layer in ("languagetool", "forward"):
        checked = "matches" in answer
    else:
        checked = answer["checks"]["grammar"]["status"] == "ok"
    if not checked:
        raise RuntimeError(f"{layer}: grammar was not checked: {answer.get('checks', {}).get('grammar')}")
    return ms


def senders(item: dict, form: dict[str, str], urls: dict[str, str]) -> dict[str, Callable[[], requests.Response]]:
    """One new connection a request, as bench/run.py's rows."""
    body = run.request_body(item)
    return {
        "languagetool": lambda: requests.post(f"{urls['languagetool']}/v2/check", data=form, timeout=60),
        "forward": lambda: requests.post(urls["forward"], json=body, timeout=60),
        "grammar": lambda: requests.post(urls["grammar"], json=body, timeout=60),
        "pipeline": lambda: requests.post(urls["pipeline"], json=body, timeout=60),
        "tactful": lambda: requests.post(f"{urls['tactful']}/v1/check", json=body, headers=run.AUTH, timeout=60),
    }


def measure(items: list[dict], urls: dict[str, str], repeat: int) -> dict[str, list[float]]:
    forms = [run.languagetool_form(item) for item in items]
    times: dict[str, list[float]] = {layer: [] for layer in LAYERS}
    for item, form in zip(items, forms, strict=True):  # a warm-up pass through every layer
        for layer, send in senders(item, form, urls).items():
            timed(layer, send)
    for round_no in range(repeat):
        run.log(f"pass {round_no + 1}/{repeat}: each text through the five layers")
        for number, (item, form) in enumerate(zip(items, forms, strict=True)):
            send = senders(item, form, urls)
            shift = (number + round_no) % len(LAYERS)
            for layer in LAYERS[shift:] + LAYERS[:shift]:
                times[layer].append(timed(layer, send[layer]))
    return times


def table(times: dict[str, list[float]], texts: int, repeat: int) -> str:
    alone = statistics.median(times["languagetool"])
    lines = [
        "| Layer | p50 | Ratio to LanguageTool alone | Paired difference from the layer before (95 % CI) |",
        "|---|---:|---:|---:|",
    ]
    for before, layer in zip((None, *LAYERS[:-1]), LAYERS, strict=True):
        p50 = statistics.median(times[layer])
        difference = paired(times[before], times[layer]) if before else ""
        lines.append(f"| `{layer}` | {p50:.2f} ms | {p50 / alone:.3f}× | {difference} |")
    load = os.getloadavg()[0]
    lines.append(f"\n{texts} texts × {repeat} passes each layer; 1-minute load average {load:.2f} at the end.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus (default 3)")
    parser.add_argument("--serve", choices=BARE, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--languagetool-url", help=argparse.SUPPRESS)
    run.add_setting_option(parser)
    args = parser.parse_args()
    settings = run.use_settings(args.setting)
    if args.serve:
        serve(args.serve, args.port, args.languagetool_url)
        return 0
    run.RUN_DIR.mkdir(parents=True, exist_ok=True)
    items = run.load_corpus(run.CORPUS)
    url, server = run.start_cold_languagetool()
    bare: list[subprocess.Popen] = []
    try:
        run.log(run.warm_languagetool(url))
        run.log(run.warm_languagetool(url, [run.languagetool_form(item) for item in items], "passes of the corpus"))
        urls = {"languagetool": url}
        for layer in BARE:
            urls[layer], process = start_bare(layer, url)
            bare.append(process)
        with run.serving(url, **COLD) as base:
            urls["tactful"] = base
            times = measure(items, urls, args.repeat)
    finally:
        for process in bare:
            process.terminate()
        server.terminate()
    print(table(times, len(items), args.repeat))
    print(f"Service settings (the bare apps and `tactful serve`): {settings}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
