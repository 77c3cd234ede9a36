"""Our recognizers, GB first, built from the entity table (entities.py: patterns as
(name, regex, score), context words, and the name of a check-digit rule in checksums.py
where one exists), with the few hooks that data cannot say.

Patterns run under Presidio's flags (case-insensitive); parts that must be capitals say
so with `(?-i:...)`. Identifiers that only a label makes personal (a passport number, a
one-time code) are matched behind that label with a look-behind, so the span is the
value alone. A value whose check digit fails scores 0 and is dropped; one that passes
scores 1."""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
import regex
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    LocalRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from . import checksums
from .entities import ENTITIES, Entity
from .secrets import SecretsRecognizer

VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": checksums.luhn,
    "iban": checksums.iban,
    "nhs_number": checksums.nhs_number,
    "nino": checksums.nino,
    "mpan_core": checksums.mpan_core,
    "sort_code_or_account": lambda text: len(set(checksums.digits(text))) > 1,
}


# North American numbers are written as NHS numbers are (3-3-4 digits), and one in eleven
# passes the NHS check digit: one with a country or area-code mark, or one given as a
# number to call with no word of health around it, is a phone number.
_NANP_MARK = regex.compile(r"(?:\+?1[ .-]?\(?|\()$")
_PHONE_WORDS = regex.compile(r"\b(?:call|calling|phone|dial|text|reach|ring|tel|fax|toll|free|line|hotline)\b", regex.I)
_HEALTH_WORDS = regex.compile(r"\b(?:nhs|health|patient|gp|hospital|surgery|medical|prescription)\b", regex.I)


def _phone_not_nhs(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 4) : start]
    if _NANP_MARK.search(before) or regex.match(r"\)", text[end : end + 1]):
        return True
    window = text[max(0, start - 60) : end + 30]
    return bool(_PHONE_WORDS.search(window)) and not _HEALTH_WORDS.search(window)


# Other reasons a match of an entity's pattern is not that entity, from the text around it.
def _not_a_phone(text: str, start: int, end: int) -> bool:
    """Too few or too many digits for a phone number, or an order or reference number."""
    number = regex.split(r"[ ]?(?:x|ext)", text[start:end])[0]
    if not 8 <= len(checksums.digits(number)) <= 15 or _NOT_A_PHONE.search(text[max(0, start - 40) : start]):
        return True
    if _NAMED_AFTER.match(text, end):  # "..., 5021 3346 7789, is the transaction reference"
        return True
    return _organisation_number(number)


def _organisation_number(number: str) -> bool:
    """Freephone, shared-cost and premium numbers (1-800, 0800, 0345) are organisations'."""
    for region in ("US", "GB"):
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.number_type(parsed) in UkFirstPhoneRecognizer.ORGANISATION_TYPES:
            return True
    return False


_NOT_IN_CONTEXT: dict[str, Callable[[str, int, int], bool]] = {"UK_NHS": _phone_not_nhs, "PHONE_NUMBER": _not_a_phone}


class CheckedPatternRecognizer(PatternRecognizer):
    """A PatternRecognizer from an entity's description: its check digit in `validate_result`, its deny
    list (values that are words, not secrets) in `invalidate_result`."""

    def __init__(self, spec: Entity) -> None:
        super().__init__(
            supported_entity=spec.id,
            name=f"tactful:{spec.id.lower()}",
            patterns=[Pattern(name, pattern, score) for name, pattern, score in spec.patterns],
            context=list(spec.context),
        )
        self._validate = VALIDATORS[spec.validate] if spec.validate else None
        self._deny = frozenset(spec.deny)
        self._not_in_context = _NOT_IN_CONTEXT.get(spec.id)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if self._not_in_context is None:
            return found
        return [r for r in found if not self._not_in_context(text, r.start, r.end)]

    def validate_result(self, pattern_text: str) -> bool | None:
        return self._validate(pattern_text) if self._validate else None

    def invalidate_result(self, pattern_text: str) -> bool | None:
        return pattern_text.lower().strip("'\"“”‘’") in self._deny if self._deny else None


