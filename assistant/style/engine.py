"""Running rules over a document, scope by scope, as Vale does: each rule sees the blocks
of its scope (the text, each sentence, each paragraph, each heading) and its alerts are
moved back to offsets in the whole document."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .pos import Tagger, tagged
from .rules import Alert, Memory, Rule, Token, text_words, word_starts

Span = tuple[int, int]
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")


@dataclass
class Document:
    """The text rules run on (anything out of scope already blanked, offsets kept) and
    its blocks per scope. `tokens` gives a sentence's tagged words (for `sequence`);
    `tagger` tags words a `pos:` rule asks about, only when it asks."""

    text: str
    blocks: dict[str, list[Span]]
    tokens: Callable[[Span], list[Token]] | None = None
    tagger: Tagger | None = None


@dataclass
class BlockView:
    text: str
    sentences: int | None = None
    tokens: list[Token] = field(default_factory=list)
    tagger: Tagger | None = None

    _words: tuple[frozenset[str], frozenset[str]] | None = None
    _starts: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None

    def word_index(self, ignorecase: bool) -> dict[str, list[int]]:
        """Where each word starts (keys in lower case when `ignorecase`)."""
        if self._starts is None:
            self._starts = word_starts(self.text)
        return self._starts[1] if ignorecase else self._starts[0]

    def word_set(self, ignorecase: bool) -> frozenset[str]:
        """The block's words (lower case when `ignorecase`), for rules that skip work."""
        if self._words is None:
            self._words = text_words(self.text)
        return self._words[1] if ignorecase else self._words[0]

    def tagged(self, start: int, end: int) -> str | None:
        return tagged(self.text, start, end, self.tagger) if self.tagger is not None else None

    def sentence_count(self) -> int:
        if self.sentences is None:
            self.sentences = count_sentences(self.text)
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
    """Every alert of every rule. A rule made of word lists is skipped when none of its
    first words is in the text (a set lookup instead of a scan: most rules of a large
    guide have nothing to find in a short reply)."""
    words, lower = text_words(doc.text)
    views: dict[tuple[int, int], BlockView] = {}
    for name, rule in rules.items():
        needed, ignorecase, scope, limit = _plan(rule)
        if needed is not None and needed.isdisjoint(lower if ignorecase else words):
            continue
        memory = Memory()
        left = limit or -1  # Vale's `limit`: at most this many alerts of the rule per document
        for start, end in doc.blocks.get(scope, ()):
            if left == 0:
                break
            chunk = doc.text[start:end]
            if not chunk.strip():
                continue
            if rule.uses_tags:
                tokens = doc.tokens((start, end)) if doc.tokens else []
                tags = [Token(t.text, t.tag, t.start - start, t.end - start) for t in tokens]
                view = BlockView(chunk, None, tags, doc.tagger)
            else:
                view = views.get((start, end)) or views.setdefault((start, end), BlockView(chunk, tagger=doc.tagger))
            for alert in rule.run(view, memory):
                if left == 0:
                    break
                left -= 1
                yield Hit(name, rule, alert, start + alert.start, start + alert.end)


_PLANS: dict[int, tuple[Rule, tuple[frozenset[str] | None, bool, str, int]]] = {}


def _plan(rule: Rule) -> tuple[frozenset[str] | None, bool, str, int]:
    """What run_rules asks of a rule before running it, worked out once per rule (rules
    live as long as their guide; the rule is kept with its plan so its id stays its own)."""
    held = _PLANS.get(id(rule))
    if held is None or held[0] is not rule:
        needed, ignorecase = rule.needs()
        held = _PLANS[id(rule)] = (rule, (needed, ignorecase, rule.scope_name, rule.limit))
    return held[1]


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
