"""Tone: how the reply will land with this customer.

Reads the customer's mood from the latest customer messages in the thread (VADER, a
sentiment lexicon that ships inside its package, plus our own cues: complaint, repeat
contact, urgency, distress, shouting), then the agent's own sentences: empathy where the
customer is upset, blame and condescension, curt or cold replies, negative framing,
refusals with no reason, shouting, exclamations, sarcasm, jargon, promises, and
commitments beyond the guide's limits of authority. Scores for courtesy, empathy,
positivity and formality (0-1), with per-sentence attribution, go in `metrics.tone`.

Every pattern is compiled once (checks/phrases.py); a sentence's analysis is cached by
its text, so a re-check after an edit only analyses the sentence that changed.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from ..caching import memoised
from ..guide import Section
from ..model import Audience, Author, Channel, Context, Finding, Severity
from ..mood import KEYWORD_INSTRUCTION, SAYS_UPSET, Mood, MoodModel, caps
from ..promises import NUMBER_WORDS
from ..text import Draft
from . import phrases as P
from .base import Check, Outcome
from .tone_rules import RULES

MoneyKind = Literal["refund", "goodwill", "discount"]


class Authority(Section):
    """What an agent may commit to without a team leader (UTIL.K7)."""

    currency: str = Field("GBP", description="ISO code of the money limits; amounts in others are not compared")
    money: dict[MoneyKind, float] = Field(
        default_factory=dict, description="kind of payment -> most an agent may commit to"
    )
    max_commit_days: int | None = Field(30, ge=0, description="furthest date ahead an agent may commit to, in days")
    undated_outcomes: list[str] = Field(
        default_factory=list, description="outcomes that depend on others: never promise them by a date"
    )
    escalate_to: str = Field("your team leader", description="who the agent passes the case to")


class ToneOptions(Section):
    """The guide's `tone:` section."""

    customer_messages: int = Field(3, ge=1, description="how many of the latest customer messages set the mood")
    upset_threshold: float = Field(0.45, ge=0, le=1, description="customer upset score from which empathy is expected")
    curt_channels: list[Channel] = Field(
        default_factory=list, description="channels where a reply with no courtesy is curt"
    )
    curt_max_words: int = Field(
        30, ge=0, description="longer replies are not curt for lacking pleasantries (to an upset customer: any length)"
    )
    max_exclamations: int = Field(2, ge=0, description="exclamation marks a reply may have")
    jargon: dict[str, str] = Field(
        default_factory=dict, description="term -> plain wording, for customers who are not technical"
    )
    authority: Authority = Field(default_factory=Authority)


# -- a sentence's analysis, cached by its text ------------------------------------
Span = tuple[int, int]


@dataclass(frozen=True)
class Features:
    courtesy: tuple[str, ...]
    empathy: tuple[str, ...]
    formal: int
    informal: int
    contractions: int
    compound: float
    negatives: int
    refusal: Span | None
    reason: bool
    turnaround: str | None  # "We can't X until Y" -> "We can X once Y"
    demand: bool
    phrases: tuple[tuple[int, int, int], ...]  # (start, end, index into phrases.PHRASES)
    caps: tuple[tuple[int, int, bool], ...]  # (start, end, is a run of words)
    exclamations: int
    exclamation_runs: tuple[Span, ...]
    absolute: tuple[Span, ...]
    commits: bool  # a commitment about money (will, can offer, guarantee...)
    dated_commitment: bool  # we/I will..., you'll receive..., will be fixed...
    done: bool  # reports something already done ("has been processed")
    money: tuple[tuple[int, int, float, str], ...]
    kinds: tuple[str, ...]
    dates: tuple[tuple[int, int, tuple[tuple[str, str], ...]], ...]  # only dates something is due by
    own_commitment: bool  # I/we will..., I guarantee: the agent's own commitment
    referrals: tuple[Span, ...]
    handover: Span | None  # passed to a named team or person: is there a why?
    handover_reason: bool


