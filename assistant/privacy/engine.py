"""Presidio's analyzer and anonymizer, built once per process, fully offline.

The analyzer never parses: it is handed the request's spaCy Doc as NLP artifacts
(`analyze(text, doc)`). Its NLP engine therefore holds no model, only a blank English
vocabulary for stop words (Presidio would otherwise load, or download, a model by name).
No recognizer fetches anything: the email pattern is ours (Presidio's asks tldextract,
which downloads the public-suffix list)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from spacy.tokens import Doc

from .recognizers import ENTITIES, build_recognizers

# spaCy labels other than PERSON are not personal data on their own (places, dates, sums).
_IGNORED_LABELS = {"CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP", "ORDINAL",
                   "ORG", "PERCENT", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART"}


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
        result = self._doc_to_nlp_artifact(doc, "en")
        if any(not lemma for lemma in result.lemmas):  # no lemmatizer ran: context words match lower-cased
            result.lemmas = [token.lemma_ or token.lower_ for token in doc]
            result.keywords = NlpArtifacts.set_keywords(self, result.lemmas, "en")
        return result


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


_MASK_ALL = _keep_last(0)

# How each entity is masked in a suggestion and by /v1/redact (anonymizer operators).
OPERATORS: dict[str, OperatorConfig] = {
    "CREDIT_CARD": OperatorConfig("custom", {"lambda": _keep_last(4)}),
    "IBAN_CODE": OperatorConfig("custom", {"lambda": _keep_last(4)}),
    "UK_BANK_ACCOUNT": OperatorConfig("custom", {"lambda": _keep_last(4)}),
    "ACCOUNT_NUMBER": OperatorConfig("custom", {"lambda": _keep_last(4)}),
    "MPAN": OperatorConfig("custom", {"lambda": _keep_last(4)}),
    "MPRN": OperatorConfig("custom", {"lambda": _keep_last(4)}),
    "METER_SERIAL": OperatorConfig("custom", {"lambda": _keep_last(4)}),
    "PHONE_NUMBER": OperatorConfig("custom", {"lambda": _keep_last(3)}),
    "UK_NINO": OperatorConfig("custom", {"lambda": _MASK_ALL}),
    "UK_NHS": OperatorConfig("custom", {"lambda": _MASK_ALL}),
    "UK_PASSPORT": OperatorConfig("custom", {"lambda": _MASK_ALL}),
    "UK_DRIVING_LICENCE": OperatorConfig("custom", {"lambda": _MASK_ALL}),
    "PASSWORD": OperatorConfig("replace", {"new_value": "[password removed]"}),
    "ONE_TIME_CODE": OperatorConfig("replace", {"new_value": "[code removed]"}),
    "SECURITY_ANSWER": OperatorConfig("replace", {"new_value": "[answer removed]"}),
    "API_KEY": OperatorConfig("replace", {"new_value": "[key removed]"}),
    "EMAIL_ADDRESS": OperatorConfig("replace", {"new_value": "[email address]"}),
    "PERSON": OperatorConfig("replace", {"new_value": "[name]"}),
    "UK_POSTCODE": OperatorConfig("replace", {"new_value": "[postcode]"}),
    "STREET_ADDRESS": OperatorConfig("replace", {"new_value": "[address]"}),
    "DATE_OF_BIRTH": OperatorConfig("replace", {"new_value": "[date of birth]"}),
    "IP_ADDRESS": OperatorConfig("replace", {"new_value": "[IP address]"}),
    "DEFAULT": OperatorConfig("replace", {"new_value": "[removed]"}),
}


@dataclass(frozen=True)
class Detection:
    entity: str
    start: int
    end: int
    score: float


class PrivacyEngine:
    """What a check and the redact route ask: detections in a text, given its Doc, and masking."""

    def __init__(self, score_threshold: float = 0.5, cache_size: int = 4096) -> None:
        self.nlp_engine = SharedDocNlpEngine()
        registry = RecognizerRegistry(recognizers=build_recognizers(), supported_languages=["en"])
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=self.nlp_engine, supported_languages=["en"])
        self.anonymizer = AnonymizerEngine()
        self.score_threshold = score_threshold
        self.entities = list(ENTITIES)
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, tuple[tuple[int, int, str], ...]], list[Detection]] = {}

    def detect(self, text: str, doc: Doc, entities: Iterable[str] | None = None) -> list[Detection]:
        """Personal data and secrets in `text`, which `doc` is the parse of."""
        results = self.analyzer.analyze(
            text, language="en", entities=list(entities) if entities is not None else self.entities,
            nlp_artifacts=self.nlp_engine.artifacts(doc), score_threshold=self.score_threshold,
        )
        found = [Detection(r.entity_type, r.start, r.end, round(r.score, 3)) for r in results]
        return _resolve_overlaps([d for d in found if d.entity != "PERSON" or _is_name(text[d.start:d.end])])

    def detect_doc(self, doc: Doc) -> list[Detection]:
        """Detections in the whole of `doc.text`, block by block (paragraphs: text between
        blank lines), each block's result cached by its text and its names, so a re-check
        after an edit analyses only the paragraph that changed."""
        found: list[Detection] = []
        for start, end in _blocks(doc.text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not span.text.strip():
                continue
            names = tuple((e.start_char - span.start_char, e.end_char - span.start_char, e.label_) for e in span.ents)
            key = (span.text, names)
            cached = self._cache.get(key)
            if cached is None:
                cached = self.detect(span.text, span.as_doc())
                with self._lock:  # requests run on several threads
                    if len(self._cache) >= self.cache_size:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[key] = cached
            found.extend(Detection(d.entity, d.start + span.start_char, d.end + span.start_char, d.score)
                         for d in cached)
        return found

    def mask(self, text: str, spans: Iterable[tuple[str, int, int]]) -> str:
        """`text` with each (entity, start, end) masked by its entity's operator."""
        results = [RecognizerResult(entity, start, end, 1.0) for entity, start, end in spans]
        if not results:
            return text
        return self.anonymizer.anonymize(text=text, analyzer_results=results, operators=OPERATORS).text  # type: ignore[arg-type]

    def masked(self, entity: str, value: str) -> str:
        """What `value`, detected as `entity`, becomes when masked."""
        return self.mask(value, [(entity, 0, len(value))])


