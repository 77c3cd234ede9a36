"""The spaCy pipeline, loaded once per process from an installed package."""

from __future__ import annotations

import functools
import importlib.util
import re
import threading
from collections.abc import Sequence

import spacy
from spacy.attrs import IDX, ORTH, SENT_START
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from .caching import Cache
from .patterns import LINK
from .text import Sentence


class ModelMissing(RuntimeError):
    """The spaCy model package is not installed; the message says how to install it."""


_CLITICS = ("'", "’", "n't", "n’t")


@functools.lru_cache(maxsize=65536)
def is_word(token_text: str) -> bool:
    """A letter or digit in it (not punctuation or emoji); a contraction ("you're",
    "don't") is one word although spaCy splits it in two."""
    return any(char.isalnum() for char in token_text) and not token_text.lower().startswith(_CLITICS)


def split_sentences(doc: Doc, not_words: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    """The Doc's sentences, trimmed of whitespace, with their word counts. Tokens inside
    `not_words` (sorted spans: links, @handles, codes) are no words a reader reads.

    One pass over a numpy view of the tokens: iterating Span objects costs more than
    the parse itself on a long email."""
    strings = doc.vocab.strings
    sentences: list[Sentence] = []
    start, end, words = -1, 0, 0
    skips = iter(not_words)
    next_skip = next(skips, None)
    for orth, sent_start, idx in doc.to_array([ORTH, SENT_START, IDX]).tolist():
        while next_skip is not None and next_skip[1] <= idx:
            next_skip = next(skips, None)
        if sent_start == 1 and start >= 0:
            sentences.append(Sentence(start, end, words))
            start, words = -1, 0
        text = strings[orth]
        if text.isspace():
            continue
        if start < 0:
            start = idx
        end = idx + len(text)
        words += is_word(text) and not (next_skip is not None and next_skip[0] <= idx)
    if start >= 0:
        sentences.append(Sentence(start, end, words))
    return sentences


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: greetings, sign-offs and list items have no full stop,
    and sentence splitters run them into the next sentence. Runs first: the parser and the
    sentencizer keep boundaries set before them (spaCy refuses them after the parse)."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and ("\n" in previous.text or "\r" in previous.text):
            token.is_sent_start = True
    # "...steps here: https://... Let us know": a link has no full stop after it, yet a
    # capitalised word after one starts the next sentence.
    for start in _after_links(doc.text):
        word = doc.char_span(start, start + 1, alignment_mode="expand")
        if word is not None and word.start > 0 and word[0].is_title:
            word[0].is_sent_start = True
    return doc


def _after_links(text: str) -> set[int]:
    """Where the next word starts after each link that white space follows, past the
    punctuation that closes it ("(https://...). If yes": the link ends before the ")")."""
    if "http" not in text and "www." not in text:
        return set()
    starts = set()
    for link in _LINK.finditer(text):
        gap = _SPACE.match(text, link.end())
        if gap is not None:
            starts.add(gap.end())
    return starts


_SPACE = re.compile(r"[)\]}\"'”’.,;:!?]*\s+")


_LINK = LINK


class BoundedTokenizer:
    """spaCy's tokenizer, except that a run of more than `max_run` characters with no
    whitespace is cut into pieces of `max_run` as they stand. spaCy strips prefixes one
    at a time, copying the rest of the run each time: 5,000 emoji in a row took 10 s and
    held the interpreter lock all along. No word or link in a reply is that long."""

    def __init__(self, inner: Tokenizer, max_run: int = 64) -> None:
        self.inner = inner
        self.max_run = max_run
        self._long_run = re.compile(rf"\S{{{max_run + 1},}}")

    def __call__(self, text: str) -> Doc:
        if not self._long_run.search(text):
            return self.inner(text)
        words: list[str] = []
        spaces: list[bool] = []
        position = 0
        for match in self._long_run.finditer(text):
            self._append(text[position : match.start()], words, spaces)
            run = match.group()
            words.extend(run[i : i + self.max_run] for i in range(0, len(run), self.max_run))
            spaces.extend([False] * -(-len(run) // self.max_run))
            position = match.end()
        self._append(text[position:], words, spaces)
        return Doc(self.inner.vocab, words=words, spaces=spaces)

    def _append(self, text: str, words: list[str], spaces: list[bool]) -> None:
        for token in self.inner(text):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))


# Every request runs these: sentences are always needed (metrics). After the parser,
# when one runs, the sentencizer changes nothing.
ALWAYS = frozenset({"line_breaks", "sentencizer"})
# What a component reads from another besides a shared tok2vec (found via listeners).
_READS_FROM = {"attribute_ruler": {"tagger"}, "lemmatizer": {"attribute_ruler", "tagger"}}


def with_dependencies(nlp: Language, pipes: set[str] | frozenset[str]) -> set[str]:
    """`pipes` plus the components they read from, plus the ones every request runs."""
    needed = set(pipes) | ALWAYS
    for name in list(needed):
        needed |= _READS_FROM.get(name, set())
    for name, component in nlp.components:
        if needed & set(getattr(component, "listening_components", ())):
            needed.add(name)
    return needed


def disabled_for(nlp: Language, pipes: set[str] | frozenset[str]) -> list[str]:
    """The loaded components a request that needs `pipes` can skip."""
    needed = with_dependencies(nlp, pipes)
    return [name for name in nlp.pipe_names if name not in needed]


def load_nlp(model: str, pipes: set[str]) -> Language:
    """Load `model` by its package name with only the components the checks read.

    A component the model lacks but spaCy provides (e.g. the rule-based `sentencizer`)
    is added. Loading by package name never downloads; an unknown name would make
    spaCy try."""
    if importlib.util.find_spec(model) is None:
        raise ModelMissing(
            f"spaCy model package {model!r} is not installed. Run the setup script "
            "(scripts/setup.sh) or set TACTFUL_SPACY_MODEL to an installed model."
        )
    nlp = spacy.load(model)
    wanted = with_dependencies(nlp, pipes)
    for name in nlp.component_names:
        if name in wanted and name in nlp.disabled:
            nlp.enable_pipe(name)
        elif name not in wanted and name not in nlp.disabled:
            nlp.disable_pipe(name)
    if "sentencizer" not in nlp.component_names:
        nlp.add_pipe("sentencizer")
    for name in sorted(wanted - set(nlp.component_names) - ALWAYS):
        nlp.add_pipe(name)
    nlp.add_pipe("line_breaks", first=True)
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
    return nlp


class WordTagger:
    """Penn Treebank tags for words already split (a style rule's `pos:` reads words split
    on white space, as Vale does: 'back-end' is one word). Its own copy of the model with
    only the tagger and what it reads, loaded on the first call: a process whose guides
    have no such rule, or whose texts never hold the words, never loads it. Tags per
    sentence are kept: a re-check while the agent types asks again for the same words."""

    def __init__(self, model: str, cache_size: int = 1024) -> None:
        self.model = model
        self._nlp: Language | None = None
        self._lock = threading.Lock()
        self._cache: Cache[tuple[str, ...], tuple[str, ...]] = Cache("style.pos_tags", cache_size)

    def __call__(self, words: Sequence[str]) -> tuple[str, ...]:
        key = tuple(words)
        tags = self._cache.get(key)
        if tags is None:
            nlp = self._loaded()
            tags = tuple(token.tag_ for token in nlp(Doc(nlp.vocab, words=list(key))))
            self._cache.put(key, tags)
        return tags

    def _loaded(self) -> Language:
        with self._lock:
            if self._nlp is None:
                nlp = spacy.load(self.model)  # the same package the pipeline loaded (or refused) at start-up
                for name in disabled_for(nlp, {"tagger"}):
                    nlp.disable_pipe(name)
                self._nlp = nlp
            return self._nlp