DATED_COMMITMENT = re.compile(
    r"\b(?:i|we)(?:[’']ll|\s+will|\s+shall|\s+(?:am|are)\s+going\s+to|\s+(?:can\s+)?(?:guarantee|promise))\b"
    r"|\byou(?:[’']ll|\s+will)\s+(?:definitely\s+|certainly\s+)?(?:get|receive|have|see|be)\b"
    r"|\bwill\s+(?:definitely\s+|certainly\s+)?be\s+(?:fixed|resolved|repaired|restored|delivered|sent|refunded|"
    r"credited|"
    r"replaced|back|working|sorted|completed|done|processed|installed|connected|with\s+you|ready)\b",
)  # matched against lower-cased text, as are the phrases' patterns
OWN_COMMITMENT = re.compile(
    r"\b(?:i|we)(?:[’']ll|\s+will|\s+shall|\s+(?:am|are)\s+going\s+to|\s+(?:can\s+)?(?:guarantee|promise))\s+"
    r"(?!(?:\w+\s+)?(?:respond|reply|update|call|contact|email|write|get\s+back|let\s+you\s+know|confirm|be\s+in\s+touch|"
    r"check|chase|review|look))"  # when the agent will next be in touch is theirs to say
)
_NOT_DUE = re.compile(r"(?:\b(?:from|since|of|dated|after|last|on\s+or\s+after)\s+)$")
_CONDITION = re.compile(r"\b(?:if|unless|in\s+case)\b[^,;]*$")


def _due_date(low: str, start: int) -> bool:
    """A date something is promised by, not one it counts from ("since 2 March") nor a
    condition ("if it hasn't arrived by Friday, ...")."""
    before = low[max(0, start - 60) : start]
    return not _NOT_DUE.search(before) and not _CONDITION.search(before)


DONE = re.compile(
    r"\b(?:has|have)\s+(?:now\s+|already\s+)?been\b|\b(?:i|we)[’']?ve\b|\b(?:i|we)\s+have\s+(?:now\s+|"
    r"already\s+)?\w+ed\b|\balready\b"
)


def _has_reason(text: str, refusal: re.Match[str] | None) -> bool:
    """A reason in the sentence: after the refusal, or before it ("..., so we can't")."""
    if refusal is None:
        return bool(P.REASON.search(text))
    before = text[: refusal.start()]
    return bool(P.REASON.search(text[refusal.end() :]) or P.REASON.search(before) or P.REASON_BEFORE.search(before))


def analyse_sentence(text: str, analyzer: SentimentIntensityAnalyzer) -> Features:
    """Everything the rules and scores read from one sentence of the agent's (its links and
    codes blanked). The patterns match the lower-cased sentence, spans hold for both."""
    low = P.lower(text)
    courtesy = tuple(name for name, pattern in P.COURTESY_CUES.items() if pattern.search(low))
    empathy = tuple(name for name, pattern in P.EMPATHY_CUES.items() if pattern.search(low))
    refusal = P.REFUSAL.search(low)
    turnaround = None
    if (found := P.CANNOT_UNTIL.search(low)) is not None:
        who, what, when = (text[slice(*found.span(g))] for g in ("who", "what", "when"))
        turnaround = f"{who} can {what} once {when.rstrip()}"
    money = []
    for m in P.MONEY.finditer(low):
        raw = (m.group("amount") or m.group("amount2")).replace(",", "")
        amount = float(raw) * (1000 if m.group("thousands") else 1)
        currency = P.CURRENCY[(m.group("symbol") or m.group("code")).lower()]
        money.append((m.start(), m.end(), amount, currency))
    phrases = tuple((m.start(), m.end(), int(m.lastgroup[1:])) for m in P.PHRASE_PATTERN.finditer(low) if m.lastgroup)
    compound = analyzer.polarity_scores(text)["compound"] if any(c.isalpha() for c in text) else 0.0
    return Features(
        courtesy=courtesy,
        empathy=empathy,
        formal=len(P.FORMAL_CUES.findall(low)),
        informal=len(P.INFORMAL_CUES.findall(low)),
        contractions=len(P.CONTRACTION.findall(text)),
        compound=compound,
        negatives=len(P.NEGATIVE.findall(low)),
        refusal=refusal.span() if refusal else None,
        reason=_has_reason(low, refusal),
        turnaround=turnaround,
        demand=bool(P.DEMAND.match(low))
        and not P.SOFTENER.search(low)
        and not P.LIST_ITEM.match(low)
        and not KEYWORD_INSTRUCTION.match(text.lstrip()),
        phrases=phrases,
        caps=caps(text),
        exclamations=text.count("!"),
        exclamation_runs=tuple(m.span() for m in P.EXCLAMATION_RUN.finditer(low)),
        absolute=tuple(m.span() for m in P.ABSOLUTE.finditer(low)),
        commits=bool(P.COMMITMENT.search(low)) and not P.NEGATED_COMMITMENT.search(low),
        dated_commitment=bool(DATED_COMMITMENT.search(low)) and not P.NEGATED_COMMITMENT.search(low),
        done=bool(DONE.search(low)),
        money=tuple(money),
        kinds=tuple(kind for kind, pattern in P.MONEY_KINDS.items() if pattern.search(low)),
        dates=tuple(
            (m.start(), m.end(), tuple((k, v) for k, v in m.groupdict().items() if v))
            for m in P.DATE.finditer(low)
            if _due_date(low, m.start())
        ),
        own_commitment=bool(OWN_COMMITMENT.search(low)),
        referrals=tuple(m.span("vague") for m in P.REFERRAL.finditer(low)),
        handover=handover.span() if (handover := P.HANDOVER.search(low)) else None,
        handover_reason=bool(P.HANDOVER_REASON.search(low)),
    )


