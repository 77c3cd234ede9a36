"""Permanent-record risks, for the confidentiality check: wording that must not go into
writing (DEAL.K9) — admitting liability, guessing at causes, disparaging anyone, legal or
medical advice beyond an agent's authority — as phrase rules on spaCy's Matcher, and
press or media enquiries, which the media team answers (UTIL.K5).

Rules are data in the guide's `confidentiality.risks` section; each phrase is tokenised
once by a blank English tokenizer and matched on lower-cased tokens of the request's Doc."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import spacy
from pydantic import Field, field_validator
from spacy.matcher import Matcher
from spacy.tokens import Doc

from ..caching import Cache
from ..guide import Section
from ..model import Severity
from ..privacy.engine import sentence_spans

Span = tuple[int, int]


MEDIA_WORDS = (
    "journalist",
    "reporter",
    "press office",
    "press enquiry",
    "media enquiry",
    "newspaper",
    "for an article",
    "for a story",
    "for a feature",
    "writing a piece",
    "on behalf of the bbc",
    "editor at",
    "comment for publication",
    "a statement for",
)


class RiskRule(Section):
    id: str = Field(description="rule id under confidentiality., e.g. liability")
    severity: Severity = Severity.warning
    message: str = Field(description="what to do instead")
    phrases: list[str] = Field(description="wording that triggers it, matched word by word, any case")
    criteria: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list, description="replacement wording, best first")


class RiskRules(Section):
    enabled: bool = True
    rules: list[RiskRule] = Field(default_factory=lambda: _default_rules(), description="phrase rules (default: ours)")
    media_words: list[str] = Field(
        default_factory=lambda: list(MEDIA_WORDS),
        description="a customer message with one of these is a press or media enquiry",
    )
    media_team: str = Field("our media team", description="who answers press and media enquiries")

    @field_validator("rules")
    @classmethod
    def _declared_ids(cls, rules: list[RiskRule]) -> list[RiskRule]:
        """A guide changes the built-in rules' phrases, messages and severities; their ids
        are declared rules of the check (`tactful rules`), so a new id cannot fire."""
        known = [rule.id for rule in _default_rules()]
        unknown = sorted({rule.id for rule in rules} - set(known))
        if unknown:
            raise ValueError(f"unknown risk rule id {', '.join(unknown)}; the rules are {', '.join(known)}")
        return rules

    def find(self, doc: Doc, spans: list[Span]) -> Iterator[tuple[RiskRule, int, int]]:
        """Each rule match in `doc` that starts inside one of `spans`, longest first per place.
        Matched sentence by sentence, each sentence's matches cached by its text."""
        if doc is None or not self.rules:
            return
        key = tuple((r.id, tuple(r.phrases)) for r in self.rules)
        matcher = _matcher(doc.vocab, key)
        by_id = {r.id: r for r in self.rules}
        for sentence in sentence_spans(doc):
            if not any(s <= sentence.start_char < e for s, e in spans):
                continue
            found = _SENTENCE_MATCHES.get((key, sentence.text))
            if found is None:
                found = _longest_first(doc, sentence, matcher)
                _SENTENCE_MATCHES.put((key, sentence.text), found)
            for rule_id, start, end in found:
                place = (sentence.start_char + start, sentence.start_char + end)
                if any(s <= place[0] < e for s, e in spans):
                    yield by_id[rule_id], *place

    def media_enquiry(self, messages: list[str]) -> bool:
        pattern = _words_pattern(tuple(self.media_words))
        return pattern is not None and any(pattern.search(m) for m in messages)


# A sentence's matches, by the guide's rules and the sentence's text (one per process, as
# the rules are the guide's data: two guides with the same rules share entries).
_SENTENCE_MATCHES: Cache[tuple[Any, str], tuple[tuple[str, int, int], ...]] = Cache(
    "confidentiality.risk_sentences", 4096
)


def _longest_first(doc: Doc, sentence: Any, matcher: Matcher) -> tuple[tuple[str, int, int], ...]:
    """(rule id, start, end) of the matches in `sentence`, offsets into its text; of
    overlapping matches the earliest and longest."""
    taken: list[tuple[str, int, int]] = []
    for match_id, start, end in sorted(matcher(sentence), key=lambda m: (m[1], -m[2])):
        span = sentence[start:end]
        place = (span.start_char - sentence.start_char, span.end_char - sentence.start_char)
        if not any(place[0] < t[2] and t[1] < place[1] for t in taken):
            taken.append((doc.vocab.strings[match_id], *place))
    return tuple(taken)


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:
    return spacy.blank("en").tokenizer


