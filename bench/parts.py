"""A draft in parts (TACTFUL_LANGUAGETOOL_PARALLEL): the same matches, and what it costs.

Checks every text of bench/corpus, the 623 real replies (bench/real) and the tone pairs
(bench/tone: the good and the poor replies) on a cache-less LanguageTool, once in one
request and once in parts sent at once (languagetool_client.py cuts between
paragraphs and at sentence ends), and prints:

- the texts whose matches differ (none is the claim the client's docstring makes);
- how many texts went in parts, and the requests each way;
- for the texts that went in parts, the p50 wall time and the server's CPU a text each
  way (from /proc/<pid>/stat of its JVM), measured on bench/corpus in alternating order.

Loopback only; ~3 minutes on 2 cores.

    .venv/bin/python bench/parts.py
    .venv/bin/python bench/parts.py --parts 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: the corpus, the servers, their warm-up)

CHANNELS = {"email", "chat", "sms", "letter", "social_public", "social_private", "web_portal"}


def texts() -> dict[str, list[tuple[str, str, str]]]:
    """(text, format, channel) by where they come from."""
    corpus = [(item["text"], item["format"], item["channel"]) for item in run.load_corpus(run.CORPUS)]
    real = [(item["text"], "text", item["channel"]) for item in run.load_corpus(run.WARMUP_TEXTS)]
    tone = []
    for path in sorted((run.PROJECT / "bench" / "tone").glob("*.yaml")):
        for pair in yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]:
            channel = pair.get("channel", "email")
            for side in ("good", "poor"):
                tone.append((pair[side]["text"], "text", channel if channel in CHANNELS else "email"))
    return {"bench/corpus": corpus, "bench/real": real, "bench/tone": tone}


def paragraphs_and_options(text: str, fmt: str, channel: str):
    from assistant.checks.grammar import as_lf, check_options

    options = run.default_guide().sections["grammar"].for_channel(channel)
    return [as_lf(p) for p in run.own_paragraphs(text, fmt, channel)], check_options(options, "en-GB")


def compare(url: str, sets: dict[str, list[tuple[str, str, str]]], parts: int) -> list[str]:
    from assistant.languagetool_client import LanguageToolClient

    lines = []
    for name, items in sets.items():
        whole = LanguageToolClient(url, timeout=60, cache_size=0)
        parted = LanguageToolClient(url, timeout=60, cache_size=0, parallel=parts)
        differing = []
        for text, fmt, channel in items:
            paragraphs, options = paragraphs_and_options(text, fmt, channel)
            if whole.check_paragraphs(paragraphs, options) != parted.check_paragraphs(paragraphs, options):
                differing.append(text[:60])
        run.log(f"{name}: {len(items)} texts, {len(differing)} differing")
        lines.append(
            f"| {name} | {len(items)} | {parted.stats['requests'] - whole.stats['requests']} more requests "
            f"({whole.stats['requests']} → {parted.stats['requests']}) | {len(differing)} |"
        )
        lines += [f"|  | differs: {text!r} | | |" for text in differing]
    return lines


def timing(url: str, parts: int, repeat: int) -> str:
    from assistant.languagetool_client import LanguageToolClient

    whole = LanguageToolClient(url, timeout=60, cache_size=0)
    parted = LanguageToolClient(url, timeout=60, cache_size=0, parallel=parts)
    drafts = [paragraphs_and_options(*item) for item in texts()["bench/corpus"]]
    split = [d for d in drafts if _requests(parted, *d) > 1]
    pid = run.java_pid(url)
    ms: dict[str, list[float]] = {"one request": [], "in parts": []}
    cpu = dict.fromkeys(ms, 0.0)
    for round_no in range(repeat):
        for number, (paragraphs, options) in enumerate(split):
            ways = [("one request", whole), ("in parts", parted)]
            for way, client in ways if (number + round_no) % 2 else ways[::-1]:
                before, began = run.jvm_cpu(pid)[1] if pid else 0.0, time.perf_counter()
                client.check_paragraphs(paragraphs, options)
                ms[way].append((time.perf_counter() - began) * 1000)
                cpu[way] += (run.jvm_cpu(pid)[1] - before) if pid else 0.0
    checks = len(split) * repeat
    cells = [f"{statistics.median(ms[way]):.1f} ms / {cpu[way] * 1000 / checks:.1f} ms" for way in ms]
    return (
        f"Texts of bench/corpus that go in parts: {len(split)} of {len(drafts)}; {repeat} passes. "
        f"p50 wall / LanguageTool CPU a text: one request {cells[0]}, in parts {cells[1]}."
    )


def _requests(client, paragraphs, options) -> int:
    before = client.stats["requests"]
    client.check_paragraphs(paragraphs, options)
    return client.stats["requests"] - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, default=2, help="at most this many parts a draft (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (default 3)")
    args = parser.parse_args()
    sys.path.insert(0, str(run.PROJECT))
    run.RUN_DIR.mkdir(parents=True, exist_ok=True)
    url, server = run.start_cold_languagetool()
    try:
        run.log(run.warm_languagetool(url))
        lines = ["| Texts | How many | Requests in parts | Matches differing |", "|---|---:|---|---:|"]
        lines += compare(url, texts(), args.parts)
        summary = timing(url, args.parts, args.repeat)
    finally:
        server.terminate()
    print("\n".join(lines) + f"\n\n{summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