def running_conversation(draft: Draft, context: Context) -> bool:
    """The reply is a turn in a conversation already under way, not the opening of a
    contact: an agent has answered in this thread before, or it goes on with a reply
    already begun."""
    return any(m.author == Author.agent for m in context.thread) or later_part(draft)


def later_part(draft: Draft) -> bool:
    """A later part of a reply posted in parts: numbered ("2/2"), or opening as a
    continuation does ("Additionally, ...")."""
    if draft.part is not None:
        return draft.part[0] > 1
    return bool(_CONTINUES.match(draft.own_without_protected()))


_CONTINUES = re.compile(r"\s*(?:additionally|also|in\s+addition|furthermore|moreover)\b", re.IGNORECASE)


# -- the check ---------------------------------------------------------------------
class ToneCheck(Check):
    name = "tone"
    spacy_pipes = frozenset({"sentencizer"})  # reads draft.sentences only
    Options = ToneOptions
    rules = RULES

    def __init__(self) -> None:
        self._moods = MoodModel()  # the model /v1/triage reads too; its own cache, as a check holds no global state
        self._sentence = memoised("tone.sentences", 8192)(
            functools.partial(analyse_sentence, analyzer=self._moods.analyzer)
        )

    def mood(self, context: Context, options: ToneOptions) -> Mood:
        """The mood of the customer messages this reply answers: the latest ones since an
        agent last wrote. What came before an agent's turn had its answer there (with or
        without the acknowledgement it needed): a conversation is not told at every turn."""
        unanswered: list[str] = []
        for message in context.thread:
            if message.author == Author.agent:
                unanswered.clear()
            elif message.author == Author.customer:
                unanswered.append(message.text)
        return self._moods.of_messages(unanswered[-options.customer_messages :])

    def acknowledged_before(self, context: Context) -> bool:
        """One of the latest agent turns already apologised or acknowledged how the
        customer feels: a conversation says it once, not at every turn."""
        turns = [m.text for m in context.thread if m.author == Author.agent]
        return any(self._sentence(text).empathy for text in turns[-3:])

    def run(self, draft: Draft, context: Context, options: ToneOptions) -> Outcome:
        prose = draft.own_without_protected()
        sentences = [s for s in draft.sentences if s.words]
        features = [self._sentence(prose[s.start : s.end]) for s in sentences]
        mood = self.mood(context, options)
        upset = mood.messages > 0 and mood.upset >= options.upset_threshold
        running = running_conversation(draft, context)
        # A later part goes on with a reply whose opening part carried the acknowledgement.
        acknowledged = later_part(draft) or (running and self.acknowledged_before(context))
        review = _Review(draft, sentences, features)
        review.phrases()
        review.empathy(upset and not acknowledged, mood)
        # One part of a reply posted in parts is not the whole of its courtesy.
        in_parts = draft.part is not None and draft.part[1] > 1
        review.curtness(context, options, upset and not acknowledged and not in_parts, running or in_parts)
        review.negativity()
        review.shouting()
        review.exclamations(options.max_exclamations)
        if context.audience == Audience.general:
            review.jargon(prose, options.jargon)
        review.promises(context, options.authority)
        review.referrals()
        metrics = review.scores() | {"customer": mood.as_metrics(options.upset_threshold)}
        return Outcome(findings=review.findings, metrics=metrics)