# A number after one of these is an order or tracking reference, not a phone number.
_NOT_A_PHONE = regex.compile(
    r"\b(?:(?:order|ref|reference|tracking|invoice|parcel|case|ticket|booking|transaction|serial|meter|mpan|mprn|"
    r"membership|member|policy|customer|loyalty|claim|registration|licence|license|passport|vat|tax)"
    r"[^\S\n]*(?:no\.?|number|#)?|account[^\S\n]*(?:no\.?|number|#))[^\S\n]*(?:is|:)?[^\S\n]*#?$",
    regex.IGNORECASE,
)


_PART_OF_A_TOKEN = regex.compile(r"[\w/.\-]")

_NAMED_AFTER = regex.compile(
    r"[\s,)]*(?:is|was)[^\S\n]+(?:the|your|our)[^\S\n]+(?:\w+[^\S\n]+)?"
    r"(?:reference|order|transaction|invoice|receipt|tracking|booking|serial|account|case|ticket)\b",
    regex.IGNORECASE,
)

NAME = "tactful:phone_number"


class UkFirstPhoneRecognizer(LocalRecognizer):
    """phonenumbers' matcher, GB first (a national number is read as British). A valid
    number scores 0.7; one that is only possible (the right length, an unallocated range:
    still someone's number, mistyped or new) 0.55. Freephone, shared-cost, premium and
    non-geographic numbers are organisations', not people's; a number right after "order"
    or "reference" is that, not a phone number."""

    VALID, POSSIBLE = 0.7, 0.55
    CONTEXT = ["phone", "telephone", "mobile", "call", "ring", "number", "tel", "text", "whatsapp"]
    ORGANISATION_TYPES = frozenset(
        {
            phonenumbers.PhoneNumberType.TOLL_FREE,
            phonenumbers.PhoneNumberType.PREMIUM_RATE,
            phonenumbers.PhoneNumberType.SHARED_COST,
            phonenumbers.PhoneNumberType.UAN,
        }
    )

    def __init__(self, region: str = "GB") -> None:
        super().__init__(supported_entities=["PHONE_NUMBER"], name=NAME, context=self.CONTEXT)
        self.region = region

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        found = []
        for match in phonenumbers.PhoneNumberMatcher(text, self.region, leniency=phonenumbers.Leniency.POSSIBLE):
            raw = match.raw_string
            if not raw.lstrip("(").startswith(("0", "+")) or sum(c.isdigit() for c in raw) < 10:
                continue
            if match.start and _PART_OF_A_TOKEN.match(text[match.start - 1]):
                continue  # the tail of a link or a code: ".../document/c03754824 1/2"
            if _NOT_A_PHONE.search(text[max(0, match.start - 40) : match.start]):
                continue
            valid = phonenumbers.is_valid_number(match.number)
            if valid and phonenumbers.number_type(match.number) in self.ORGANISATION_TYPES:
                continue
            found.append(
                RecognizerResult(
                    "PHONE_NUMBER",
                    match.start,
                    match.end,
                    self.VALID if valid else self.POSSIBLE,
                    analysis_explanation=AnalysisExplanation(NAME, self.VALID if valid else self.POSSIBLE),
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: NAME,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return found


def build_recognizers() -> list[EntityRecognizer]:
    recognizers: list[EntityRecognizer] = [
        CheckedPatternRecognizer(entity) for entity in ENTITIES.values() if entity.patterns
    ]
    recognizers.append(UkFirstPhoneRecognizer())
    recognizers.append(SecretsRecognizer())
    recognizers.append(SpacyRecognizer(supported_entities=["PERSON"], ner_strength=0.85, name="tactful:person"))
    return recognizers


__all__ = ["build_recognizers", "LocalRecognizer"]
