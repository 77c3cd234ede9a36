"""Structure: the parts a reply needs on this channel and at this point of the contact.

A greeting and a sign-off where the guide's channel expects them; explicit next steps
when the reply reports actions taken or agreed (UTIL.P8, DEAL.P15); a closing
confirmation when the ticket is being closed (DEAL.P25); and no asking the customer
again for details they already gave in the thread (DEAL.P14). Reads the agent's own
text only; the thread only to know what the customer already said."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from ..guide import Section
from ..model import Author, Channel, Context, Finding, Severity
from ..patterns import EMAIL
from ..rules import Rule, RuleSet, examples
from ..text import Draft
from . import phrases as P
from .base import Check, Outcome

_I = re.IGNORECASE

CLOSING_TICKET = {"ticket": {"closing": True}}
GAVE_ACCOUNT = {"thread": [{"author": "customer", "text": "Hi, my account number is 40981234 and my bill is wrong."}]}
GAVE_ORDER = {"thread": [{"author": "customer", "text": "Where is order #48213? It was due Monday."}]}
GAVE_EMAIL = {"thread": [{"author": "customer", "text": "Please use dana.price@example.com from now on."}]}

RULES = RuleSet(
    "structure",
    [
        Rule(
            "structure.greeting_missing",
            Severity.warning,
            "Replies on this channel open with a greeting. Start with the customer's name.",
            ("DEAL.P11", "DEAL.P12", "DEAL.K16"),
            fires=examples(
                "Your parcel arrives on Friday.\n\nKind regards,\nSam",
                ("I've checked your account.\n\nBest wishes,\nSam", {"channel": "letter"}),
            ),
            passes=examples(
                "Hi Dana,\n\nYour parcel arrives on Friday.\n\nKind regards,\nSam",
                "Good morning Mr Hartley,\n\nYour parcel arrives on Friday.\n\nYours sincerely,\nSam",
                ("Your parcel arrives on Friday.", {"channel": "chat"}),
            ),
        ),
        Rule(
            "structure.sign_off_missing",
            Severity.warning,
            "Replies on this channel close with a sign-off and your name.",
            ("DEAL.P12", "DEAL.K16", "DEAL.P20"),
            ("Kind regards,", "Best wishes,"),
            fires=examples(
                "Hi Dana,\n\nYour parcel arrives on Friday.",
                "Dear Mr Hartley,\n\nYour parcel arrives on Friday. It will come by courier.",
            ),
            passes=examples(
                "Hi Dana,\n\nYour parcel arrives on Friday.\n\nKind regards,\nSam",
                "Hi Dana,\n\nYour parcel arrives on Friday.\n\nThanks,\nSam Lee\nCustomer Care",
                "Hi Dana,\n\nYour parcel arrives on Friday.\n\n-- \nSam Lee | Acme Support",
                "Dear Mr Novak,\n\nYour data is attached.\n\nYours sincerely,\nAyesha Rahman\nData Protection Officer\n"
                "Meridian Home",
                ("Your parcel arrives on Friday.", {"channel": "sms"}),
            ),
        ),
        Rule(
            "structure.next_steps_missing",
            # A suggestion: on the tuning half of bench/real, right 0 times, wrong 1 (a chat turn
            # that reports the refund done and asks "is there anything else i can do for you").
            Severity.suggestion,
            "This reply says what was done but not what happens next. Tell the customer what to expect, "
            "and when, and anything they need to do.",
            ("UTIL.P8", "DEAL.P15", "PROBLEMS.P17", "PROBLEMS.P18"),
            ("You'll receive a confirmation email within 24 hours.",),
            fires=examples(
                "Hi Dana,\n\nI have cancelled your order.\n\nKind regards,\nSam",
                "Hi Dana,\n\nI've raised a fault report for your line.\n\nThanks,\nSam",
            ),
            passes=examples(
                "Hi Dana,\n\nI have cancelled your order. You'll get a confirmation email within the hour.\n\n"
                "Kind regards,\nSam",
                "Hi Dana,\n\nI've raised a fault report. An engineer will call you by Friday.\n\nThanks,\nSam",
                "Hi Dana,\n\nI've sent a secure link to your email address - please set a new password.\n\n"
                "Thanks,\nSam",
                "Hi Dana,\n\nYour parcel arrives on Friday.\n\nKind regards,\nSam",
            ),
        ),
        Rule(
            "structure.closing_confirmation_missing",
            Severity.warning,
            "This ticket is being closed: check that the customer needs nothing else before you close it.",
            ("DEAL.P25", "DELIVER.P17", "DEAL.K26"),
            ("Is there anything else I can help with?", "If you need anything else, just reply to this email."),
            fires=examples(("Hi Dana,\n\nYour refund has been processed.\n\nKind regards,\nSam", CLOSING_TICKET)),
            passes=examples(
                (
                    "Hi Dana,\n\nYour refund has been processed. Is there anything else I can help with?"
                    "\n\nKind regards,\nSam",
                    CLOSING_TICKET,
                ),
                (
                    "Hi Dana,\n\nYour refund has been processed. If you need anything else, just reply to this "
                    "email.\n\nSam",
                    CLOSING_TICKET,
                ),
                ("Hi Dana,\n\nYour refund has been processed.\n\nKind regards,\nSam", {}),
            ),
        ),
        Rule(
            "structure.repeat_request",
            # On bench/real right 0 times, wrong 1 (held-out: digits the customer gave when asked
            # for an order id, read as a phone number; a bare answer is now what was asked for).
            # Its other evidence: bench/tone pairs, 4 of 4 right.
            Severity.warning,
            "The customer already gave this detail. Use it rather than asking again; if it did not work, say so.",
            ("DEAL.P14", "PROBLEMS.K12", "DEAL.K1"),
            fires=examples(
                (
                    "Hi Dana,\n\nCould you send me your account number so I can look into this?\n\nThanks,\nSam",
                    GAVE_ACCOUNT,
                ),
                ("Hi Dana,\n\nPlease confirm your order number.\n\nThanks,\nSam", GAVE_ORDER),
                ("Hi Dana,\n\nWhat is your email address?\n\nThanks,\nSam", GAVE_EMAIL),
            ),
            passes=examples(
                ("Hi Dana,\n\nThanks for your account number. I've found the bill.\n\nThanks,\nSam", GAVE_ACCOUNT),
                (
                    "Hi Dana,\n\nCould you send me your account number so I can look into this?\n\nThanks,\nSam",
                    GAVE_ORDER,
                ),
                ("Hi Dana,\n\nCould you send me a photo of the damage?\n\nThanks,\nSam", GAVE_ACCOUNT),
            ),
        ),
    ],
)


class ChannelParts(Section):
    greeting: bool = Field(False, description="the reply opens with a greeting")
    sign_off: bool = Field(False, description="the reply closes with a sign-off (or a signature)")


class StructureOptions(Section):
    """The guide's `structure:` section."""

    channels: dict[Channel, ChannelParts] = Field(default_factory=dict, description="what each channel expects")
    next_steps: bool = Field(True, description="a reply that reports actions must say what happens next")
    closing_confirmation: bool = Field(
        True, description="a reply that closes the ticket must check nothing else is needed"
    )


