"""A recap of the thread (DEAL.P15): the key points the customer raised and the actions
each side agreed, for a template's recap block. Rule-based on the thread's sentences:
no model, so it is fast and predictable; an agent reads it before sending."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Author, Message

SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
# "I'll send", "we will arrange", "I am going to book": what the writer commits to.
OWN_ACTION = re.compile(
    r"\b(?:i|we)(?:'ll| will| shall| am going to| are going to|'m going to|'re going to)\s+(?!not\b)(.+)", re.IGNORECASE
)
# "could you send", "please send", "can you confirm": what the writer asks the other side to do.
ASKED_ACTION = re.compile(r"\b(?:could|can|would) you(?: please)?\s+(.+?)\??$|^\s*please\s+(.+)", re.IGNORECASE)
POINT = re.compile(
    r"\b(?:bill|charge|meter|reading|payment|refund|outage|power|gas|supply|engineer|appointment|visit|"
    r"complain|problem|issue|broken|wrong|late|missing|moving|move|account|direct debit|tariff|"
    r"not working|cancel|delay|order|delivery)\w*",
    re.IGNORECASE,
)
MAX_ITEMS = 5


@dataclass
class Recap:
    points: list[str] = field(default_factory=list)
    customer_actions: list[str] = field(default_factory=list)
    agent_actions: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.points or self.customer_actions or self.agent_actions)


def recap_thread(thread: Sequence[Message]) -> Recap:
    """Key points from the customer's messages; each side's actions from what it
    committed to and what the other side asked of it. Internal notes are left out."""
    recap = Recap()
    for message in thread:
        if message.author == Author.internal_note:
            continue
        mine = recap.customer_actions if message.author == Author.customer else recap.agent_actions
        theirs = recap.agent_actions if message.author == Author.customer else recap.customer_actions
        for raw in SENTENCE.findall(message.text):
            sentence = " ".join(raw.split())
            if len(sentence) < 8:
                continue
            own = OWN_ACTION.search(sentence)
            asked = ASKED_ACTION.search(sentence)
            if own:
                _add(mine, _action(own.group(1)))
            elif asked:
                _add(theirs, _action(asked.group(1) or asked.group(2)))
            elif message.author == Author.customer and POINT.search(sentence):
                _add(recap.points, sentence.rstrip(".!?") + ".")
    return recap


def _action(words: str) -> str:
    words = words.strip().rstrip(".!?").strip()
    return words[:1].lower() + words[1:]


def _add(items: list[str], item: str) -> None:
    if item and item not in items and len(items) < MAX_ITEMS:
        items.append(item)
