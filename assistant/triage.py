"""Triage of incoming social media and web portal messages (DEAL.P16, DELIVER.P7,
PROBLEMS.K7): which need a reply, how urgent each is, the customer's mood, when the
reply is due under the guide's SLA, and personal data posted in public; sorted by what
to answer first.

Pure functions over the messages and the guide's `sla:` section; rules are data,
compiled once at import. The HTTP route (api/triage.py) only validates and maps."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from .checks.sla import SlaOptions
from .model import Channel
from .mood import ANGRY_EMOJI
from .mood import Label as Mood
from .mood import model as mood_model
from .privacy.engine import Detection
from .privacy.entities import ENTITIES

Kind = Literal["complaint", "request", "question", "none"]
Urgency = Literal["high", "normal", "low"]
URGENCY_ORDER = {"high": 0, "normal": 1, "low": 2}
PUBLIC_CHANNELS = {Channel.social_public}


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


COMPLAINT = _words(
    r"disappointed",
    r"disgusted",
    r"terrible",
    r"awful",
    r"appalling",
    r"shocking",
    r"worst",
    r"unacceptable",
    r"rubbish",
    r"useless",
    r"ridiculous",
    r"joke",
    r"fed up",
    r"sick of",
    r"angry",
    r"furious",
    r"complain\w*",
    r"still (?:not|no|waiting|haven't|hasn't)",
    r"never (?:arrived|came|turned up|received)",
    r"(?:not|never) (?:happy|good enough)",
    r"broken",
    r"faulty",
    r"damaged",
    r"wrong (?:item|order|size)",
    r"overcharged",
    r"charged twice",
    r"scam",
    r"no one (?:has )?(?:replied|got back|called)",
    r"nobody (?:has )?(?:replied|got back|called)",
)
REQUEST = _words(
    r"please",
    r"can you",
    r"could you",
    r"would you",
    r"i (?:want|need|would like|'d like)",
    r"cancel",
    r"refund",
    r"change my",
    r"update my",
    r"send (?:me|us)",
    r"(?:dm|message) me",
    r"call me",
    r"help",
    r"sort (?:it|this) out",
    r"fix",
)
QUESTION_START = re.compile(
    r"(?:^|[.!?]\s+)(?:who|what|when|where|why|how|which|is|are|can|could|do|does|did|will|would|has|have)\b",
    re.IGNORECASE,
)
URGENT = _words(
    r"urgent\w*",
    r"asap",
    r"immediately",
    r"right now",
    r"emergency",
    r"today",
    r"tonight",
    r"no (?:power|heating|"
    r"hot water|water|gas|internet|signal)",
    r"locked out",
    r"fraud\w*",
    r"stolen",
    r"hacked",
    r"can'?t (?:log ?in|"
    r"access|pay)",
    r"leak\w*",
    r"unsafe",
    r"danger\w*",
    r"smell of gas",
    r"vulnerable",
    r"medical",
    r"flight",
)

# A customer's own name on their own post is no leak; everything else the confidentiality
# check finds is (entities.py: one description of each kind, shared with the check).
NOT_A_LEAK = frozenset({"PERSON"})
Detect = Callable[[str], Sequence[Detection]]  # the privacy engine's, at the guide's threshold


@dataclass(frozen=True)
class Incoming:
    id: str
    channel: Channel
    text: str
    at: datetime | None = None
    public: bool | None = None  # None: public when the channel is public


@dataclass
class Triaged:
    id: str
    index: int
    needs_reply: bool
    kind: Kind
    urgency: Urgency
    mood: Mood
    due_at: datetime | None
    sla_target: str | None
    personal_data: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)


def triage(messages: list[Incoming], sla: SlaOptions, detect: Detect, now: datetime | None = None) -> list[Triaged]:
    """Each message triaged, sorted by what to answer first: replies needed before none,
    then by urgency, due time, a negative mood first, and arrival order."""
    now = now or datetime.now(UTC)
    results = [_one(index, message, sla, detect, now) for index, message in enumerate(messages)]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(
        results,
        key=lambda t: (
            not t.needs_reply,
            URGENCY_ORDER[t.urgency],
            t.due_at or far,
            t.mood != "negative",
            t.index,
        ),
    )


def _one(index: int, message: Incoming, sla: SlaOptions, detect: Detect, now: datetime) -> Triaged:
    text = message.text
    kind = classify(text)
    mood = mood_of(text)
    public = message.public if message.public is not None else message.channel in PUBLIC_CHANNELS
    found = personal_data(text, detect) if public else []
    urgent = bool(URGENT.search(text)) or bool(found) or (public and kind == "complaint")
    needs_reply = kind != "none" or bool(found)
    urgency: Urgency = "high" if urgent and needs_reply else ("normal" if needs_reply else "low")
    due_at, target = None, None
    allowance = sla.allowance(message.channel, "first_reply", "urgent" if urgency == "high" else None)
    if needs_reply and allowance is not None:
        received = _aware(message.at or now, sla)
        amount = allowance[0].duration(sla.business_day)
        due_at = sla.clock.add(received, amount) if allowance[0].business else received + amount
        due_at = due_at.astimezone(sla.clock.tz)
        target = str(allowance[0])
    warnings = []
    if found:
        kinds = ", ".join(dict.fromkeys(item["kind"] for item in found))
        warnings.append(
            f"The customer has posted personal data in public ({kinds}). Reply quickly: ask them to delete "
            "the post, move the conversation to a private message, and never repeat the details."
        )
    criteria = ["DEAL.P16", "PROBLEMS.K7"] + (["DEAL.P17"] if needs_reply else []) + ["DELIVER.P7"]
    return Triaged(message.id, index, needs_reply, kind, urgency, mood, due_at, target, found, warnings, criteria)


def classify(text: str) -> Kind:
    if COMPLAINT.search(text) or ANGRY_EMOJI.search(text):
        return "complaint"
    if "?" in text:
        return "question"
    if REQUEST.search(text):
        return "request"
    if QUESTION_START.search(text.strip()):  # a question without its question mark
        return "question"
    return "none"


def mood_of(text: str) -> Mood:
    """The customer's mood, read by the one model the tone check reads it with."""
    return mood_model().message(text).label()


def personal_data(text: str, detect: Detect) -> list[dict[str, Any]]:
    """Personal data in a message, as the confidentiality check finds it, labelled for a list."""
    return [
        {"kind": ENTITIES[d.entity].label, "start": d.start, "end": d.end}
        for d in sorted(detect(text), key=lambda d: (d.start, d.end))
        if d.entity in ENTITIES and d.entity not in NOT_A_LEAK
    ]


def _aware(moment: datetime, sla: SlaOptions) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=sla.clock.tz)
