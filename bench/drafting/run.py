"""Template suggestion: accuracy on held-out customer messages, and speed at 300 templates.

    PYTHONPATH=. .venv/bin/python bench/drafting/run.py

Accuracy: each message in messages.yaml (written for this benchmark, not the templates'
own examples) is ranked against the shipped library, on no particular channel; a hit
when one of its expected templates is first (top-1) or among the first three (top-3).
Speed: a library of 300 templates (the shipped ones, then copies with their intents and
examples mixed with another template's, so the index has 300 distinct documents)
written as files to a temporary folder and loaded by the real loader (lint, compile,
index: timed once, as at start-up). Then, per message over `--repeat` passes,
`time.perf_counter` around `suggest()` in-process, and around `POST
/v1/templates/suggest` through the ASGI app (FastAPI's TestClient: validation,
routing, JSON, no network)."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from assistant.drafting.library import LiveLibrary, load_library
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
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for template in templates:
            target = root / template.meta.topic / template.path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(template.path.read_text(encoding="utf-8"), encoding="utf-8")
        for number in range(len(templates), args.size):
            source, donor = rng.choice(templates), rng.choice(templates)
            text = source.path.read_text(encoding="utf-8")
            new_id = f"{source.id}-{number}"
            text = text.replace(f"id: {source.id}\n", f"id: {new_id}\n", 1)
            text = text.replace("intents:\n", f"intents:\n- {donor.meta.intents[0]}\n", 1)
            text = text.replace("examples:\n", f"examples:\n- {yaml.safe_dump(donor.meta.examples[-1]).strip()}\n", 1)
            (root / source.meta.topic / f"{new_id}.md").write_text(text.replace("\n...\n", "\n"), encoding="utf-8")
        started = time.perf_counter()
        big = load_library(root)
        load_ms = (time.perf_counter() - started) * 1000
        assert len(big.templates) == args.size, len(big.templates)
        direct, http = [], []
        client = _client(root)
        for _ in range(args.repeat):
            for case in cases:
                started = time.perf_counter()
                big.index.suggest(case["message"], limit=5)
                direct.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                response = client.post("/v1/templates/suggest", json={"message": case["message"], "channel": "email"})
                http.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
    timings = direct
    quantiles = statistics.quantiles(timings, n=100, method="inclusive")
    http_q = statistics.quantiles(http, n=100, method="inclusive")
    n = len(cases)
    print("| Measure | Value | n |")
    print("|---|---|---|")
    print(f"| Top-1 accuracy, held-out messages | {top1 / n:.3f} ({top1}/{n}) | {n} |")
    print(f"| Top-3 accuracy, held-out messages | {top3 / n:.3f} ({top3}/{n}) | {n} |")
    size = len(big.templates)
    print(f"| suggest(), {size} templates, p50 | {quantiles[49]:.2f} ms | {len(timings)} |")
    print(f"| suggest(), {size} templates, p95 | {quantiles[94]:.2f} ms | {len(timings)} |")
    print(f"| POST /v1/templates/suggest (ASGI), {size} templates, p50 | {http_q[49]:.2f} ms | {len(http)} |")
    print(f"| POST /v1/templates/suggest (ASGI), {size} templates, p95 | {http_q[94]:.2f} ms | {len(http)} |")
    print(f"| Load {size} templates (parse, lint, compile, index) | {load_ms:.0f} ms | 1 |")
    return 0


def _client(folder: Path):
    """The app over a stand-in Services holding only the library: suggest needs nothing else."""
    from types import SimpleNamespace

    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    services = SimpleNamespace(
        templates=LiveLibrary(folder),
        settings=Settings(),
        close=lambda: None,
        languagetool=SimpleNamespace(is_up=lambda: False),
        pipeline=SimpleNamespace(guide_for=lambda context: SimpleNamespace(id="default")),
    )
    app = create_app(services=services)  # type: ignore[arg-type]
    client = TestClient(app)
    client.__enter__()
    return client


if __name__ == "__main__":
    sys.exit(main())
