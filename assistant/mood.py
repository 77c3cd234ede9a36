"""The customer's mood: one model, read by the tone check (empathy, curtness) and by
`/v1/triage`, so both say the same of the same message.

A message's mood is VADER's sentiment (a lexicon that ships inside its package) plus our
cues of upset in the customer's own words: complaint, repeat contact, a wait, urgency,
distress, shouting, a plea for help, "!!". A thread's mood weighs its latest customer
messages, the latest most. Also here: what counts as shouting (runs of capitals that are
not initialisms nor keywords to type), which tone's own `tone.shouting` reads as well.
Patterns are matched against the lower-cased message and compiled once at import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .caching import memoised

Label = Literal["negative", "neutral", "positive"]
UPSET_THRESHOLD = 0.45  # the default guide's tone.upset_threshold: from here a customer is upset
POSITIVE_FROM = 0.3  # VADER compound from which a message of praise or thanks is positive


def _words(*alternatives: str) -> str:
    """Any of the alternatives as whole words (a look-behind: faster than \\b here)."""
    return r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"


# -- shouting ---------------------------------------------------------------------
# "Reply STOP to opt out", "text HELP": a keyword the customer types, not an order or a shout.
KEYWORD_INSTRUCTION = re.compile(r"\b(?i:reply|text|send|type|enter|say)\s+[\"“‘']?(?P<keyword>[A-Z]{2,})\b")

CAPS_WORD = re.compile(r"\b[A-Z][A-Z’']*[A-Z]\b")
EMPHASIS_WORDS = frozenset(
    {"NOT", "NEVER", "MUST", "NOW", "ALWAYS", "ONLY", "DO", "DON'T", "DON’T", "NO", "STOP", "ALL", "ANY"}
)
ACRONYMS = frozenset(
    "OK FAQ PDF VAT URL ID UK US USA EU GBP USD EUR SMS PIN ATM API IBAN BIC CEO TV PC HTML IT HR NHS HMRC DVLA BT "
    "ISP DNS VPN WIFI SIM IMEI MOT ETA ASAP RMA SLA IP CSV USB GB MB TB AM PM BST GMT UTC PO CV NI DD DVD CD "
    "SSO MFA OTP QR ISA AA RAC BBC ITV ID'S".split()
)


def caps(text: str, emphasis: bool = True) -> tuple[tuple[int, int, bool], ...]:
    """Runs of three or more capitalised words (not acronyms), and single words in capitals:
    only the usual emphasis words (NOT, NEVER) when `emphasis`, else any that is no acronym."""
    found: list[tuple[int, int, bool]] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        letters = sum(len(m.group()) for m in run)
        if len(run) >= 3 and letters >= 9 and not _initialisms(text, run):
            found.append((run[0].start(), run[-1].end(), True))
        else:
            found.extend((m.start(), m.end(), False) for m in run if m.group() in EMPHASIS_WORDS or not emphasis)
        run.clear()

    keywords = {m.start("keyword") for m in KEYWORD_INSTRUCTION.finditer(text)}
    for match in CAPS_WORD.finditer(text):
        if match.group() in ACRONYMS or match.start() in keywords:
            close()
            continue
        if run and re.search(r"[a-z]|[.!?:;\n]", text[run[-1].end() : match.start()]):
            close()
        run.append(match)
    close()
    return tuple(found)


def _initialisms(text: str, run: list[re.Match[str]]) -> bool:
    """A list of short initialisms ("OS, CPU, RAM, GPU"), most of them apart by a comma or
    slash (a list missing a comma, "OS, CPU, RAM GPU", is still a list): names of things,
    not raised voices."""
    gaps = [text[a.end() : b.start()] for a, b in zip(run, run[1:], strict=False)]
    listed = sum(bool(re.search(r"[,/]", gap)) for gap in gaps)
    return all(len(m.group()) <= 4 for m in run) and 2 * listed > len(gaps)


def shouts(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if len(letters) >= 12 and upper / len(letters) >= 0.6:
        return True
    # a run of capitals, two capitalised words of four letters or more, or one that names the
    # grievance ("doubled AGAIN"); one alone otherwise ("HELP!", "ALL my photos", a brand in
    # capitals) is emphasis, not a raised voice
    found = caps(text, emphasis=False)
    words = [text[start:end].lower() for start, end, is_run in found if not is_run and end - start >= 4]
    return any(is_run for _, _, is_run in found) or len(words) >= 2 or any(map(_grievance, words))


def _grievance(word: str) -> bool:
    """A word that is itself a sign of upset ("AGAIN", "WORST"): in capitals, it is shouted."""
    return any(pattern.fullmatch(word) for name, pattern in MOOD_CUES.items() if name != "plea")


# -- cues of upset in the customer's own words (DEAL.P21) --------------------------
MOOD_CUES: dict[str, re.Pattern[str]] = {
    "complaint": re.compile(
        _words(
            r"complain\w*",
            r"unacceptable",
            r"disgust\w*",
            r"appall\w*",
            r"terrible",
            r"awful",
            r"worst",
            r"ridiculous",
            r"disgrace\w*",
            r"outrage\w*",
            r"useless",
            r"furious",
            r"angry",
            r"fed\s+up",
            r"sick\s+(?:and\s+tired\s+)?of",
            r"not\s+good\s+enough",
            r"not\s+(?:very\s+|at\s+all\s+)?happy",
            r"rip[- ]?off",
            # calling the company or a charge a scam; not a scam reported ("a scam email",
            # "trying to scam me"): someone else's doing, which the customer brings to us
            r"(?<!to\s)scam(?!\s+(?:e-?mails?|texts?|calls?|messages?|links?|sites?|websites?|pages?|accounts?))",
            r"shocking",
            r"poor\s+service",
            r"let\s+(?:me\s+)?down",
            r"disappoint\w*",
            r"upset",
            r"annoyed",
            r"frustrat\w*",
            r"livid",
            r"pathetic",
            r"joke",
            r"incompetent",
            r"fuming",
            r"shambles",
            r"ombudsman",
            r"solicitor",
        ),
    ),
    "repeat_contact": re.compile(
        _words(
            r"(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+time",
            r"the\s+(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+(?:order|delivery|bill|call|email|engineer|"
            r"attempt|visit)",
            # times the customer got in touch, not times they tried something ("crashed many times")
            r"(?:called|rang|phoned|emailed|e-mailed|written|wrote|messaged|contacted|asked|tweeted|told|"
            r"chased|complained|reported)\s+(?:you\s+|us\s+|this\s+|it\s+)?"
            r"(?:several|many|multiple|countless|numerous|three|four|five)\s+times",
            r"keep\s+(?:calling|emailing|asking|chasing|being\s+told)",
            r"(?:already|again\s+and\s+again)\s+(?:told|explained|sent|called|asked|written)",
            r"(?:no\s+one|nobody)\s+(?:has\s+)?(?:replied|got\s+back|called|responded|cares)",
            # the verb, not the bank: "I had to chase", "chasing this up"
            r"(?:had|have|has|keep|kept|been|having)\s+(?:to\s+)?chas(?:e|ed|ing)",
            r"chas(?:e|ed|ing)\s+(?:you|it|this|them|up)",
            r"yet\s+again",
        ),
    ),
    # weaker signs of a repeat contact or a wait: count less than the above
    "still_waiting": re.compile(
        _words(
            r"still\s+(?:not|no|haven[’']?t|hasn[’']?t|waiting|nothing)",
            r"once\s+again",
            r"again",
            r"(?:after|for)\s+(?:over\s+)?(?:\d+|two|three|four|five|six)\s+(?:days|weeks|months)",
            r"for\s+(?:weeks|months)",
        ),
    ),
    "urgency": re.compile(
        _words(
            r"urgent(?:ly)?",
            r"asap",
            r"immediately",
            r"right\s+now",
            r"emergency",
            r"as\s+soon\s+as\s+possible",
            r"straight\s+away",
            r"deadline",
            r"today",
        ),
    ),
    "distress": re.compile(
        _words(
            r"vulnerable",
            r"can[’']?t\s+afford",
            r"struggling",
            r"desperate",
            r"in\s+tears",
            r"crying",
            r"anxious",
            r"worried(?:\s+sick)?",
            r"scared",
            r"stressed",
            r"bereave\w*",
            r"passed\s+away",
            r"died",
            r"hospital",
            r"(?:no|without)\s+(?:heating|heat|power|electricity|hot\s+water|water|gas)",
            r"elderly",
            # a disabled person, not a disabled phone, account or setting
            r"disabilit(?:y|ies)",
            r"disabled\s+(?:son|daughter|child|children|kids?|mother|mum|mom|father|dad|husband|wife|partner|"
            r"parents?|brother|sister|relative|person|people|veteran|customer)",
            r"(?:i[’']?m|i\s+am|(?:he|she)[’']?s|(?:he|she)\s+is|we[’']?re|we\s+are)\s+(?:\w+\s+)?disabled",
            r"deceased",
            r"my\s+baby",
            r"newborn",
            r"at\s+my\s+wits[’']?\s+end",
            r"panic\w*",
            r"lost\s+my\s+job",
            r"cancer",
            r"chemo\w*",
            r"terminal(?:ly)?\s+ill",
            r"funeral",
        ),
    ),
    # asking for help: weighs little alone ("please help" is how many people ask)
    "plea": re.compile(_words(r"please\s+help", r"help\s*!", r"help\s+me")),
}

MOOD_WEIGHTS = {
    "complaint": 0.35,
    "repeat_contact": 0.45,
    "still_waiting": 0.2,
    "urgency": 0.1,
    "distress": 0.5,
    "shouting": 0.35,
    "plea": 0.1,  # "please help", "HELP!": asking for help, not upset by itself
    "exclaiming": 0.15,  # "!!", "?!": excited or exasperated
}
# Cues by which customers say in their own words that they are upset. Without one the
# mood is inferred from negative wording and weak cues (a problem described, "again",
# "!!"), and a missing acknowledgement is only a suggestion: on the tuning half of
# bench/real, 8 of 10 warnings with one of these cues were right, 0 of 2 without; on the
# held-out half 6 of 11, the wrong ones a cue misread (a disabled phone, a scam reported,
# words quoted), which the cues now read as they are meant.
SAYS_UPSET = frozenset({"complaint", "repeat_contact", "distress", "shouting"})
ANGRY_EMOJI = re.compile("[\U0001f620\U0001f621\U0001f624\U0001f92c\U0001f47f\U0001f612\U0001f644]")
# Praise and thanks: VADER alone reads a request as warm ("please help" scores +0.6), so
# a message is positive only when it says one of these.
PRAISE = re.compile(
    r"(?<!not\s)(?<!n[’']t\s)(?<!never\s)(?<!not\svery\s)"
    + _words(
        r"thanks?",
        r"thank\s+you",
        r"thx",
        r"cheers",
        r"lov(?:e|ed|ing)",
        r"great",
        r"brilliant",
        r"amazing",
        r"awesome",
        r"excellent",
        r"fantastic",
        r"perfect",
        r"well\s+done",
        r"happy",
        r"helpful",
        r"superb",
        r"spot\s+on",
        r"appreciated?",
        r"sorted",
    )
)
# Words in double quotes of three words or more are someone else's ("an alert like “this
# was the fourth time your card was used today”"): what was said or should have been, not
# the customer's own words of upset. One or two quoted words are a name or a scare quote.
QUOTED = re.compile(r"“[^”\n]{1,300}”" r'|(?<!\w)"(?=\S)[^"\n]{1,300}(?<=\S)"(?!\w)')


def own_words(text: str) -> str:
    """`text` with quotations of three words or more blanked (offsets kept)."""
    return QUOTED.sub(lambda m: " " * len(m.group()) if len(m.group().split()) >= 3 else m.group(), text)


HAPPY_EMOJI = re.compile("[\U0001f600-\U0001f60d\U0001f642\U0001f44d\u2764\U0001f64f\U0001f389]")
_MESSAGE_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*")


@dataclass(frozen=True)
class Mood:
    messages: int
    sentiment: float  # VADER compound, -1..1, of the latest customer messages
    upset: float  # 0..1
    cues: tuple[str, ...]
    praise: bool = False  # the latest message praises or thanks

    def label(self, threshold: float = UPSET_THRESHOLD) -> Label:
        """negative when upset, positive when warm with no cue of upset, else neutral."""
        if self.messages and self.upset >= threshold:
            return "negative"
        if self.praise and self.sentiment >= POSITIVE_FROM and not self.cues:
            return "positive"
        return "neutral"

    def as_metrics(self, threshold: float) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "mood": self.label(threshold),
            "sentiment": round(self.sentiment, 3),
            "upset": round(self.upset, 3),
            "needs_empathy": self.messages > 0 and self.upset >= threshold,
            "cues": list(self.cues),
        }


def message_mood(text: str, analyzer: SentimentIntensityAnalyzer) -> Mood:
    """The mood of one customer message."""
    sentences = [s for s in _MESSAGE_SENTENCES.findall(text) if any(c.isalpha() for c in s)]
    scores = [analyzer.polarity_scores(s)["compound"] for s in sentences]
    sentiment = (min(scores) + sum(scores) / len(scores)) / 2 if scores else 0.0
    low = text.lower()
    own = own_words(low)  # cues: the customer's own words only
    cues = [name for name, pattern in MOOD_CUES.items() if pattern.search(own)]
    if ANGRY_EMOJI.search(text) and "complaint" not in cues:
        cues.append("complaint")
    if shouts(text):
        cues.append("shouting")
    if "!!" in text or "?!" in text:
        cues.append("exclaiming")
    upset = max(0.0, -sentiment) * 0.6 + sum(MOOD_WEIGHTS[c] for c in cues)
    praise = bool(PRAISE.search(low) or HAPPY_EMOJI.search(text))
    return Mood(1, sentiment, min(1.0, upset), tuple(cues), praise)


class MoodModel:
    """VADER and the cues, with a named cache of message moods (a thread's messages are
    read again at every re-check of a reply)."""

    def __init__(self) -> None:
        self.analyzer = SentimentIntensityAnalyzer()  # the lexicon ships in the package: no download
        self.message = memoised("mood.messages", 1024)(functools.partial(message_mood, analyzer=self.analyzer))

    def of_messages(self, texts: Sequence[str]) -> Mood:
        """The mood of a customer's latest messages (oldest first): the latest counts
        fully, each earlier one a little less."""
        if not texts:
            return Mood(0, 0.0, 0.0, ())
        weighted = [(0.8**age, self.message(text)) for age, text in enumerate(reversed(texts))]
        sentiment = min(w * m.sentiment for w, m in weighted)
        upset = max(w * m.upset for w, m in weighted)
        cues = tuple(sorted({c for _, m in weighted for c in m.cues}))
        return Mood(len(texts), sentiment, upset, cues, weighted[0][1].praise)


@functools.cache
def model() -> MoodModel:
    """The model /v1/triage reads (its functions are pure): built on first use, once a process."""
    return MoodModel()
