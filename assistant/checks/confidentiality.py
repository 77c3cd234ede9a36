"""Confidentiality: nothing private, internal or someone else's goes into a permanent
written record (DEAL.K9, DEAL.K15, RELATE.K9).

Personal data and secrets come from Presidio (assistant/privacy) run on the request's
one spaCy Doc. What each detection means depends on the context, not only the match:

- full card numbers, passwords, security answers, one-time codes and API keys: a
  blocker anywhere, quoted history included;
- any personal data on a public channel: a blocker (move the conversation private,
  DEAL.P24); asking the customer to send details privately holds none, so passes;
- data that is not the current customer's (Context.customer, the thread): a blocker;
- the customer's own contact details in a private reply: fine; their own government or
  bank identifiers: a suggestion to mask them;
- a sentence that repeats an internal note, and the guide's internal domains, code
  names and staff-only phrases: a blocker or a warning per guide.

Permanent-record risks (admitting liability, speculating about causes, disparaging
anyone, advice beyond authority, press enquiries) are phrase rules on spaCy's Matcher,
compiled once per guide. Detected values are never logged; findings carry the span
(the excerpt is the agent's own text) and a masked replacement.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from ..guide import Section
from ..model import Author, Channel, Context, Finding, Severity
from ..privacy.checksums import digits
from ..privacy.engine import Detection, PrivacyEngine
from ..privacy.entities import ENTITIES
from ..privacy.names import addressed, in_lexicon, lexicon_words
from ..privacy.normalise import normalise
from ..resources import Resources
from ..rules import finding_id
from ..text import Draft, Sentence
from .base import Check, Outcome
from .confidentiality_rules import CHECK, RULES
from .risks import RiskRule, RiskRules, default_risks

CRITERIA: dict[str, list[str]] = {
    "secret": ["DEAL.K15", "DEAL.K9", "RELATE.K1", "RELATE.K9"],
    "public": ["DEAL.P24", "DEAL.K17", "DEAL.K15", "RELATE.K9"],
    "other_customer": ["RELATE.K9", "RELATE.K1", "DEAL.K15", "DEAL.K9"],
    "own_sensitive": ["DEAL.K15", "RELATE.K9"],
    "unknown": ["RELATE.K9", "DEAL.K15"],
    "internal_note": ["DEAL.K9", "DEAL.K15", "UTIL.K15", "RELATE.K9"],
    "internal": ["DEAL.K15", "DEAL.K9", "RELATE.K2", "UTIL.P1"],
}

ENTITIES_IN_MARKUP = (
    "The HTML of this reply holds {what} where it is not shown (a link, a title, an image's alt text or a "
    "comment). It is sent all the same: remove it or mask it."
)
# Kinds of data and how they are compared with what is known of the customer.
CONTACT = {"EMAIL_ADDRESS", "PHONE_NUMBER"}
IDENTIFIERS = {
    "ACCOUNT_NUMBER",
    "UK_BANK_ACCOUNT",
    "IBAN_CODE",
    "MPAN",
    "MPRN",
    "METER_SERIAL",
    "UK_NINO",
    "UK_NHS",
    "UK_PASSPORT",
    "UK_DRIVING_LICENCE",
}
PLACES = {"UK_POSTCODE", "STREET_ADDRESS"}

InternalKind = Literal["internal_domain", "code_name", "staff_phrase"]


def _internal_severity() -> dict[InternalKind, Severity]:
    return {"internal_domain": Severity.blocker, "code_name": Severity.blocker, "staff_phrase": Severity.warning}


class ConfidentialityOptions(Section):
    """The guide's `confidentiality:` section."""

    min_score: float = Field(0.5, ge=0, le=1, description="detections scoring less are ignored (tuned on tests/data)")
    public_channels: list[Channel] = Field(
        default_factory=lambda: [Channel.social_public], description="channels where any personal data is a blocker"
    )
    always_block: list[str] = Field(
        default_factory=lambda: ["CREDIT_CARD", "PASSWORD", "SECURITY_ANSWER", "ONE_TIME_CODE", "API_KEY"],
        description="entities that are a blocker anywhere, even the customer's own",
    )
    sensitive: list[str] = Field(
        default_factory=lambda: [
            "UK_NINO",
            "UK_NHS",
            "UK_PASSPORT",
            "UK_DRIVING_LICENCE",
            "IBAN_CODE",
            "UK_BANK_ACCOUNT",
            "DATE_OF_BIRTH",
        ],
        description="the customer's own, in a private reply: a suggestion to mask",
    )
    organisation_domains: list[str] = Field(
        default_factory=list, description="our own email domains: addresses there are not personal data"
    )
    organisation_numbers: list[str] = Field(
        default_factory=list, description="our own published phone numbers: not personal data"
    )
    staff_names: list[str] = Field(default_factory=list, description="colleagues an agent may name")
    product_names: list[str] = Field(
        default_factory=list, description="the organisation's products, brands, features and teams: never a person"
    )
    internal_domains: list[str] = Field(default_factory=list, description="hosts no customer may see (and subdomains)")
    code_names: list[str] = Field(default_factory=list, description="system and project code names")
    staff_phrases: list[str] = Field(default_factory=list, description="wording for staff only, e.g. 'goodwill matrix'")
    internal_severity: dict[InternalKind, Severity] = Field(
        default_factory=_internal_severity,
        description="severity per kind of internal information",
    )
    internal_note_overlap: float = Field(
        0.5, gt=0, le=1, description="share of a sentence's wording found in an internal note that blocks it"
    )
    risks: RiskRules = Field(default_factory=default_risks, description="permanent-record risks: phrase rules")


