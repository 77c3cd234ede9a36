"""Running rules over a document, scope by scope, as Vale does: each rule sees the blocks
of its scope (the text, each sentence, each paragraph, each heading) and its alerts are
moved back to offsets in the whole document."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .rules import Alert, Memory, Rule, Token

Span = tuple[int, int]
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")


@dataclass
class Document:
    """The text rules run on (anything out of scope already blanked, offsets kept) and
    its blocks per scope. `tokens` gives a sentence's tagged words (for `sequence`)."""

    text: str
    blocks: dict[str, list[Span]]
    tokens: Callable[[Span], list[Token]] | None = None


@dataclass
class BlockView:
    text: str
    sentences: int = 1
    tokens: list[Token] = field(default_factory=list)

    def sentence_count(self) -> int:
        return self.sentences


@dataclass(frozen=True)
class Hit:
    """An alert of a named rule, with offsets into the whole document."""

    name: str
    rule: Rule
    alert: Alert
    start: int
    end: int


def count_sentences(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text))) if text.strip() else 0


def run_rules(rules: Mapping[str, Rule], doc: Document) -> Iterator[Hit]:
    memories: dict[str, Memory] = {}
    for name, rule in rules.items():
        memory = memories.setdefault(name, Memory())
        for start, end in doc.blocks.get(rule.scope_name, ()):
            chunk = doc.text[start:end]
            if not chunk.strip():
                continue
            tokens = doc.tokens((start, end)) if (rule.uses_tags and doc.tokens) else []
            view = BlockView(chunk, count_sentences(chunk), [
                Token(t.text, t.tag, t.start - start, t.end - start) for t in tokens
            ])
            for alert in rule.run(view, memory):
                yield Hit(name, rule, alert, start + alert.start, start + alert.end)


def paragraphs(text: str) -> list[Span]:
    """Blocks separated by blank lines."""
    return [m.span() for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text)]


def simple_sentences(text: str, spans: Sequence[Span]) -> list[Span]:
    out = []
    for start, end in spans:
        at = start
        for m in _SENTENCE_END.finditer(text, start, end):
            out.append((at, m.end()))
            at = m.end()
        if text[at:end].strip():
            out.append((at, end))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in out if text[s:e].strip()]