@functools.lru_cache(maxsize=32)
def _matcher(vocab: Any, rules: tuple[tuple[str, tuple[str, ...]], ...]) -> Matcher:
    matcher = Matcher(vocab)
    tokenize = _tokenizer()
    for rule_id, phrases in rules:
        patterns = [[{"LOWER": token.lower_} for token in tokenize(p) if not token.is_space] for p in phrases]
        matcher.add(rule_id, [p for p in patterns if p])
    return matcher


@functools.lru_cache(maxsize=32)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b", re.IGNORECASE)


def default_risks() -> RiskRules:
    return RiskRules()


def _default_rules() -> list[RiskRule]:
    return [
        RiskRule(
            id="liability",
            severity=Severity.warning,
            message="This admits liability or negligence in writing. Apologise for what the customer went "
            "through and say what happens next; whether we are liable is for the claims team to decide.",
            phrases=[
                "our fault",
                "entirely our fault",
                "completely our fault",
                "we are liable",
                "we're liable",
                "we accept liability",
                "we accept full liability",
                "we accept full responsibility",
                "we were negligent",
                "our negligence",
                "we admit",
                "we caused the damage",
                "we are to blame",
                "we're to blame",
                "our engineer caused",
                "our engineer damaged",
                "we damaged your",
                "we will pay for the damage",
                "we'll pay for the damage",
            ],
            criteria=["DEAL.K9", "UTIL.K3", "UTIL.K7", "RELATE.K15"],
            suggestions=["I'm sorry for the trouble this has caused"],
        ),
        RiskRule(
            id="speculation",
            severity=Severity.warning,
            message="This guesses at a cause. In writing a guess reads as fact: say what you know and when "
            "you will confirm the cause.",
            phrases=[
                "probably caused by",
                "was probably",
                "must have been",
                "i suspect",
                "we suspect",
                "my guess is",
                "i guess",
                "i reckon",
                "presumably",
                "i assume it was",
                "it looks like someone",
                "most likely caused by",
                "it might have been",
            ],
            criteria=["DEAL.K9", "UTIL.P2", "PROBLEMS.P18"],
            suggestions=["we are looking into the cause and will confirm it by"],
        ),
        RiskRule(
            id="disparagement",
            severity=Severity.warning,
            message="This disparages someone (a colleague, another company or the customer). It stays on the "
            "record and may be read by them: describe what happened without judging anyone.",
            phrases=[
                "useless",
                "incompetent",
                "idiot",
                "idiots",
                "clueless",
                "hopeless",
                "lazy",
                "a joke",
                "a shambles",
                "cowboys",
                "rubbish company",
                "can't do their job",
                "cannot do their job",
                "don't know what they are doing",
                "don't know what they're doing",
            ],
            criteria=["DEAL.P20", "RELATE.K12", "UTIL.K2", "DEAL.K9"],
        ),
        RiskRule(
            id="advice_beyond_authority",
            severity=Severity.warning,
            message="This gives legal or medical advice, which is beyond an agent's authority. Point the "
            "customer to a qualified source (Citizens Advice, the Ombudsman, their GP or NHS 111) "
            "instead.",
            phrases=[
                "you should sue",
                "you could sue",
                "take us to court",
                "take them to court",
                "you have a strong case",
                "you would win",
                "you'd win",
                "legally entitled",
                "in my legal opinion",
                "stop taking your medication",
                "stop taking your medicine",
                "it is safe to take",
                "it's safe to take",
                "you don't need to see a doctor",
                "no need to see a doctor",
            ],
            criteria=["UTIL.K4", "UTIL.K7", "UTIL.K14", "RELATE.K15"],
        ),
        RiskRule(
            id="media",
            severity=Severity.warning,
            message="This speaks for the organisation on or off the record. Statements to press or media come "
            "from the media team only.",
            phrases=[
                "off the record",
                "on the record",
                "no comment",
                "for your article",
                "for your story",
                "you can quote me",
            ],
            criteria=["UTIL.K5", "DEAL.K9"],
        ),
    ]