@dataclass(frozen=True)
class Known:
    """What the reply may say back to this customer: theirs, or already in the public thread."""

    name_words: frozenset[str]
    emails: frozenset[str]
    phones: frozenset[str]
    identifiers: frozenset[str]
    thread: str  # customer and agent messages, lower-cased
    thread_digits: str
    has: frozenset[str]  # kinds of data the context names for this customer

    @classmethod
    def of(cls, context: Context, options: ConfidentialityOptions) -> Known:
        customer = context.customer
        shared = [m.text for m in context.thread if m.author != Author.internal_note]
        names = {w.lower() for w in re.findall(r"[^\W\d_]{2,}", customer.name or "")}
        for other in [context.agent.name or "", *options.staff_names]:
            names |= {w.lower() for w in re.findall(r"[^\W\d_]{2,}", other)}
        has = set()
        if customer.email:
            has.add("EMAIL_ADDRESS")
        if customer.phone:
            has.add("PHONE_NUMBER")
        if customer.identifiers:
            has |= IDENTIFIERS
        if customer.name:
            has.add("PERSON")
        thread = "\n".join(shared)
        return cls(
            name_words=frozenset(names),
            emails=frozenset(e.lower() for e in [customer.email] if e),
            phones=frozenset(_phone_key(p) for p in [customer.phone, *options.organisation_numbers] if p),
            identifiers=frozenset(_id_key(i) for i in customer.identifiers),
            thread=thread.lower(),
            thread_digits=digits(thread),
            has=frozenset(has),
        )

    def owns(self, entity: str, value: str) -> bool | None:
        """True: the customer's (or already in the thread); False: known not to be; None: cannot tell."""
        low = value.lower()
        if entity == "PERSON":
            words = {w.lower() for w in re.findall(r"[^\W\d_]{2,}", value)}
            if words & self.name_words or (words and all(w in self.thread for w in words)):
                return True
            return False if "PERSON" in self.has else None
        if low in self.thread:
            return True
        if entity == "EMAIL_ADDRESS":
            return True if low in self.emails else (False if entity in self.has else None)
        if entity == "PHONE_NUMBER":
            key = _phone_key(value)
            if key in self.phones or (len(key) >= 9 and key in self.thread_digits):
                return True
            return False if entity in self.has else None
        if entity in IDENTIFIERS:
            key = _id_key(value)
            if any(key and (key == i or key.endswith(i) or i.endswith(key)) for i in self.identifiers):
                return True
            number = digits(value)
            if len(number) >= 6 and number in self.thread_digits:
                return True
            return False if entity in self.has else None
        return None


