"""Which templates answer an incoming customer message: BM25+ (rank-bm25) over each
template's title, intents and example messages, built once when the library loads.

Words are lower-cased, stop words dropped and light suffixes stripped, so "billed",
"bills" and "billing" meet. BM25+ rather than plain BM25: a word found in most
templates still counts a little, where plain BM25's idf goes to zero or below (a
small organisation library would then suggest nothing). Each suggestion says why: the message's terms it matched."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rank_bm25 import BM25Plus

from ..model import Channel

if TYPE_CHECKING:
    from .templates import Template

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOP_WORDS = frozenset(
    """
a about above after again all am an and any are as at be been before being below between both but by can
could did do does doing down during each few for from further had has have having he her here hers him his
how i i'd i'll i'm i've if in into is it it's its itself just me more most my myself no nor not now of off
on once only or other our ours out over own same she should so some such than that that's the their theirs
them then there these they this those through to too under until up very was we we're were what when where
which while who whom why will with would you you're your yours yourself hi hello hey thanks thank please
dear regards cheers get got im ive dont can't don't still just also really one two
""".split()
)
TITLE_WEIGHT, INTENT_WEIGHT = 2, 2


def stem(word: str) -> str:
    """A light stemmer: enough for support vocabulary, no model to load."""
    word = word.replace("'", "")
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + keep
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # "billing" -> "bill", "stopped" -> "stop", "planned" -> "plan"
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1]


@dataclass(frozen=True)
class Suggestion:
    id: str
    title: str
    topic: str
    score: float
    matched: list[str]


class SuggestionIndex:
    def __init__(self, templates: Sequence[Template]) -> None:
        self.templates = list(templates)
        documents = []
        for template in self.templates:
            meta = template.meta
            words = terms(meta.title) * TITLE_WEIGHT
            for intent in meta.intents:
                words += terms(intent) * INTENT_WEIGHT
            for example in meta.examples:
                words += terms(example)
            documents.append(words or ["_"])
        self.vocabulary = [set(document) for document in documents]
        self.bm25 = BM25Plus(documents) if documents else None

    def suggest(
        self, message: str, channel: Channel | None = None, thread: Sequence[str] = (), limit: int = 5
    ) -> list[Suggestion]:
        """The best `limit` templates serving `channel`, best first; none if no term matched."""
        query = terms(message)
        for earlier in thread[-3:]:  # the customer's earlier words count, once
            query += [t for t in terms(earlier) if t not in query]
        if not query or self.bm25 is None:
            return []
        scores = self.bm25.get_scores(query)
        ranked = sorted(range(len(self.templates)), key=lambda i: -scores[i])
        suggestions: list[Suggestion] = []
        for i in ranked:
            if scores[i] <= 0 or len(suggestions) >= limit:
                break
            template = self.templates[i]
            if channel is not None and channel not in template.meta.channels:
                continue
            matched = sorted({t for t in query if t in self.vocabulary[i]})
            suggestions.append(
                Suggestion(template.id, template.meta.title, template.meta.topic, round(float(scores[i]), 3), matched)
            )
        return suggestions