class _Review:
    """One run's findings, built sentence by sentence from the cached analyses."""

    def __init__(self, draft: Draft, sentences: list, features: list[Features]) -> None:
        self.draft, self.sentences, self.features = draft, sentences, features
        self.findings: list[Finding] = []
        self.negative_framing = 0

    def add(self, rule: str, span: Span | None = None, **details: Any) -> None:
        """A finding of one of tone's declared rules; `details` may hold `severity`,
        `message` and `suggestions` where this case says better than the rule's own."""
        self.findings.append(RULES.finding(self.draft, rule, span, **details))

    def each(self):
        for sentence, features in zip(self.sentences, self.features, strict=True):
            yield sentence.start, features

    # -- blame, condescension, sarcasm -------------------------------------------
    def phrases(self) -> None:
        for offset, f in self.each():
            for start, end, index in f.phrases:
                phrase = P.PHRASES[index]
                self.add(phrase.rule, (offset + start, offset + end), suggestions=phrase.suggestions)

    # -- empathy and curtness --------------------------------------------------
    def empathy(self, upset: bool, mood: Mood) -> None:
        if not upset or any(f.empathy for f in self.features) or not self.features:
            return
        why = ", ".join(c.replace("_", " ") for c in mood.cues) or "negative wording"
        self.add(
            "tone.empathy_missing",
            severity=Severity.warning if set(mood.cues) & SAYS_UPSET else Severity.suggestion,
            message=f"The customer sounds upset ({why}), and this reply does not acknowledge it. "
            "Start by recognising how they feel or apologising for what went wrong.",
            upset=round(mood.upset, 3),
            cues=list(mood.cues),
        )

    def curtness(self, context: Context, options: ToneOptions, upset: bool, running: bool) -> None:
        if not self.features:
            return
        # Empathy is warm too: "I understand how frustrating this is" is not a cold reply.
        courteous = sum(len(f.courtesy) + bool(f.empathy) for f in self.features)
        words = sum(sentence.words for sentence in self.sentences)
        # A turn in a running conversation ("Can I have your zip code?") needs no
        # pleasantry of its own: the conversation opened warmly or not before it.
        short = words <= options.curt_max_words and not running
        if courteous == 0 and ((context.channel in options.curt_channels and short) or upset):
            name = (context.customer.name or "").split()
            greeting = f"Hi {name[0]}," if name else "Hello,"
            self.add(
                "tone.curt",
                suggestions=(greeting, "Thanks for getting in touch.", "I hope this helps."),
                channel=context.channel.value,
            )
        if courteous >= 2 and not upset:
            return
        for f, sentence in zip(self.features, self.sentences, strict=True):
            if f.demand:
                text = self.draft.text[sentence.start : sentence.end]
                self.add(
                    "tone.bare_imperative",
                    (sentence.start, sentence.end),
                    suggestions=(f"Please {text[0].lower()}{text[1:]}",),
                )

    # -- negative framing and refusals -------------------------------------------
    def negativity(self) -> None:
        flagged = -1
        for i, (f, sentence) in enumerate(zip(self.features, self.sentences, strict=True)):
            pair = f.negatives + (self.features[i + 1].negatives if i + 1 < len(self.features) else 0)
            if i > flagged and f.negatives >= 1 and (f.negatives >= 2 or pair >= 3):
                last = i if f.negatives >= 2 else i + 1
                end = self.sentences[last].end
                turn = f.turnaround or (self.features[last].turnaround if last != i else None)
                self.add(
                    "tone.negative_framing",
                    (sentence.start, end),
                    suggestions=(turn,) if turn else (),
                    negatives=f.negatives if last == i else pair,
                )
                self.negative_framing += 1
                flagged = last
            if f.refusal is not None and not f.reason:
                around = (
                    self.features[max(0, i - 1) : i] + self.features[i + 1 : i + 2]
                )  # a reason just before or after
                if not any(other.reason for other in around):
                    self.add("tone.refusal_no_reason", (sentence.start, sentence.end))

    # -- shouting and exclamations ---------------------------------------------
    def shouting(self) -> None:
        for offset, f in self.each():
            for start, end, is_run in f.caps:
                text = self.draft.text[offset + start : offset + end]
                self.add(
                    "tone.shouting",
                    (offset + start, offset + end),
                    severity=Severity.warning if is_run else Severity.suggestion,
                    message=None
                    if is_run
                    else "Capitals read as shouting. Use ordinary case; to stress a word, put it in bold or rephrase.",
                    suggestions=(text.capitalize() if is_run else text.lower(),),
                )

    def exclamations(self, limit: int) -> None:
        total = 0
        for (offset, f), sentence in zip(self.each(), self.sentences, strict=True):
            for start, end in f.exclamation_runs:
                run = self.draft.text[offset + start : offset + end]
                self.add("tone.exclamations", (offset + start, offset + end), suggestions=("?" if "?" in run else "!",))
            before = total
            total += f.exclamations
            if before <= limit < total:
                self.add(
                    "tone.exclamations",
                    (sentence.start, sentence.end),
                    message=f"More than {limit} exclamation marks in one reply can sound over-excited or insincere. "
                    "Keep one where it matters.",
                    suggestions=(),
                    count=total,
                    limit=limit,
                )

    # -- jargon ------------------------------------------------------------------
    def jargon(self, prose: str, vocabulary: dict[str, str]) -> None:
        if not vocabulary:
            return
        pattern, by_key = _jargon_pattern(tuple(sorted(vocabulary.items())))
        own = [(s.start, s.end) for s in self.sentences]
        starts = [s for s, _ in own]
        for m in pattern.finditer(prose):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0 or m.end() > own[i][1]:
                continue
            term, plain = by_key[m.group().lower()]
            self.add(
                "tone.jargon",
                m.span(),
                message=f"'{m.group()}' may mean nothing to this customer. Say '{plain}' instead.",
                suggestions=(plain,),
                term=term,
            )

    # -- promises and authority ------------------------------------------------------
    def promises(self, context: Context, authority: Authority) -> None:
        now = (context.now or datetime.now(UTC)).date()
        outcomes = _outcome_pattern(tuple(authority.undated_outcomes))
        for (offset, f), sentence in zip(self.each(), self.sentences, strict=True):
            text = self.draft.text[sentence.start : sentence.end]
            for start, end in f.absolute:
                self.add("tone.promise", (offset + start, offset + end))
            if f.commits and not f.done:
                for start, end, amount, currency in f.money:
                    self._money(authority, f, (offset + start, offset + end), amount, currency)
            if f.dated_commitment and not f.done:
                for start, end, groups in f.dates:
                    days = days_ahead(dict(groups), now)
                    span = (offset + start, offset + end)
                    if days is None:
                        continue
                    if outcomes is not None and outcomes.search(text[max(0, start - 60) : end + 40]):
                        self.add(
                            "tone.promise",
                            span,
                            message="This promises when something outside your control will happen. Tell the "
                            "customer the next step and when you will update them instead.",
                            suggestions=("we will update you by",),
                            days=days,
                        )
                    elif (
                        authority.max_commit_days is not None and days > authority.max_commit_days and f.own_commitment
                    ):
                        self.add(
                            "tone.authority",
                            span,
                            message=f"This commits to a date {days} days ahead; agents may commit up to "
                            f"{authority.max_commit_days} days. Check with {authority.escalate_to} before "
                            "promising it.",
                            days=days,
                            max_commit_days=authority.max_commit_days,
                            escalate_to=authority.escalate_to,
                        )

    def _money(self, authority: Authority, f: Features, span: Span, amount: float, currency: str) -> None:
        if currency != authority.currency.upper():
            return
        limits = [(kind, authority.money[kind]) for kind in f.kinds if kind in authority.money]
        if not limits:
            return
        kind, limit = min(limits, key=lambda item: item[1])
        if amount <= limit:
            return
        self.add(
            "tone.authority",
            span,
            message=f"A {kind} of {amount:,.2f} {currency} is beyond the {limit:,.2f} {currency} an agent may "
            f"commit to. Do not promise it: pass the case to {authority.escalate_to} and tell the customer who "
            "will decide and when they will hear.",
            kind=kind,
            amount=amount,
            currency=currency,
            limit=limit,
            escalate_to=authority.escalate_to,
        )

    def referrals(self) -> None:
        for i, (offset, f) in enumerate(self.each()):
            for start, end in f.referrals:
                self.add("tone.referral", (offset + start, offset + end))
            if f.handover is None or f.referrals or f.handover_reason:
                continue
            if i + 1 < len(self.features) and self.features[i + 1].handover_reason:
                continue
            start, end = f.handover
            self.add(
                "tone.referral",
                (offset + start, offset + end),
                severity=Severity.suggestion,
                message="Say why you are passing this on (what that team can do that you cannot), so the customer "
                "knows it is progress and not a brush-off.",
                suggestions=("who can", "as they handle"),
            )

    # -- scores ------------------------------------------------------------------
    def scores(self) -> dict[str, Any]:
        rude = {"tone.blame", "tone.condescension", "tone.sarcasm", "tone.shouting", "tone.bare_imperative"}
        totals = {"courtesy": 0.0, "empathy": 0.0, "formality": 0.0}
        weighted, words, attribution = 0.0, 0, []
        for sentence, f in zip(self.sentences, self.features, strict=True):
            rudeness = sum(
                1
                for x in self.findings
                if x.rule in rude and x.start is not None and sentence.start <= x.start < sentence.end
            )
            pos = len(f.courtesy) + ("apology" in f.empathy)
            deltas = {
                "courtesy": 0.15 * pos - 0.25 * rudeness,
                "empathy": 0.3 * len(f.empathy) - 0.2 * rudeness,
                "formality": 0.12 * f.formal - 0.12 * f.informal - 0.03 * f.contractions,
            }
            for key, value in deltas.items():
                totals[key] += value
            # VADER's valence, less for each negative ("cannot", "unfortunately") and each
            # rude phrase; an apology's sad words are not negativity.
            compound = max(0.0, f.compound) if f.empathy else f.compound
            compound = max(-1.0, compound - 0.25 * f.negatives - 0.5 * rudeness)
            weighted += compound * sentence.words
            words += sentence.words
            cues = list(f.courtesy) + list(f.empathy)
            if any(abs(v) > 1e-9 for v in deltas.values()) or abs(compound) >= 0.3:
                attribution.append(
                    {"start": sentence.start, "end": sentence.end, "cues": cues, "positivity": round(compound, 3)}
                    | {key: round(value, 3) for key, value in deltas.items()}
                )
        mean = weighted / words if words else 0.0
        return {
            "courtesy": _clamp(0.3 + min(totals["courtesy"], 0.75)),
            "empathy": _clamp(0.2 + totals["empathy"]),
            "positivity": _clamp((mean + 1) / 2 - 0.1 * self.negative_framing),
            "formality": _clamp(0.5 + totals["formality"]),
            "sentences": attribution,
        }


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