# A first and last name, or a title and a name: enough to identify someone.
_FULL_NAME = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+\S|\S+\s+\S)")
_HANDLE = re.compile(r"(?:^|\s)@(\w+)")
# Words that open a greeting; the person greeted is no one else's name to report.
_GREETING_WORD = r"(?:hi|hello|hey|dear|morning|afternoon|evening|good\s+\w+|thanks|thank\s+you)"
_TITLE = r"(?:mr|mrs|ms|miss|mx|dr)"
# A name right after one of these at the start of a line is the person the reply is to.
_GREETING = re.compile(
    rf"(?:^|\n)[^\S\n]*(?:@\w+[^\S\n]+)*{_GREETING_WORD}[^\S\n]*,?[^\S\n]*{_TITLE}?\.?[^\S\n]*$",
    re.IGNORECASE,
)
# spaCy's small model reads "Morning Kieran" as one name: a greeting and the person greeted.
_GREETED = re.compile(rf"{_GREETING_WORD}\s+\S", re.IGNORECASE)
# A word in the run of capitalised words right after a greeting: "Hi Sam Lee", "Dear Mr Hart".
_GREETED_RUN = re.compile(
    rf"[^\S\n]*(?:@\w+[^\S\n]+)*{_GREETING_WORD}[^\S\n]*,?[^\S\n]*(?:{_TITLE}\.?[^\S\n]+)?"
    r"(?:(?-i:[A-Z])[\w'’-]*[^\S\n]+){0,3}$",
    re.IGNORECASE,
)


def _line_around(text: str, start: int, end: int, limit: int = 200) -> tuple[int, int] | None:
    """Where the line holding text[start:end] starts and ends; None when it runs more
    than `limit` characters either side (no greeting or sign-off line is that long, and
    looking further for every word of a 50,000-character line would be quadratic)."""
    line_start = text.rfind("\n", max(0, start - limit), start) + 1
    if line_start == 0 and start > limit:
        return None
    line_end = text.find("\n", end, end + limit)
    if line_end < 0:
        if len(text) - end > limit:
            return None
        line_end = len(text)
    return line_start, line_end


def _signs_off(text: str, start: int, end: int) -> bool:
    """The agent's own name under a sign-off: a short line of its own among the last three."""
    bounds = _line_around(text, start, end)
    if bounds is None:
        return False
    line = text[bounds[0] : bounds[1]].strip()
    if len(line.split()) > 4 or line.endswith((".", "?", "!")):
        return False
    filled = 0
    for piece in _LINE.finditer(text, bounds[1]):  # at most two lines with text after it
        if not piece.group().isspace():
            filled += 1
            if filled > 2:
                return False
    return True


_LINE = re.compile("[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")  # what str.splitlines splits at


# A line that names who wrote a quoted message: "On Mon, Sam Lee <sam@x.org> wrote:", "From: ...".
_QUOTE_HEADER = re.compile(r"^[ \t>]*(?:On\s.{3,200}wrote:|From:.*)$", re.IGNORECASE | re.MULTILINE)
# A mailbox for a role, not a person (RFC 2142's and their like: abuse@, reportphish@):
# published for anyone to write to, so no one's personal data.
_ROLE_MAILBOX = re.compile(
    r"(?:abuse|phish\w*|report\w*|spoof\w*|fraud|security|privacy|support|help(?:desk)?|info|contact|enquiries|"
    r"inquiries|hello|sales|billing|accounts|press|media|feedback|complaints|legal|dpo|data-?protection|careers|"
    r"jobs|webmaster|postmaster|hostmaster|no-?reply|do-?not-?reply|customer-?(?:service|care)s?|care|orders|returns)"
    r"(?:[._+-][a-z0-9]+)*"
)


def _phone_key(phone: str) -> str:
    number = digits(phone)
    return number[-10:]


