"""Every kind of personal data and secret we look for, described once: how a message
names it, how a list labels it, how it is masked, which wins when two overlap, what a
sentence must hold for it to be there, and the patterns, context words, check digits and
exclusions that find it. The confidentiality check, redaction, the gate's masking and
triage all read this table; the recognizers (recognizers.py) are built from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import streets

Pattern = tuple[str, str, float]  # name, regular expression (case-insensitive), score


@dataclass(frozen=True)
class Needs:
    """What a sentence must hold for any recognizer of an entity to find it there: at
    least `min_digits` digits, and a match of `trigger` (case-insensitive) if given.
    Implied by every pattern of the entity (the label in a look-behind, the digits a value
    has), so a sentence without it is not analysed for the entity: most sentences of a
    reply hold nothing, and each recognizer costs as much on them (tests/test_confidentiality.py
    checks that this never changes a result, over every reply we hold and random text).
    PERSON is also looked for wherever `ner` ran (engine.py)."""

    min_digits: int = 0
    trigger: str | None = None


@dataclass(frozen=True)
class Mask:
    """How a value is masked: all but its last `keep_last` letters and digits starred, or
    replaced whole by `replacement`."""

    keep_last: int = 0
    replacement: str | None = None


def keep_last(count: int) -> Mask:
    return Mask(keep_last=count)


def replace(text: str) -> Mask:
    return Mask(replacement=text)


@dataclass(frozen=True)
class Entity:
    id: str  # Presidio's entity type
    name: str  # in a message: "This reply holds a full card number."
    label: str  # in a list: "card number"
    mask: Mask
    needs: Needs
    priority: int  # of two overlapping detections, the lower wins: the more specific, checked one
    patterns: tuple[Pattern, ...] = ()
    context: tuple[str, ...] = ()  # words near a match that raise its score
    validate: str | None = None  # a function of checksums.py
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

ENTITIES: dict[str, Entity] = {
    entity.id: entity
    for entity in (
        Entity(
            "CREDIT_CARD",
            name="a full card number",
            label="card number",
            mask=keep_last(4),
            needs=Needs(13),
            priority=1,
            patterns=(("card number", r"(?<![\d-])[1-9](?:[ -]?\d){12,18}(?![\d-])", 0.3),),
            context=("card", "visa", "mastercard", "amex", "debit", "credit", "maestro"),
            validate="luhn",
        ),
        Entity(
            "IBAN_CODE",
            name="an IBAN",
            label="IBAN",
            mask=keep_last(4),
            needs=Needs(2),
            priority=2,
            patterns=(
                ("iban", r"\b(?-i:[A-Z]{2}\d{2})(?:[ ]?(?-i:[A-Z0-9]){4}){2,7}(?:[ ]?(?-i:[A-Z0-9]){1,3})?\b", 0.3),
            ),
            context=("iban", "bank", "transfer"),
            validate="iban",
        ),
        Entity(
            "UK_BANK_ACCOUNT",
            name="bank details",
            label="bank details",
            mask=keep_last(4),
            needs=Needs(6),
            priority=3,
            patterns=(
                (
                    "sort code and account",
                    r"(?<!\d)\d{2}[- ]\d{2}[- ]\d{2}[^\S\n]*[,;/]?[^\S\n]*(?:(?:and|&)[^\S\n]+)?"
                    r"(?:(?:account|acc|a/c)" + _LABEL_END + r")?\d{8}(?!\d)",
                    0.85,
                ),
                (
                    "labelled sort code",
                    r"(?<=\bsort[\s-]?code" + _LABEL_END + r")\d{2}[- ]?\d{2}[- ]?\d{2}(?!\d)",
                    0.85,
                ),
                ("labelled bank account", r"(?<=\bbank[^\S\n]+account" + _LABEL_END + r")\d{8}(?!\d)", 0.85),
            ),
            context=("sort", "account", "bank"),
            validate="sort_code_or_account",
        ),
        Entity(
            "ACCOUNT_NUMBER",
            name="an account number",
            label="account number",
            mask=keep_last(4),
            needs=Needs(1, r"account|acct|a/c|customer|policy|membership"),
            priority=16,
            patterns=(
                (
                    "labelled account",
                    r"(?<=\b(?:account|acct|a/c|customer|policy|membership)" + _LABEL_END + r"#?)"
                    r"(?=[A-Z0-9-]*\d)(?-i:[A-Z0-9])[A-Z0-9-]{4,18}(?-i:[A-Z0-9])\b",
                    0.8,
                ),
            ),
            context=("account",),
        ),
        Entity(
            "UK_NINO",
            name="a National Insurance number",
            label="National Insurance number",
            mask=keep_last(0),
            needs=Needs(6),
            priority=13,
            patterns=(
                (
                    "nino",
                    r"\b(?-i:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?"
                    r"(?-i:[A-D])\b",
                    0.5,
                ),
            ),
            context=("national", "insurance", "nino", "ni"),
            validate="nino",
        ),
        Entity(
            "UK_NHS",
            name="an NHS number",
            label="NHS number",
            mask=keep_last(0),
            needs=Needs(10),
            priority=12,
            patterns=(("nhs number", r"(?<![\d-])[4-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?![\d-])", 0.3),),
            context=("nhs", "health", "patient", "gp"),
            validate="nhs_number",
        ),
        Entity(
            "UK_POSTCODE",
            name="a postcode",
            label="postcode",
            mask=replace("[postcode]"),
            needs=Needs(2),
            priority=20,
            patterns=(
                (
                    "postcode",
                    r"\b(?-i:(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|"
                    r"[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
                    r"[ ]?[0-9][ABD-HJLNP-UW-Z]{2})\b",
                    0.6,
                ),
            ),
            context=("postcode", "address"),
        ),
        # a house number
        Entity(
            "STREET_ADDRESS",
            name="a street address",
            label="home address",
            mask=replace("[address]"),
            needs=Needs(1),
            priority=19,
            patterns=streets.PATTERNS,
            context=("address", "live", "lives"),
        ),
        Entity(
            "EMAIL_ADDRESS",
            name="an email address",
            label="email address",
            mask=replace("[email address]"),
            needs=Needs(0, "@"),
            priority=15,
            patterns=(("email", r"\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b", 0.9),),
        ),
        Entity(
            "DATE_OF_BIRTH",
            name="a date of birth",
            label="date of birth",
            mask=replace("[date of birth]"),
            needs=Needs(4, r"birth|born|d\.?o\.?b"),
            priority=10,
            patterns=(
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
        Entity(
            "UK_PASSPORT",
            name="a passport number",
            label="passport number",
            mask=keep_last(0),
            needs=Needs(7, "passport"),
            priority=9,
            patterns=(
                ("labelled passport", r"(?<=\bpassport" + _LABEL_END + r")(?:\d{9}|(?-i:[A-Z]{2})\d{7})\b", 0.85),
            ),
        ),
        Entity(
            "UK_DRIVING_LICENCE",
            name="a driving licence number",
            label="driving licence number",
            mask=keep_last(0),
            needs=Needs(6),
            priority=14,
            patterns=(("dvla licence", r"\b(?-i:[A-Z9]{5}\d[0156]\d{4}[A-Z9]{2}\d[A-Z]{2})(?:[ ]?\d{2})?\b", 0.7),),
            context=("licence", "driving", "dvla"),
        ),
        Entity(
            "IP_ADDRESS",
            name="an IP address",
            label="IP address",
            mask=replace("[IP address]"),
            needs=Needs(4),
            priority=18,
            patterns=(
                (
                    "ipv4",
                    r"(?<!\b(?:version|firmware|release|build|v)[^\S\n]?)(?<![\d.])"
                    r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
                    r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)",
                    0.6,
                ),
            ),
            context=("ip", "address", "router"),
        ),
        Entity(
            "PASSWORD",
            name="a password",
            label="password",
            mask=replace("[password removed]"),
            needs=Needs(0, r"pass|pwd|pin"),
            priority=4,
            patterns=(
                (
                    "labelled password",
                    r"(?<=\b(?:password|passcode|pass[ ]word|pwd|passphrase)[^\S\n]*(?:(?:is|was|to|:|=)"
                    r"[^\S\n]*)+['\"“‘]?)[^\s'\"”’]{4,64}(?<![.,;!?])",
                    0.85,
                ),
                (
                    "password after a few words",
                    r"(?<=\b(?:password|passphrase)\b[^\n.!?\d]{1,15}?\b"
                    r"(?:is|was|(?:set|changed|reset|updated)(?:[ ]it)?[ ]to)[^\S\n]+['\"“‘]?)"
                    r"[^\s'\"”’]{4,64}(?<![.,;!?])",
                    0.85,
                ),
                (
                    "password-like value right after the word",
                    r"(?<=\b(?:password|passcode)[^\S\n]+)(?=\S*[\d!#$%&*@^_])"
                    r"(?=\S*[A-Za-z])[^\s'\"”’]{6,64}(?<![.,;!?])",
                    0.7,
                ),
                (
                    "labelled pin",
                    r"(?<=\bpin(?:[^\S\n]+(?:number|code))?[^\S\n]*(?:is|was|to|:|=)[^\S\n]*)\d{4,6}\b",
                    0.85,
                ),
            ),
            context=(),
            validate=None,
            deny=(
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
        Entity(
            "ONE_TIME_CODE",
            name="a one-time code",
            label="one-time code",
            mask=replace("[code removed]"),
            needs=Needs(4, r"code|otp"),
            priority=6,
            patterns=(
                (
                    "labelled one-time code",
                    r"(?<=\b(?:one[\s-]time[^\S\n]+(?:pass)?code|otp|verification[^\S\n]+code|security[^\S\n]+code|"
                    r"authentication[^\S\n]+code|auth[^\S\n]+code|2fa[^\S\n]+code|login[^\S\n]+code)"
                    r"[^\S\n]*(?:(?:is|was|:|=)[^\S\n]*)?)\d{4,8}\b",
                    0.85,
                ),
            ),
        ),
        Entity(
            "SECURITY_ANSWER",
            name="a security answer",
            label="security answer",
            mask=replace("[answer removed]"),
            needs=Needs(0, r"security|memorable|maiden"),
            priority=5,
            patterns=(
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
                (
                    "capitalised word right after the label",
                    r"(?<=" + _SECURITY + r"[^\S\n]+)(?-i:[A-Z][a-z]{2,})\b",
                    0.7,
                ),
            ),
            context=(),
            validate=None,
            deny=("is", "was", "and", "the", "you", "we", "on", "for", "has", "have"),
        ),
        Entity(
            "MPAN",
            name="an MPAN (meter point)",
            label="MPAN",
            mask=keep_last(4),
            needs=Needs(13),
            priority=11,
            patterns=(("mpan core", r"(?<![\d-])\d{2}[ ]?\d{4}[ ]?\d{4}[ ]?\d{3}(?![\d-])", 0.3),),
            context=("mpan", "meter", "electricity", "supply"),
            validate="mpan_core",
        ),
        Entity(
            "MPRN",
            name="an MPRN (gas meter point)",
            label="MPRN",
            mask=keep_last(4),
            needs=Needs(6, r"mprn|m\.p\.r\.n|meter"),
            priority=7,
            patterns=(
                (
                    "labelled mprn",
                    r"(?<=\b(?:mprn|m\.p\.r\.n\.?|meter[^\S\n]+point[^\S\n]+reference)" + _LABEL_END + r")\d{6,10}\b",
                    0.85,
                ),
            ),
        ),
        Entity(
            "METER_SERIAL",
            name="a meter serial number",
            label="meter serial number",
            mask=keep_last(4),
            needs=Needs(1, r"meter|msn|serial"),
            priority=8,
            patterns=(
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
            context=("meter", "serial"),
        ),
        Entity(
            "PERSON",
            name="a person's name",
            label="name",
            mask=replace("[name]"),
            needs=Needs(0, r"\b(?:hi|hello|hey|dear|mr|mrs|ms|miss|mx|dr)\b"),
            priority=21,
            patterns=(
                (
                    "name after a greeting",
                    r"(?<=(?:^|\n)[^\S\n]*(?:hi|hello|hey|dear)[^\S\n]+)"
                    r"(?-i:(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ ])?[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)"
                    r"(?=[^\S\n]*[,!\n])",
                    0.8,
                ),
                ("title and surname", r"\b(?-i:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ ][A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b", 0.85),
            ),
            context=(),
            validate=None,
            deny=("sir", "madam", "sir or madam", "there", "all", "team", "everyone", "customer", "friend"),
        ),
        # Numbers libphonenumber does not take for British ones, in the shapes phone numbers
        # have anywhere: North American groups with their separators (an extension after), and
        # any grouped run of digits that a phone word ("call", "mobile", "on") comes before,
        # which Presidio's context lifts over the threshold.
        # UkFirstPhoneRecognizer keeps ten digits or more, the patterns eight
        Entity(
            "PHONE_NUMBER",
            name="a phone number",
            label="phone number",
            mask=keep_last(3),
            needs=Needs(8),
            priority=17,
            patterns=(
                (
                    "north american groups",
                    r"(?<![\w/.-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[.-])\d{3}[.-]\d{4}"
                    r"(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?"
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
        Entity(
            "API_KEY",
            name="an API key or token",
            label="API key",
            mask=replace("[key removed]"),
            needs=Needs(0, r"\S{11,}|PRIVATE KEY"),
            priority=0,
            patterns=(
                ("npm token", r"\bnpm_[A-Za-z0-9]{36}\b", 0.9),
                ("gitlab token", r"\bglpat-[A-Za-z0-9_-]{20,}\b", 0.9),
                ("openai project key", r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}\b", 0.9),
            ),
        ),
    )
}