# Something was done or agreed: the customer needs to know what happens next.
ACTIONS = re.compile(
    r"\b(?:i|we)(?:[’']ve|\s+have)\s+(?:now\s+|just\s+|also\s+)?(?:arranged|booked|raised|requested|logged|ordered|"
    r"scheduled|issued|refunded|cancell?ed|set\s+up|reported|opened|created|escalated|submitted|"
    r"passed(?!\s+(?:on\s+)?(?:your|these)\s+(?:kind\s+\w+|thanks|compliments?|praise)\b)|"  # praise passed on
    r"credited|applied|processed|changed|updated|reset|sent|replaced|placed|added|removed|blocked)\b",
)
NEXT_STEPS = re.compile(
    r"\b(?:will|shall|going\s+to|within|next\s+steps?|what\s+happens\s+next|once|as\s+soon\s+as|expect|"
    r"should\s+(?:arrive|reach|receive|see|hear|get|show|appear|be)|you\s+(?:just\s+)?need\s+to|"
    r"all\s+you\s+need|please\s+\w+|no\s+need|nothing\s+(?:more|"
    r"else)|"
    r"(?:don|won)[’']?t\s+need\s+to|(?:do|will)\s+not\s+need\s+to|by\s+(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|tomorrow)|"
    r"(?:in|over)\s+the\s+next|tomorrow|today|let\s+(?:me|us)\s+know|"
    r"you\s+can\s+(?:also\s+|still\s+)?(?:refer|contact|call|reply|collect|track|appeal|escalate)|"
    r"(?:from|on|in)\s+(?:your|the)\s+next\s+(?:bill|statement|invoice|payment)|so\s+(?:that\s+)?(?:we|i)\s+can|"
    r"(?:sent|replied\s+to)\s+(?:you\s+)?(?:a\s+|your\s+)?(?:dm|direct\s+message|private\s+message))\b|[’']ll\b",
)
CLOSING = re.compile(
    r"\b(?:anything\s+else|any\s+(?:other|further|more)\s+(?:questions?|help|queries|issues?|problems?)|"
    r"(?:is|was)\s+there\s+anything|if\s+you\s+need\s+(?:anything|any(?:thing)?\s+(?:else|more)|more\s+help|further)|"
    r"let\s+(?:me|us)\s+know\s+if|(?:i|we)[’']?(?:ll|\s+will)\s+(?:now\s+)?close|(?:close|closing|mark)\s+(?:this|"
    r"your)\s+"
    r"(?:ticket|case|request|conversation|chat|enquiry)|get\s+(?:back\s+)?in\s+touch|reply\s+to\s+this|"
    r"has\s+(?:this|that)\s+(?:resolved|answered|helped|sorted)|(?:does|did)\s+(?:this|that)\s+(?:answer|help|resolve|"
    r"sort)|"
    r"happy\s+to\s+help\s+(?:further|again|with\s+anything)|just\s+reply|reopen|re-open|still\s+need\s+help|"
    r"feel\s+free\s+to\s+(?:reply|contact|get|reach)|don[’']?t\s+hesitate|do\s+not\s+hesitate|here\s+if\s+you\s+need)",
)
ASK = re.compile(
    r"\b(?:could|can|would)\s+you\s+(?:please\s+|kindly\s+|also\s+|just\s+)?(?:send|provide|give|confirm|tell|share|"
    r"let\s+(?:me|us)\s+(?:know|have)|reply\s+with|supply|forward)"
    r"|\b(?:please|kindly)\s+(?:could\s+you\s+)?(?:send|provide|give|confirm|tell|share|let\s+(?:me|us)\s+(?:know|"
    r"have)|"
    r"reply\s+with|supply|forward)"
    r"|\bwhat\s+is\s+your|\bwhat[’']s\s+your|\b(?:can|could|may)\s+i\s+(?:have|take|get|ask\s+for)"
    r"|\b(?:i|we)(?:[’']ll|\s+will)?\s+need\s+(?:your|the)|\b(?:send|provide|confirm|give)\s+(?:me|us)\s+your",
)
_ID_VALUE = (
    r"\s*(?:number|no\.?|num|id|ref(?:erence)?)?\s*(?:is|was|:|-|"
    r"=)?\s*#?\s*(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}"
)
DETAILS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # kind -> (how the agent asks for it, how the customer gave it)
    "account number": (
        re.compile(r"\baccount\s+(?:number|no\b|id|reference|ref)"),
        re.compile(r"\baccount" + _ID_VALUE, _I),
    ),
    "order number": (re.compile(r"\border\s+(?:number|no\b|id|reference|ref)"), re.compile(r"\border" + _ID_VALUE, _I)),
    "reference number": (
        re.compile(r"\b(?:case|ticket|booking|claim|reference)\s+(?:number|no\b|id|reference|ref)"),
        re.compile(r"\b(?:case|ticket|booking|claim|reference)" + _ID_VALUE, _I),
    ),
    "email address": (re.compile(r"\be-?mail\s+address"), EMAIL),
    "phone number": (
        re.compile(r"\b(?:phone|mobile|telephone|contact)\s+number"),
        re.compile(r"(?<![\w])(?:\+44\s?|0)(?:\d[\s-]?){9,10}\b"),
    ),
    "postcode": (re.compile(r"\bpost\s?code\b|\bzip\s+code\b"), re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")),
    "date of birth": (
        re.compile(r"\bdate\s+of\s+birth\b|\bdob\b"),
        re.compile(r"\b(?:date\s+of\s+birth|dob|born\s+on)\W{0,5}\d", _I),
    ),
}