def _id_key(identifier: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", identifier).upper()


# A name right after one of these is a colleague, not a customer.
_COLLEAGUE = re.compile(
    r"\b(?:colleague|manager|team\s+leader|supervisor|engineer|technician|specialist|advisor|adviser|I'm|I\s+am|"
    r"CEO|chief\s+executive|president|chair(?:man|woman|person)?|founder|director|spokes(?:man|woman|person)|"
    r"my\s+name\s+is|this\s+is)\s*,?\s*$",
    re.IGNORECASE,
)


def _name(entity: str) -> str:
    known = ENTITIES.get(entity)
    return known.name if known is not None else entity.lower()


class ConfidentialityCheck(Check):
    name = CHECK
    rules = RULES
    # Tokens and sentences: names come from `ner` run on these tokens around name candidates,
    # cached per sentence (privacy/engine.py); on the whole draft it broke the budget.
    spacy_pipes = frozenset({"sentencizer"})
    Options = ConfidentialityOptions

    def __init__(self, engine: PrivacyEngine) -> None:
        self.engine = engine

    @classmethod
    def build(cls, resources: Resources) -> ConfidentialityCheck:
        return cls(resources.privacy)

    def run(self, draft: Draft, context: Context, options: ConfidentialityOptions) -> Outcome:
        review = _Review(self.engine, draft, context, options)
        found = self.engine.detect_doc(draft.doc, review.flags_lone_names(), review.drops_names_at)
        detections = [d for d in found if d.score >= options.min_score]
        for detection in detections:
            review.personal_data(detection)
        detections += review.hidden_data()
        review.internal_notes()
        review.internal_terms()
        review.risks()
        counts: dict[str, int] = {}
        for d in detections:
            counts[d.entity] = counts.get(d.entity, 0) + 1
        return Outcome(review.findings, {"entities": counts, "public_channel": review.public})


class _Review:
    def __init__(self, engine: PrivacyEngine, draft: Draft, context: Context, options: ConfidentialityOptions) -> None:
        self.engine, self.draft, self.context, self.options = engine, draft, context, options
        self.known = Known.of(context, options)
        self.public = context.channel in options.public_channels
        self.handles = [h.lower() for h in _HANDLE.findall(draft.text[:300])]
        self.lexicon = lexicon_words(tuple(options.product_names))
        self.findings: list[Finding] = []

    def add(
        self,
        rule: str,
        severity: Severity,
        message: str,
        span: tuple[int, int],
        criteria: list[str],
        suggestions: Iterable[str] = (),
        **details: Any,
    ) -> None:
        self.findings.append(
            RULES.finding(
                self.draft,
                rule,
                span,
                message=message,
                severity=severity,
                suggestions=suggestions,
                cites=criteria,
                **details,
            )
        )

    def flags_lone_names(self) -> bool:
        """Whether a name of one word ("Sarah") can make a finding (personal_data): in a
        private reply it identifies nobody, so `ner` need only look for full names there
        (half its time), unless the guide blocks or masks every name."""
        return self.public or "PERSON" in self.options.always_block or "PERSON" in self.options.sensitive

    def drops_names_at(self, start: int, end: int) -> bool:
        """Whether personal_data drops any name holding this word: outside the agent's own
        text, greeted, or signing off. `ner` need not look there (half of its work was on
        greeting and sign-off lines), unless the guide blocks names anywhere."""
        if "PERSON" in self.options.always_block:
            return False
        if self.draft.kind_at(start, end) != "own":
            return True
        bounds = _line_around(self.draft.text, start, end)
        greeted = bounds is not None and bool(_GREETED_RUN.match(self.draft.text, bounds[0], start))
        return greeted or _signs_off(self.draft.own_text, start, end)

    # -- personal data and secrets ------------------------------------------------
    def personal_data(self, d: Detection) -> None:
        kind = self.draft.kind_at(d.start, d.end)
        value = normalise(self.draft.text[d.start : d.end]).text  # as the customer's details are written
        what = _name(d.entity)
        rule = f"{CHECK}.{d.entity.lower()}"
        details = {"entity": d.entity, "score": d.score}
        if d.entity in self.options.always_block:
            where = "The quoted history holds" if kind == "quoted" else "This reply holds"
            self.add(
                rule,
                Severity.blocker,
                f"{where} {what}. Never put it in writing, even to the customer: remove or mask it"
                + (" (keep the last four digits at most)." if d.entity == "CREDIT_CARD" else "."),
                (d.start, d.end),
                CRITERIA["secret"],
                (self.engine.masked(d.entity, value),),
                reason="never_in_writing",
                **details,
            )
            return
        if kind == "quoted" and not self._organisation(d.entity, value):
            self._quoted(d, value, what, rule, details)
        if kind != "own" or self._organisation(d.entity, value):
            return  # quoted history is the customer's own, unless shown otherwise; the signature is ours
        before = self.draft.text[max(0, d.start - 30) : d.start]
        if d.entity == "PERSON" and (
            _COLLEAGUE.search(before)
            or _GREETING.search(before)
            or _GREETED.match(value)
            or _signs_off(self.draft.own_text, d.start, d.end)
            or self._closes_reply(d.start, d.end)
            or in_lexicon(value, self.lexicon)
        ):
            return  # a colleague, the agent signing off, the person addressed, or no person at all
        owner = self.known.owns(d.entity, value)
        if d.entity == "PERSON" and not owner:
            words = {w.lower() for w in re.findall(r"[^\W\d_]{3,}", value)}
            if any(w in handle for w in words for handle in self.handles):
                owner = True  # "@tomwhitt Hi Tom": the customer's own handle
            elif owner is None and addressed(self.draft.text, d.start, d.end):
                owner = True  # "Thanks for reaching out, Joshua!": the customer, spoken to
            elif not _FULL_NAME.match(value):
                # A first name alone identifies nobody in a private reply (and spaCy's small
                # model calls some capitalised words names): only a public reply is told.
                if not self.public:
                    return
                self.add(
                    rule,
                    Severity.warning,
                    f"This public reply shows {what}. If it is someone other than the customer, leave it out.",
                    (d.start, d.end),
                    CRITERIA["public"],
                    (self.engine.masked(d.entity, value),),
                    reason="public_channel",
                    **details,
                )
                return
        masked = (
            self.engine.masked(d.entity, value)
            if self.public or owner is not True or (d.entity in self.options.sensitive)
            else ""
        )
        if self.public:
            if d.entity == "PERSON" and owner:
                return  # greeting the customer by name on their own public post
            self.add(
                rule,
                Severity.blocker,
                f"This public reply shows {what}. Anyone can read it: move to a private channel (DM, email) "
                "and ask the customer to send details there.",
                (d.start, d.end),
                CRITERIA["public"],
                (masked,),
                reason="public_channel",
                **details,
            )
        elif owner is False:
            self.add(
                rule,
                Severity.blocker,
                f"This looks like {what} that is not this customer's. Sending another person's details is a "
                "data breach: remove it and check you are replying on the right ticket.",
                (d.start, d.end),
                CRITERIA["other_customer"],
                (masked,),
                reason="not_this_customer",
                **details,
            )
        elif owner is None and d.entity in CONTACT | IDENTIFIERS - set(self.options.sensitive):
            self.add(
                rule,
                Severity.warning,
                f"Check that {what} belongs to this customer: nothing on the ticket says so.",
                (d.start, d.end),
                CRITERIA["unknown"],
                (masked,),
                reason="owner_unknown",
                **details,
            )
        elif d.entity in self.options.sensitive:
            self.add(
                rule,
                Severity.suggestion,
                f"This repeats {what} in full. A written reply is a permanent record: quote only what the "
                "customer needs to recognise it.",
                (d.start, d.end),
                CRITERIA["own_sensitive"],
                (masked,),
                reason="own_sensitive",
                **details,
            )

    def _quoted(self, d: Detection, value: str, what: str, rule: str, details: dict[str, Any]) -> None:
        """Quoted history goes out again with the reply: it is the customer's own, unless
        the ticket shows a detail is someone else's (a forwarded thread, the wrong ticket's
        history). A quoted message whose header names the customer as its sender is theirs."""
        if d.entity not in CONTACT | IDENTIFIERS | PLACES or self.known.owns(d.entity, value) is not False:
            return
        block_start = next((start for start, end in self.draft.quoted if start <= d.start < end), d.start)
        line_end = self.draft.text.find("\n", d.end)
        text_end = len(self.draft.text) if line_end < 0 else line_end
        headers = _QUOTE_HEADER.findall(self.draft.text, max(block_start, d.start - 2000), text_end)
        if headers and self.known.name_words & {w.lower() for w in re.findall(r"[^\W\d_]{2,}", headers[-1])}:
            return
        self.add(
            rule,
            Severity.blocker,
            f"The quoted history holds {what} that is not this customer's. It goes out again with this reply: "
            "remove the quoted history, or that part of it.",
            (d.start, d.end),
            CRITERIA["other_customer"],
            (self.engine.masked(d.entity, value),),
            reason="not_this_customer_quoted",
            **details,
        )

    def _closes_reply(self, start: int, end: int) -> bool:
        """A name of one or two words that ends the agent's text after a full sentence or
        a link, with no mark before it: a social sign-off ("...this helps. Jason")."""
        own = self.draft.own_text
        if own[end:].strip() or len(own[start:end].split()) > 2:
            return False
        before = own[:start].rstrip()
        return not before or before[-1] in ".!?" or any(p_end == len(before) for _, p_end in self.draft.protected)

    def _organisation(self, entity: str, value: str) -> bool:
        if entity == "EMAIL_ADDRESS":
            local, _, domain = value.lower().rpartition("@")
            ours = [d.lower() for d in self.options.organisation_domains]
            return any(domain == d or domain.endswith("." + d) for d in ours) or bool(_ROLE_MAILBOX.fullmatch(local))
        if entity == "PHONE_NUMBER":
            return _phone_key(value) in {_phone_key(n) for n in self.options.organisation_numbers}
        return False

    def hidden_data(self) -> list[Detection]:
        """Personal data in the HTML that is sent but not shown (href="mailto:...", title,
        alt, comments, CDATA): it goes out with the reply all the same, so it counts as the
        agent's own text would. Such a finding has no span in the text, only in the source."""
        found = []
        for source_start, source_end in self.draft.hidden:
            value = self.draft.source[source_start:source_end]
            for d in self.engine.detect_text(value):
                if d.score < self.options.min_score or d.entity == "PERSON" and not self.public:
                    continue
                found.append(d)
                self._hidden(d, value[d.start : d.end], source_start + d.start, source_start + d.end)
        return found

    def _hidden(self, d: Detection, value: str, source_start: int, source_end: int) -> None:
        owner = self.known.owns(d.entity, value)
        if d.entity in self.options.always_block or self.public or owner is False:
            severity, reason = Severity.blocker, "hidden_markup"
        elif owner is None and d.entity in CONTACT | IDENTIFIERS:
            severity, reason = Severity.warning, "hidden_markup"
        else:
            return  # the customer's own address in a mailto: link of a private reply
        what = ENTITIES_IN_MARKUP.format(what=_name(d.entity))
        finding = RULES.finding(
            self.draft,
            f"{CHECK}.{d.entity.lower()}",
            message=what,
            severity=severity,
            suggestions=(self.engine.masked(d.entity, value),),
            cites=CRITERIA["public" if self.public else "other_customer"],
            entity=d.entity,
            score=d.score,
            reason=reason,
            in_markup=True,
        )
        where = {"source_start": source_start, "source_end": source_end}
        key = finding_id(CHECK, finding.rule, source_start, source_end, f"markup\x1f{value}")  # one per place
        self.findings.append(finding.model_copy(update={**where, "id": key}))

    # -- internal notes ---------------------------------------------------------------
    def internal_notes(self) -> None:
        notes = [m.text for m in self.context.thread if m.author == Author.internal_note]
        if not notes:
            return
        shared = set(_words(self.known.thread))
        note_words = [_words(n) for n in notes]
        shingles = set().union(*(_shingles(w) for w in note_words))
        content = set().union(*({w for w in words if _content(w)} for words in note_words)) - shared
        for sentence in self._sentences_with_quoted():
            words = _words(self.draft.text[sentence.start : sentence.end])
            own_shingles = _shingles(words)
            repeated = len(own_shingles & shingles) / len(own_shingles) if own_shingles else 0.0
            own_content = {w for w in words if _content(w)} - shared
            paraphrased = len(own_content & content) / len(own_content) if len(own_content) >= 3 else 0.0
            share = max(repeated, paraphrased)
            if share >= self.options.internal_note_overlap:
                self.add(
                    f"{CHECK}.internal_note",
                    Severity.blocker,
                    "This repeats an internal note. Notes are for colleagues and may hold opinions, other "
                    "people's details or systems: tell the customer only the outcome, in your own words.",
                    (sentence.start, sentence.end),
                    CRITERIA["internal_note"],
                    (),
                    overlap=round(share, 2),
                )

    def _sentences_with_quoted(self) -> Iterable[Sentence]:
        """The agent's sentences, and those of the quoted history (a forwarded internal
        thread goes out with the reply) that are not the thread's own messages."""
        for sentence in [*self.draft.sentences, *self._quoted_sentences()]:
            if sentence.words >= 4:
                yield sentence

    def _quoted_sentences(self) -> list[Sentence]:
        found = []
        for start, end in self.draft.quoted:
            for piece in re.finditer(r"[^.!?\n]+[.!?]?", self.draft.text[start:end]):
                text = piece.group().strip(" >\t")
                if text and text.lower() not in self.known.thread:
                    found.append(Sentence(start + piece.start(), start + piece.end(), len(_words(text))))
        return found

    # -- the guide's internal information -----------------------------------------------
    def internal_terms(self) -> None:
        pattern = _internal_pattern(
            tuple(self.options.internal_domains), tuple(self.options.code_names), tuple(self.options.staff_phrases)
        )
        if pattern is None:
            return
        for match in pattern.finditer(self.draft.text):
            kind: InternalKind = match.lastgroup  # type: ignore[assignment]
            if kind != "internal_domain" and self.draft.kind_at(*match.span()) != "own":
                continue
            severity = self.options.internal_severity.get(kind, Severity.blocker)
            message = {
                "internal_domain": "This points to an internal system customers cannot reach and should not see. "
                "Remove the link and describe the outcome instead.",
                "code_name": "This is an internal code name. Customers do not know it: use the public name of the "
                "product or service, or describe it.",
                "staff_phrase": "This wording is for staff only. Say what it means for the customer instead.",
            }[kind]
            self.add(f"{CHECK}.{kind}", severity, message, match.span(), CRITERIA["internal"], (), kind=kind)

    # -- permanent-record risks ---------------------------------------------------------
    def risks(self) -> None:
        rules = self.options.risks
        if not rules.enabled:
            return
        for rule, start, end in rules.find(self.draft.doc, self.draft.own_spans):
            self._risk(rule, start, end)
        customer = [m.text for m in self.context.thread if m.author == Author.customer][-3:]
        if rules.media_enquiry(customer):
            self.findings.append(
                RULES.finding(
                    self.draft,
                    f"{CHECK}.media_enquiry",
                    message=f"The customer's message is a press or media enquiry. Do not answer it yourself: pass "
                    f"it to {rules.media_team} and tell the sender who will reply.",
                    media_team=rules.media_team,
                )
            )

    def _risk(self, rule: RiskRule, start: int, end: int) -> None:
        self.add(
            f"{CHECK}.{rule.id}", rule.severity, rule.message, (start, end), list(rule.criteria), list(rule.suggestions)
        )


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being it its this that these "
    "those i we you he she they me us him her them my our your his their not no so do does did has have had will "
    "would can could should may might must just also very please thanks thank hi hello dear regards kind".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _content(word: str) -> bool:
    return len(word) >= 4 and word not in _STOP


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


@functools.lru_cache(maxsize=64)
def _internal_pattern(
    domains: tuple[str, ...], code_names: tuple[str, ...], phrases: tuple[str, ...]
) -> re.Pattern[str] | None:
    parts = []
    if domains:
        hosts = "|".join(re.escape(d.lower()) for d in sorted(domains, key=len, reverse=True))
        parts.append(
            rf"(?P<internal_domain>(?:https?://)?(?:[\w-]+\.)*(?:{hosts})\b(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]])?)"
        )
    if code_names:
        names = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(code_names, key=len, reverse=True))
        parts.append(rf"(?P<code_name>\b(?:{names})\b)")
    if phrases:
        words = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
        parts.append(rf"(?P<staff_phrase>\b(?:{words})\b)")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None