@functools.lru_cache(maxsize=64)
def _jargon_pattern(items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """One pattern for a guide's jargon list: acronyms match in capitals only."""
    terms = sorted(items, key=lambda item: -len(item[0]))
    parts = [
        rf"(?-i:{re.escape(term)})" if term.isupper() else re.escape(term).replace(r"\ ", r"\s+") for term, _ in terms
    ]
    pattern = re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)
    return pattern, {term.lower(): (term, plain) for term, plain in terms} | {
        re.sub(r"\s+", " ", term.lower()): (term, plain) for term, plain in terms
    }


@functools.lru_cache(maxsize=64)
def _outcome_pattern(outcomes: tuple[str, ...]) -> re.Pattern[str] | None:
    if not outcomes:
        return None
    return re.compile(
        r"\b(?:" + "|".join(re.escape(o).replace(r"\ ", r"\s+") for o in outcomes) + r")\b", re.IGNORECASE
    )


def days_ahead(groups: dict[str, str], today: date) -> int | None:
    """How many days from `today` a date expression in a reply points, None if past or unknown."""
    if "today" in groups:
        return 0
    if "tomorrow" in groups:
        return 1
    if "weekday" in groups:
        ahead = (P.WEEKDAYS.index(groups["weekday"].lower()) - today.weekday()) % 7
        return ahead or 7  # the same weekday means next week's
    if "day" in groups or "day2" in groups:
        day = int(groups.get("day") or groups["day2"])
        month_name = (groups.get("month") or groups["month2"]).lower()[:3]
        month = [m[:3] for m in P.MONTHS].index(month_name) + 1
        if not 1 <= day <= calendar.monthrange(today.year, month)[1]:
            return None
        target = date(today.year, month, day)
        if target < today - timedelta(days=60):  # "20 January" said in November: next year's
            if not 1 <= day <= calendar.monthrange(today.year + 1, month)[1]:
                return None
            target = date(today.year + 1, month, day)
        if target < today:  # a date just gone: a reference to the past, not a promise
            return None
        return (target - today).days
    if "within" in groups:
        raw = groups["within"].lower()
        count = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw.replace(" ", ""), 1)
        unit = groups["unit"].lower().rstrip("s")
        per = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30}[unit]
        return math.ceil(count * per)
    if "nextweek" in groups:
        return 7 if groups["nextweek"].lower().startswith("next") else (4 - today.weekday()) % 7
    if "nextmonth" in groups:
        if groups["nextmonth"].lower().startswith("next"):
            return 30
        return calendar.monthrange(today.year, today.month)[1] - today.day
    return None