class StructureCheck(Check):
    name = "structure"
    spacy_pipes = frozenset({"sentencizer"})  # reads draft.sentences and draft.paragraphs
    Options = StructureOptions
    rules = RULES

    def run(self, draft: Draft, context: Context, options: StructureOptions) -> Outcome:
        lines = [line for _, paragraph in draft.paragraphs for line in paragraph.splitlines() if line.strip()]
        findings: list[Finding] = []
        if not lines:
            return Outcome(metrics={"greeting": False, "sign_off": False})
        parts = options.channels.get(context.channel, ChannelParts())
        prose = P.lower(draft.own_without_protected())  # the patterns here match lower-cased text
        greeting = bool(P.GREETING.match(lines[0]))
        tail = "\n".join(lines[-6:]) + "\n"  # a sign-off may stand above a name, role and company
        sign_off = bool(P.SIGN_OFF.search(tail)) or bool(draft.signature)
        if parts.greeting and not greeting:
            name, words = context.customer.name, (context.customer.name or "").split()
            findings.append(
                RULES.finding(
                    draft,
                    "structure.greeting_missing",
                    message=f"Replies on {context.channel.value} open with a greeting. Start with the customer's name.",
                    suggestions=(
                        f"Hi {words[0]}," if words else "Hello,",
                        f"Dear {name}," if words else "Dear customer,",
                    ),
                )
            )
        if parts.sign_off and not sign_off:
            findings.append(
                RULES.finding(
                    draft,
                    "structure.sign_off_missing",
                    message=f"Replies on {context.channel.value} close with a sign-off and your name.",
                )
            )
        actions = list(ACTIONS.finditer(prose))
        next_steps = bool(NEXT_STEPS.search(prose) or P.DATE.search(prose))  # a date says when
        if options.next_steps and actions and not next_steps:
            first = actions[0]
            findings.append(RULES.finding(draft, "structure.next_steps_missing", first.span()))
        closing_confirmed = bool(CLOSING.search(prose))
        if options.closing_confirmation and context.ticket.closing and not closing_confirmed:
            findings.append(RULES.finding(draft, "structure.closing_confirmation_missing"))
        findings.extend(_repeat_requests(draft, context, prose))
        metrics: dict[str, Any] = {
            "greeting": greeting,
            "sign_off": sign_off,
            "actions": len(actions),
            "next_steps": next_steps,
            "closing_confirmation": closing_confirmed,
        }
        return Outcome(findings=findings, metrics=metrics)


