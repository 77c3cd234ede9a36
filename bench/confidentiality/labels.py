"""The labelled set: tests/data/confidentiality.txt (replies with [[TYPE|value]] marks)
read into texts and gold spans, and written as tests/data/confidentiality.jsonl."""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
SOURCE = DATA / "confidentiality.txt"
JSONL = DATA / "confidentiality.jsonl"
HOLDOUT_SOURCE = DATA / "confidentiality_holdout.txt"
HOLDOUT = DATA / "confidentiality_holdout.jsonl"
MARK = re.compile(r"\[\[([A-Z_]+)\|(.+?)\]\]")


def parse(source: str) -> list[dict]:
    body = "\n".join(line for line in source.splitlines() if not line.startswith("#"))
    replies = []
    for block in re.split(r"^---$", body, flags=re.MULTILINE):
        block = block.strip("\n")
        if not block.strip():
            continue
        text, entities, at = [], [], 0
        position = 0
        for match in MARK.finditer(block):
            text.append(block[at : match.start()])
            position += match.start() - at
            value = match.group(2)
            entities.append({"type": match.group(1), "start": position, "end": position + len(value)})
            text.append(value)
            position += len(value)
            at = match.end()
        text.append(block[at:])
        replies.append({"text": "".join(text), "entities": entities})
    return replies


def load(path: Path = JSONL) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


if __name__ == "__main__":
    for source, target in ((SOURCE, JSONL), (HOLDOUT_SOURCE, HOLDOUT)):
        rows = parse(source.read_text(encoding="utf-8"))
        target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        types = {e["type"] for r in rows for e in r["entities"]}
        print(f"{len(rows)} replies, {sum(len(r['entities']) for r in rows)} entities, {len(types)} types -> {target}")