# Which entity wins when two spans overlap: the more specific, checked identifier.
# A value behind its label ("MPRN is ...") beats a checksum that passes by chance.
_PRIORITY = {name: rank for rank, name in enumerate((
    "API_KEY", "CREDIT_CARD", "IBAN_CODE", "UK_BANK_ACCOUNT", "PASSWORD", "SECURITY_ANSWER", "ONE_TIME_CODE", "MPRN",
    "METER_SERIAL", "UK_PASSPORT", "DATE_OF_BIRTH", "MPAN", "UK_NHS", "UK_NINO", "UK_DRIVING_LICENCE",
    "EMAIL_ADDRESS", "ACCOUNT_NUMBER", "PHONE_NUMBER", "IP_ADDRESS", "STREET_ADDRESS", "UK_POSTCODE", "PERSON",
))}
# spaCy's small model calls codes names ("K09A771234", "CUST-204418"): a name is words
# of letters with a lower-case letter, capitalised.
_NAME = re.compile(r"^(?:[A-Z][a-z'’.-]*[a-z][a-z'’.-]*|[A-Z]\.?)(?:[ -](?:[A-Z][a-z'’.-]*|[A-Z]\.?|[a-z]{2,3}))*$")
_NOT_NAMES = frozenset({"sir", "madam", "sir or madam", "there", "team", "all"})


def _is_name(value: str) -> bool:
    return bool(_NAME.match(value)) and value.lower() not in _NOT_NAMES


_BLANK_LINE = re.compile(r"(?:\r?\n|\r)[^\S\r\n]*(?:\r?\n|\r)\s*")


def _blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of the runs of text between blank lines."""
    blocks, at = [], 0
    for match in _BLANK_LINE.finditer(text):
        if match.start() > at:
            blocks.append((at, match.start()))
        at = match.end()
    if at < len(text):
        blocks.append((at, len(text)))
    return blocks


def _resolve_overlaps(found: list[Detection]) -> list[Detection]:
    ranked = sorted(found, key=lambda d: (_PRIORITY.get(d.entity, 99), -d.score, -(d.end - d.start)))
    kept: list[Detection] = []
    for d in ranked:
        if not any(d.start < k.end and k.start < d.end for k in kept):
            kept.append(d)
    return sorted(kept, key=lambda d: (d.start, d.end))
