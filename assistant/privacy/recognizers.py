"""Our recognizers, GB first, declared as data: entity, patterns (name, regex, score),
context words, and the name of a check-digit rule (checksums.py) where one exists.

Patterns run under Presidio's flags (case-insensitive); parts that must be capitals say
so with `(?-i:...)`. Identifiers that only a label makes personal (a passport number, a
one-time code) are matched behind that label with a look-behind, so the span is the
value alone. A value whose check digit fails scores 0 and is dropped; one that passes
scores 1."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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

from . import checksums, streets
from .secrets import SecretsRecognizer


@dataclass(frozen=True)
class Spec:
    entity: str
    patterns: tuple[tuple[str, str, float], ...]
    context: tuple[str, ...] = ()
    validate: str | None = None  # a function of checksums
    deny: tuple[str, ...] = field(default=())  # values that are never the entity (lower case)


_LABEL_END = r"[^\S\n]*(?:(?:no\.?|number|num|reference|ref)[^\S\n]*)?(?:(?:is|was|=|:|-)[^\S\n]*)?['\"“‘]?"
_SECURITY = r"\b(?:security[^\S\n]+answer|memorable[^\S\n]+(?:word|place|name))"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"

# Presidio's context words would not do: spaCy counts "call" a stop word, which Presidio skips.
_PHONE_WORD = (
    r"\b(?:call|phone|mobile|cell|tel|telephone|ring|text|contact|reach|whatsapp|landline"
    r"|(?:the|your)[^\S\n]+number[^\n.!?\d]{0,25}?\b(?:is|was|:))\b"
)
_GROUPED_DIGITS = (
    r"(?<![\w/.-])(?:\+\d{1,3}[ ]?)?(?:\(\d{1,5}\)[ ]?)?\d{1,5}(?:[ .-]?\d{2,5}){1,4}(?:[ ]?x\d{1,5})?(?![\w/-])"
)

SPECS: tuple[Spec, ...] = (
    Spec(
        "CREDIT_CARD",
        (("card number", r"(?<![\d-])[1-9](?:[ -]?\d){12,18}(?![\d-])", 0.3),),
        ("card", "visa", "mastercard", "amex", "debit", "credit", "maestro"),
        "luhn",
    ),
    Spec(
        "IBAN_CODE",
        (("iban", r"\b(?-i:[A-Z]{2}\d{2})(?:[ ]?(?-i:[A-Z0-9]){4}){2,7}(?:[ ]?(?-i:[A-Z0-9]){1,3})?\b", 0.3),),
        ("iban", "bank", "transfer"),
        "iban",
    ),
    Spec(
        "UK_BANK_ACCOUNT",
        (
            (
                "sort code and account",
                r"(?<!\d)\d{2}[- ]\d{2}[- ]\d{2}[^\S\n]*[,;/]?[^\S\n]*(?:(?:and|&)[^\S\n]+)?"
                r"(?:(?:account|acc|a/c)" + _LABEL_END + r")?\d{8}(?!\d)",
                0.85,
            ),
            ("labelled sort code", r"(?<=\bsort[\s-]?code" + _LABEL_END + r")\d{2}[- ]?\d{2}[- ]?\d{2}(?!\d)", 0.85),
            ("labelled bank account", r"(?<=\bbank[^\S\n]+account" + _LABEL_END + r")\d{8}(?!\d)", 0.85),
        ),
        ("sort", "account", "bank"),
        "sort_code_or_account",
    ),
    Spec(
        "ACCOUNT_NUMBER",
        (
            (
                "labelled account",
                r"(?<=\b(?:account|acct|a/c|customer|policy|membership)" + _LABEL_END + r"#?)"
                r"(?=[A-Z0-9-]*\d)(?-i:[A-Z0-9])[A-Z0-9-]{4,18}(?-i:[A-Z0-9])\b",
                0.8,
            ),
        ),
        ("account",),
    ),
    Spec(
        "UK_NINO",
        (
            (
                "nino",
                r"\b(?-i:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?"
                r"(?-i:[A-D])\b",
                0.5,
            ),
        ),
        ("national", "insurance", "nino", "ni"),
        "nino",
    ),
    Spec(
        "UK_NHS",
        (("nhs number", r"(?<![\d-])[4-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?![\d-])", 0.3),),
        ("nhs", "health", "patient", "gp"),
        "nhs_number",
    ),
    Spec(
        "UK_POSTCODE",
        (
            (
                "postcode",
                r"\b(?-i:(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|"
                r"[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
                r"[ ]?[0-9][ABD-HJLNP-UW-Z]{2})\b",
                0.6,
            ),
        ),
        ("postcode", "address"),
    ),
    Spec("STREET_ADDRESS", streets.PATTERNS, ("address", "live", "lives")),
    Spec("EMAIL_ADDRESS", (("email", r"\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b", 0.9),)),
    Spec(
        "DATE_OF_BIRTH",
        (
            (
                "labelled date of birth",
                r"(?<=\b(?:date[^\S\n]+of[^\S\n]+birth|d\.?o\.?b\.?|born|birthday)\b[^\n.!?\d]{0,20})"
                r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}"
                r"|\d{1,2}(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?" + _MONTH + r",?[ ]+(?:19|20)\d{2}"
                r"|" + _MONTH + r"[ ]+\d{1,2}(?:st|nd|rd|th)?,?[ ]+(?:19|20)\d{2})",
                0.85,
            ),
        ),
    ),
    Spec(
        "UK_PASSPORT",
        (("labelled passport", r"(?<=\bpassport" + _LABEL_END + r")(?:\d{9}|(?-i:[A-Z]{2})\d{7})\b", 0.85),),
    ),
    Spec(
        "UK_DRIVING_LICENCE",
        (("dvla licence", r"\b(?-i:[A-Z9]{5}\d[0156]\d{4}[A-Z9]{2}\d[A-Z]{2})(?:[ ]?\d{2})?\b", 0.7),),
        ("licence", "driving", "dvla"),
    ),
    Spec(
        "IP_ADDRESS",
        (
            (
                "ipv4",
                r"(?<!\b(?:version|firmware|release|build|v)[^\S\n]?)(?<![\d.])"
                r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
                r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)",
                0.6,
            ),
        ),
        ("ip", "address", "router"),
    ),
    Spec(
        "PASSWORD",
        (
            (
                "labelled password",
                r"(?<=\b(?:password|passcode|pass[ ]word|pwd|passphrase)[^\S\n]*(?:(?:is|was|to|:|=)"
                r"[^\S\n]*)+['\"“‘]?)[^\s'\"”’]{4,64}(?<![.,;!?])",
                0.85,
            ),
            (
                "password after a few words",
                r"(?<=\b(?:password|passphrase)\b[^\n.!?\d]{1,15}?\b"
                r"(?:is|was|(?:set|changed|reset|updated)(?:[ ]it)?[ ]to)[^\S\n]+['\"“‘]?)[^\s'\"”’]{4,64}(?<![.,;!?])",
                0.85,
            ),
            (
                "password-like value right after the word",
                r"(?<=\b(?:password|passcode)[^\S\n]+)(?=\S*[\d!#$%&*@^_])"
                r"(?=\S*[A-Za-z])[^\s'\"”’]{6,64}(?<![.,;!?])",
                0.7,
            ),
            ("labelled pin", r"(?<=\bpin(?:[^\S\n]+(?:number|code))?[^\S\n]*(?:is|was|to|:|=)[^\S\n]*)\d{4,6}\b", 0.85),
        ),
        (),
        None,
        (
            "reset",
            "changed",
            "the",
            "your",
            "a",
            "an",
            "now",
            "been",
            "not",
            "being",
            "sent",
            "expired",
            "incorrect",
            "wrong",
            "required",
            "needed",
            "updated",
            "protected",
            "secure",
            "strong",
        ),
    ),
    Spec(
        "ONE_TIME_CODE",
        (
            (
                "labelled one-time code",
                r"(?<=\b(?:one[\s-]time[^\S\n]+(?:pass)?code|otp|verification[^\S\n]+code|security[^\S\n]+code|"
                r"authentication[^\S\n]+code|auth[^\S\n]+code|2fa[^\S\n]+code|login[^\S\n]+code)"
                r"[^\S\n]*(?:(?:is|was|:|=)[^\S\n]*)?)\d{4,8}\b",
                0.85,
            ),
        ),
    ),
    Spec(
        "SECURITY_ANSWER",
        (
            (
                "labelled security answer",
                r"(?<=\b(?:security[^\S\n]+answer|answer[^\S\n]+to[^\S\n]+(?:your|the)[^\S\n]+security"
                r"[^\S\n]+question|memorable[^\S\n]+(?:word|answer|information|place)|mother'?s[^\S\n]+"
                r"maiden[^\S\n]+name)[^\S\n]*(?:is|was|:|=)[^\S\n]*['\"“‘]?)[A-Za-z0-9][^\s,.;'\"”’]{1,40}",
                0.85,
            ),
            (
                "security answer after a few words",
                r"(?<=" + _SECURITY + r"\b[^\n.!?]{1,15}?\b(?:is|was)[^\S\n]+)"
                r"(?-i:[A-Z])[^\s,.;'\"”’]{1,40}",
                0.8,
            ),
            ("capitalised word right after the label", r"(?<=" + _SECURITY + r"[^\S\n]+)(?-i:[A-Z][a-z]{2,})\b", 0.7),
        ),
        (),
        None,
        ("is", "was", "and", "the", "you", "we", "on", "for", "has", "have"),
    ),
    Spec(
        "MPAN",
        (("mpan core", r"(?<![\d-])\d{2}[ ]?\d{4}[ ]?\d{4}[ ]?\d{3}(?![\d-])", 0.3),),
        ("mpan", "meter", "electricity", "supply"),
        "mpan_core",
    ),
    Spec(
        "MPRN",
        (
            (
                "labelled mprn",
                r"(?<=\b(?:mprn|m\.p\.r\.n\.?|meter[^\S\n]+point[^\S\n]+reference)" + _LABEL_END + r")\d{6,10}\b",
                0.85,
            ),
        ),
    ),
    Spec(
        "METER_SERIAL",
        (
            (
                "labelled meter serial",
                r"(?<=\b(?:meter[^\S\n]+serial|msn|serial[^\S\n]+number[^\S\n]+of[^\S\n]+(?:your|the)"
                r"[^\S\n]+meter)" + _LABEL_END + r")(?=[A-Z]*\d)(?-i:[A-Z0-9]){6,14}\b",
                0.85,
            ),
            (
                "meter or serial number followed by a code",
                r"(?<=\b(?:meter|serial[^\S\n]+number)\b(?:[^\n.!?]{0,20}?\b(?:is|:))?[^\S\n]+)"
                r"(?=[A-Z0-9]*\d)(?=[0-9]*[A-Z])(?-i:[A-Z0-9]{8,12})\b",
                0.6,
            ),
        ),
        ("meter", "serial"),
    ),
    Spec(
        "PERSON",
        (
            (
                "name after a greeting",
                r"(?<=(?:^|\n)[^\S\n]*(?:hi|hello|hey|dear)[^\S\n]+)"
                r"(?-i:(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ ])?[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)"
                r"(?=[^\S\n]*[,!\n])",
                0.8,
            ),
            ("title and surname", r"\b(?-i:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ ][A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b", 0.85),
        ),
        (),
        None,
        ("sir", "madam", "sir or madam", "there", "all", "team", "everyone", "customer", "friend"),
    ),
    # Numbers libphonenumber does not take for British ones, in the shapes phone numbers
    # have anywhere: North American groups with their separators (an extension after), and
    # any grouped run of digits that a phone word ("call", "mobile", "on") comes before,
    # which Presidio's context lifts over the threshold.
    Spec(
        "PHONE_NUMBER",
        (
            (
                "north american groups",
                r"(?<![\w/.-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[.-])\d{3}[.-]\d{4}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?"
                r"(?![\w-])",
                0.6,
            ),
            ("grouped digits after a phone word", rf"(?<={_PHONE_WORD}[^\n.!?\d]{{0,30}}){_GROUPED_DIGITS}", 0.6),
            (
                "grouped digits before a phone word",
                rf"{_GROUPED_DIGITS}(?=[^\n.!?\d]{{0,30}}?{_PHONE_WORD})",
                0.6,
            ),
        ),
    ),
    Spec(
        "API_KEY",
        (
            ("npm token", r"\bnpm_[A-Za-z0-9]{36}\b", 0.9),
            ("gitlab token", r"\bglpat-[A-Za-z0-9_-]{20,}\b", 0.9),
            ("openai project key", r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}\b", 0.9),
        ),
    ),
)


@dataclass(frozen=True)
class Needs:
    """What a sentence must hold for any recognizer of an entity to find it there: at
    least `min_digits` digits, and a match of `trigger` (case-insensitive) if given."""

    min_digits: int = 0
    trigger: str | None = None


# Implied by every pattern of the entity (the label in a look-behind, the digits a value
# has), so a sentence without it is not analysed for the entity: most sentences of a
# reply hold nothing, and each recognizer costs as much on them (tests/test_confidentiality.py
# checks that this never changes a result, over every reply we hold and random text).
# PERSON is also looked for wherever `ner` ran (engine.py).
NEEDS: dict[str, Needs] = {
    "CREDIT_CARD": Needs(13),
    "IBAN_CODE": Needs(2),
    "UK_BANK_ACCOUNT": Needs(6),
    "ACCOUNT_NUMBER": Needs(1, r"account|acct|a/c|customer|policy|membership"),
    "UK_NINO": Needs(6),
    "UK_NHS": Needs(10),
    "UK_POSTCODE": Needs(2),
    "STREET_ADDRESS": Needs(1),  # a house number
    "EMAIL_ADDRESS": Needs(0, "@"),
    "DATE_OF_BIRTH": Needs(4, r"birth|born|d\.?o\.?b"),
    "UK_PASSPORT": Needs(7, "passport"),
    "UK_DRIVING_LICENCE": Needs(6),
    "IP_ADDRESS": Needs(4),
    "PASSWORD": Needs(0, r"pass|pwd|pin"),
    "ONE_TIME_CODE": Needs(4, r"code|otp"),
    "SECURITY_ANSWER": Needs(0, r"security|memorable|maiden"),
    "MPAN": Needs(13),
    "MPRN": Needs(6, r"mprn|m\.p\.r\.n|meter"),
    "METER_SERIAL": Needs(1, r"meter|msn|serial"),
    "PHONE_NUMBER": Needs(8),  # UkFirstPhoneRecognizer keeps ten digits or more, the patterns eight
    "PERSON": Needs(0, r"\b(?:hi|hello|hey|dear|mr|mrs|ms|miss|mx|dr)\b"),
    # Every key the secrets detectors and our patterns know is longer than ten characters.
    "API_KEY": Needs(0, r"\S{11,}|PRIVATE KEY"),
}


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
    """A PatternRecognizer from a Spec: its check digit in `validate_result`, its deny
    list (values that are words, not secrets) in `invalidate_result`."""

    def __init__(self, spec: Spec) -> None:
        super().__init__(
            supported_entity=spec.entity,
            name=f"tactful:{spec.entity.lower()}",
            patterns=[Pattern(name, pattern, score) for name, pattern, score in spec.patterns],
            context=list(spec.context),
        )
        self._validate = VALIDATORS[spec.validate] if spec.validate else None
        self._deny = frozenset(spec.deny)
        self._not_in_context = _NOT_IN_CONTEXT.get(spec.entity)

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
    recognizers: list[EntityRecognizer] = [CheckedPatternRecognizer(spec) for spec in SPECS]
    recognizers.append(UkFirstPhoneRecognizer())
    recognizers.append(SecretsRecognizer())
    recognizers.append(SpacyRecognizer(supported_entities=["PERSON"], ner_strength=0.85, name="tactful:person"))
    return recognizers


ENTITIES: tuple[str, ...] = tuple(dict.fromkeys([*(s.entity for s in SPECS), "PHONE_NUMBER", "API_KEY", "PERSON"]))
__all__ = ["ENTITIES", "NEEDS", "SPECS", "Needs", "Spec", "build_recognizers", "LocalRecognizer"]
