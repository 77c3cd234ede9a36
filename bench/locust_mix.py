"""What agents send, for the load test (bench/locustfile.py) and the soak (bench/soak.py).

An agent opens a ticket and starts a reply (a cold check: every paragraph new to the
caches of the service and LanguageTool), types, and the sidebar re-checks the draft on
every pause (a re-check: one word more in one paragraph, the others cached), then sends
it through the gate (`POST /v1/sends`: checked once more, recorded). One conversation
here: 1 cold check, RECHECKS re-checks, 1 send. The drafts are the bench corpus's
replies (bench/corpus/replies.jsonl), each made new by a reference number written into
every paragraph, so no two conversations share a paragraph.

No third-party import: bench/soak.py runs without locust.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus" / "replies.jsonl"
RECHECKS = 6  # pauses in typing per reply: the sidebar re-checks on each
TYPED = ("today", "again", "now", "too", "soon", "also", "still", "then")
_PARAGRAPH_END = re.compile(r"(?<=\S)(?=\n|$)")  # the end of every non-empty line
_NUMBERS = itertools.count(random.SystemRandom().randrange(10**6))  # another range per process
_LOCK = threading.Lock()


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _number() -> int:
    with _LOCK:
        return next(_NUMBERS)


def new_draft(item: dict) -> str:
    """The corpus reply with a reference number new to every cache in each paragraph."""
    n = _number()
    if item["format"] == "html":
        return item["text"].replace("</p>", f" Ref {n}.</p>")
    return _PARAGRAPH_END.sub(f" Ref {n}.", item["text"])


def typed(text: str, fmt: str, rng: random.Random) -> str:
    """One more word in one paragraph, as an agent typing: its paragraph is new, the
    others are as before."""
    word = rng.choice(TYPED)
    if fmt == "html":
        ends = [m.start() for m in re.finditer("</p>", text)]
    else:
        ends = [m.start() for m in _PARAGRAPH_END.finditer(text)]
    if not ends:
        return f"{text} {word}"
    at = rng.choice(ends)
    return f"{text[:at]} {word}{text[at:]}"


@dataclass(frozen=True)
class Step:
    """One request of a conversation: `kind` is cold, recheck or send."""

    kind: str
    path: str
    body: dict


def conversation(item: dict, rng: random.Random) -> Iterator[Step]:
    """The requests of one reply, in order: cold check, re-checks, send."""
    fields = {"channel": item["channel"], "audience": item["audience"], "format": item["format"]}
    text = new_draft(item)
    yield Step("cold", "/v1/check", {"text": text, **fields})
    for _ in range(RECHECKS):
        text = typed(text, item["format"], rng)
        yield Step("recheck", "/v1/check", {"text": text, **fields})
    yield Step("send", "/v1/sends", {"text": text, **fields})


def steps(items: list[dict], seed: int) -> Iterator[Step]:
    """One agent's requests, conversation after conversation, without end."""
    rng = random.Random(seed)
    while True:
        yield from conversation(rng.choice(items), rng)


def grammar_failure(kind: str, answer: dict) -> str | None:
    """None when the grammar check of a check's or a send's answer ran; else its
    status and why (the detail names the server and the error, never the draft)."""
    report = answer["report"] if kind == "send" else answer
    grammar = report["checks"]["grammar"]
    if grammar["status"] == "ok":
        return None
    return f"grammar {grammar['status']}: {(grammar.get('detail') or '')[:120]}"