def _answers(context: Context) -> list[tuple[str, set[str]]]:
    """Each customer message, with the details the agent's latest turn before it asked for."""
    answers, asked = [], set()
    for message in context.thread:
        if message.author == Author.agent:
            low = message.text.lower()
            asked = {kind for kind, (asking, _) in DETAILS.items() if asking.search(low)} if ASK.search(low) else set()
        elif message.author == Author.customer:
            answers.append((message.text, asked))
    return answers


def _given(kind: str, answers: list[tuple[str, set[str]]]) -> bool:
    """The customer gave this kind of detail. A bare value answering a question for other
    details is those details ("Can I have your order ID?" - "0913902565": an order id,
    however much it looks like a phone number)."""
    pattern = DETAILS[kind][1]
    return any(
        pattern.search(text) and not (asked and kind not in asked and len(text.split()) <= _BARE_VALUE_WORDS)
        for text, asked in answers
    )


_BARE_VALUE_WORDS = 3


def _repeat_requests(draft: Draft, context: Context, prose: str) -> list[Finding]:
    answers = _answers(context)
    known = {"email address": context.customer.email, "phone number": context.customer.phone}
    findings = []
    for sentence in draft.sentences:
        text = prose[sentence.start : sentence.end]  # lower-cased
        if not ASK.search(text):
            continue
        for kind, (asked, _) in DETAILS.items():
            if not asked.search(text):
                continue
            found = _given(kind, answers)
            if not found and not known.get(kind):
                continue
            where = "in an earlier message" if found else "on the ticket"
            findings.append(
                RULES.finding(
                    draft,
                    "structure.repeat_request",
                    (sentence.start, sentence.end),
                    message=f"The customer already gave their {kind} {where}. Use it rather than asking again; "
                    "if it did not work, say so.",
                    suggestions=(f"Thanks for your {kind}.",),
                    kind=kind,
                )
            )
    return findings
