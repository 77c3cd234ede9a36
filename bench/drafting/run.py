"""Template suggestion: accuracy on held-out customer messages, and speed at 300 templates.

    PYTHONPATH=. .venv/bin/python bench/drafting/run.py

Accuracy: each message in messages.yaml (written for this benchmark, not the templates'
own examples) is ranked against the shipped library, on no particular channel; a hit
when one of its expected templates is first (top-1) or among the first three (top-3).
Speed: a library of 300 templates (the shipped ones, then copies with their intents and
examples shuffled among topics, so the index has 300 distinct documents) and `suggest`
timed in-process per message, `time.perf_counter`, over `--repeat` passes; the index is
built once, as at start-up."""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

from assistant.drafting.library import load_library
from assistant.drafting.suggest import SuggestionIndex
from assistant.settings import Settings

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--misses", action="store_true", help="print the messages missed at top-3")
    args = parser.parse_args()

    library = load_library(Settings().templates_dir)
    cases = yaml.safe_load((HERE / "messages.yaml").read_text(encoding="utf-8"))
    unknown = {e for case in cases for e in case["expect"]} - set(library.templates)
    assert not unknown, f"messages.yaml expects unknown templates: {unknown}"
    top1 = top3 = 0
    for case in cases:
        ranked = [s.id for s in library.index.suggest(case["message"], limit=3)]
        top1 += bool(ranked[:1]) and ranked[0] in case["expect"]
        hit3 = any(r in case["expect"] for r in ranked)
        top3 += hit3
        if args.misses and not hit3:
            print(f"miss: {case['message']!r} -> {ranked} (expected {case['expect']})", file=sys.stderr)

    templates = list(library.templates.values())
    rng = random.Random(7)
    big = list(templates)
    while len(big) < args.size:
        source = copy.deepcopy(rng.choice(templates))
        donor = rng.choice(templates)
        source.meta.id = f"{source.meta.id}-{len(big)}"
        source.meta.intents = source.meta.intents[:2] + donor.meta.intents[:1]
        source.meta.examples = source.meta.examples[1:] + donor.meta.examples[:1]
        big.append(source)
    started = time.perf_counter()
    index = SuggestionIndex(big)
    build_ms = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(args.repeat):
        for case in cases:
            started = time.perf_counter()
            index.suggest(case["message"], limit=5)
            timings.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(timings, n=100, method="inclusive")
    n = len(cases)
    print("| Measure | Value | n |")
    print("|---|---|---|")
    print(f"| Top-1 accuracy, held-out messages | {top1 / n:.3f} ({top1}/{n}) | {n} |")
    print(f"| Top-3 accuracy, held-out messages | {top3 / n:.3f} ({top3}/{n}) | {n} |")
    print(f"| Suggest, {len(big)} templates, p50 | {quantiles[49]:.2f} ms | {len(timings)} |")
    print(f"| Suggest, {len(big)} templates, p95 | {quantiles[94]:.2f} ms | {len(timings)} |")
    print(f"| Index build, {len(big)} templates | {build_ms:.1f} ms | 1 |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
