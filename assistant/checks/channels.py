"""Channel rules: what fits the channel the reply goes out on (DEAL.K16, DEAL.K23).

Length (SMS segments counted as carriers count them, GSM-7 or UCS-2; X's weighted
280), links, plain text vs HTML, greeting and sign-off, emoji, and "attached" with
nothing attached. Patterns compile once per guide, when the guide loads."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

import regex
from pydantic import Field

from .. import patterns
from ..guide import RegexPattern, Section
from ..model import Channel, Context, Finding, Severity
from ..rules import Rule, RuleSet, examples
from ..text import Draft
from .base import Check, Outcome

CONVENTIONS = ("DEAL.K16", "DEAL.P12")  # the channel's conventions; the organisation's format
CONCISE = ("DEAL.K23", "DEAL.K16")  # concise messages on social media and portals
SMS = {"channel": "sms"}
SMS_200 = (
    "Hi Dana, your engineer is booked for Thursday 26 November between 8am and 12pm. They will call "
    "about 30 minutes before they arrive. Reply YES to confirm the slot. Thanks, Sam."
)
SIGNED = "Hi Dana,\n\n{}\n\nKind regards,\nSam"
RULES = RuleSet(
    "channels",
    [
        Rule(
            "channels.sms_length",
            Severity.suggestion,  # over the guide's preferred segments; a warning over its maximum
            "This SMS takes more segments than the guide allows: cut it down or move the detail to email.",
            CONCISE,
            fires=examples((SMS_200, SMS)),
            passes=examples(("Hi Dana, your engineer is booked for Thursday 8am-12pm. Reply YES to confirm.", SMS)),
        ),
        Rule(
            "channels.sms_encoding",
            Severity.suggestion,
            "A character not in the SMS alphabet makes this text cost more segments: use plain quotes and dashes.",
            CONCISE,
            fires=examples(("We’ll call about 30 minutes before we arrive; please make sure someone is at home.", SMS)),
            passes=examples(
                ("We'll call about 30 minutes before we arrive; please make sure someone is at home.", SMS)
            ),
        ),
        Rule(
            "channels.length",
            Severity.warning,
            "This reply is longer than the channel allows: cut it, or move the conversation to a private channel.",
            CONCISE,
            fires=examples(("Thanks for waiting. " * 16, {"channel": "social_public"})),
            passes=examples(("Thanks for waiting. " * 12, {"channel": "social_public"})),
        ),
        Rule(
            "channels.link",
            Severity.warning,
            "Links are not sent on this channel under this guide (customers are told we never send them, to "
            "protect them from phishing). Give directions instead.",
            CONVENTIONS,
            fires=examples(("Track it at https://track.example.com/AB12 today.", SMS)),
            passes=examples(("Track it at https://track.example.com/AB12 today.", {"channel": "chat"})),
        ),
        Rule(
            "channels.html",
            Severity.suggestion,
            "This channel shows plain text: bold, lists, tables and links in the markup will not come through. "
            "Write it as plain text.",
            CONVENTIONS,
            fires=examples(("<p>Your refund is <b>on its way</b>.</p>", {"channel": "chat", "format": "html"})),
            passes=examples(
                ("<p>Hi Dana,</p><p>Your refund is on its way.</p><p>Kind regards,<br>Sam</p>", {"format": "html"})
            ),
        ),
        Rule(
            "channels.greeting",
            Severity.suggestion,
            "Replies on this channel open with a greeting, e.g. “Hi Dana,”.",
            CONVENTIONS,
            fires=examples("Your refund of £40 is on its way.\n\nKind regards,\nSam"),
            passes=examples(SIGNED.format("Your refund of £40 is on its way.")),
        ),
        Rule(
            "channels.sign_off",
            Severity.suggestion,
            "Replies on this channel close with a sign-off and your name, e.g. “Kind regards, Sam”.",
            CONVENTIONS,
            fires=examples("Hi Dana,\n\nYour refund of £40 is on its way."),
            passes=examples(SIGNED.format("Your refund of £40 is on its way.")),
        ),
        Rule(
            "channels.emoji",
            Severity.suggestion,  # where the guide discourages emoji; a warning where it does not allow them
            "Emoji are best left out on this channel under this guide: say it in words.",
            CONVENTIONS,
            ("",),
            fires=examples(("Your parcel is on its way 🎉", SMS)),
            passes=examples(
                ("Your parcel is on its way 🎉", {"channel": "chat"}), ("Your parcel is on its way ©", SMS)
            ),
        ),
        Rule(
            "channels.attachment",
            Severity.warning,
            "The reply mentions an attachment, but nothing is attached. Attach the file, or reword.",
            CONVENTIONS,
            fires=examples((SIGNED.format("I've attached the returns label."), {"attachments": []})),
            passes=examples(
                (SIGNED.format("I've attached the returns label."), {"attachments": ["returns-label.pdf"]}),
                SIGNED.format("I've attached the returns label."),
            ),
        ),
    ],
)

# 3GPP TS 23.038: the GSM 7-bit default alphabet, and its extension table (two septets each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
# What a phone keyboard or a word processor puts in and GSM-7 has a plain twin for.
GSM7_TWINS = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2022": "-",
    "\t": " ",
}

EMOJI = regex.compile(
    r"(?:\p{Regional_Indicator}{2}"
    r"|(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F)"
    r"(?:\p{Emoji_Modifier}|\uFE0F|\u20E3|\u200D(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F?))*)"
)
LINK = re.compile(patterns.LINK.pattern, re.IGNORECASE)
_X_REPLY_HANDLES = re.compile(r"^(?:@\w{1,15}\s+)+")
X_URL_LENGTH = 23  # X shortens every link to a t.co address of this length
# twitter-text v3: code points in these ranges weigh 1, every other one 2; an emoji 2.
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

EmojiPolicy = Literal["allowed", "discouraged", "not_allowed"]


class ChannelRules(Section):
    """One channel's conventions. Unset limits are not checked."""

    max_chars: int | None = Field(None, gt=0)
    counting: Literal["characters", "x"] = "characters"
    max_sms_segments: int | None = Field(None, gt=0)
    preferred_sms_segments: int | None = Field(None, gt=0)
    links: bool = True
    html: bool = True
    greeting: bool = False
    sign_off: bool = False
    emoji: EmojiPolicy = "allowed"
    attachments: bool = False


class ChannelsOptions(Section):
    """The guide's `channels:` section: one set of rules per channel, and the phrases that
    count as a greeting, a sign-off and a mention of an attachment."""

    email: ChannelRules = Field(default_factory=ChannelRules)
    web_portal: ChannelRules = Field(default_factory=ChannelRules)
    chat: ChannelRules = Field(default_factory=ChannelRules)
    sms: ChannelRules = Field(default_factory=ChannelRules)
    social_public: ChannelRules = Field(default_factory=ChannelRules)
    social_private: ChannelRules = Field(default_factory=ChannelRules)
    letter: ChannelRules = Field(default_factory=ChannelRules)
    greetings: list[RegexPattern] = Field(default_factory=list)
    sign_offs: list[RegexPattern] = Field(default_factory=list)
    attachment_words: list[RegexPattern] = Field(default_factory=list)

    def rules(self, channel: Channel) -> ChannelRules:
        rules: ChannelRules = getattr(self, channel.value)
        return rules

    @cached_property
    def greeting(self) -> re.Pattern[str]:
        return _any_of(self.greetings, r"^\s*(?:{})")

    @cached_property
    def sign_off(self) -> re.Pattern[str]:
        return _any_of(self.sign_offs, r"^\s*(?:{})")

    @cached_property
    def attachment(self) -> re.Pattern[str]:
        return _any_of(self.attachment_words, r"\b(?:{})\b")


def _any_of(patterns: list[str], frame: str) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile(frame.format("|".join(f"(?:{p})" for p in patterns)), re.IGNORECASE)


class ChannelsCheck(Check):
    name = "channels"
    Options = ChannelsOptions
    rules = RULES

    def run(self, draft: Draft, context: Context, options: ChannelsOptions) -> Outcome:
        rules = options.rules(context.channel)
        metrics: dict = {"channel": context.channel.value, "characters": len(draft.text.strip())}
        findings: list[Finding] = []
        if rules.max_sms_segments is not None or rules.preferred_sms_segments is not None:
            sms = sms_segments(draft.text.strip())
            metrics["sms"] = sms
            findings.extend(_sms_findings(draft, sms, rules))
        if rules.max_chars is not None:
            length = x_length(draft.text.strip()) if rules.counting == "x" else len(draft.text.strip())
            metrics["length"] = length
            if length > rules.max_chars:
                findings.append(_length_finding(draft, context, rules, length))
        if not rules.links:
            findings.extend(_link_findings(draft, context))
        if not rules.html and draft.format == "html":
            findings.append(
                RULES.finding(
                    draft,
                    "channels.html",
                    message=f"{_label(context.channel)} shows plain text: bold, lists, tables and links in the markup "
                    "will not come through. Write it as plain text.",
                )
            )
        typed = bool(draft.own_text.strip())  # nothing typed yet: nothing to greet or sign off
        if rules.greeting and typed and not _has_greeting(draft, options):
            findings.append(
                RULES.finding(
                    draft,
                    "channels.greeting",
                    message=f"{_label(context.channel)} replies open with a greeting, e.g. “Hi Dana,”.",
                    suggestions=[f"Hi {context.customer.name.split()[0]}," if context.customer.name else "Hello,"],
                )
            )
        if rules.sign_off and typed and not _has_sign_off(draft, options):
            findings.append(
                RULES.finding(
                    draft,
                    "channels.sign_off",
                    message=f"{_label(context.channel)} replies close with a sign-off and your name, "
                    "e.g. “Kind regards, Sam”.",
                    suggestions=[f"Kind regards,\n{context.agent.name}" if context.agent.name else "Kind regards,"],
                )
            )
        if rules.emoji != "allowed":
            findings.extend(_emoji_findings(draft, context, rules.emoji))
        if rules.attachments and context.attachments is not None and not context.attachments:
            findings.extend(_attachment_findings(draft, options))
        return Outcome(findings=findings, metrics=metrics)


# --- SMS segments --------------------------------------------------------------------------


def sms_segments(text: str) -> dict:
    """How carriers split `text`: GSM-7 when every character is in the GSM alphabet
    (160 septets in one message, 153 per part of a longer one; an extension character
    takes two septets and is never split), else UCS-2 (70 UTF-16 units, 67 per part; a
    surrogate pair is never split)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        costs = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        encoding, single, part = "GSM-7", 160, 153
    else:
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        encoding, single, part = "UCS-2", 70, 67
    units = sum(costs)
    return {
        "encoding": encoding,
        "units": units,
        "segments": _pack(costs, single, part),
        "per_segment": single if units <= single else part,
    }


def _pack(costs: list[int], single: int, part: int) -> int:
    if sum(costs) <= single:
        return 1 if costs else 0
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return segments


def _sms_findings(draft: Draft, sms: dict, rules: ChannelRules) -> list[Finding]:
    findings = []
    over_max = rules.max_sms_segments is not None and sms["segments"] > rules.max_sms_segments
    over_preferred = rules.preferred_sms_segments is not None and sms["segments"] > rules.preferred_sms_segments
    limit = rules.max_sms_segments if over_max else rules.preferred_sms_segments
    text = draft.text.strip()
    offset = len(draft.text) - len(draft.text.lstrip())
    foreign = [i for i, ch in enumerate(text) if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION]
    if over_max or over_preferred:
        why = (
            f" ({''.join(dict.fromkeys(text[i] for i in foreign))} not in the SMS alphabet: "
            f"{sms['per_segment']} characters a segment)"
            if foreign
            else ""
        )
        allows = "allows" if over_max else "prefers"
        findings.append(
            RULES.finding(
                draft,
                "channels.sms_length",
                severity=Severity.warning if over_max else Severity.suggestion,
                message=f"This SMS is {len(text)} characters: {sms['segments']} segments in {sms['encoding']}{why}; "
                f"the guide {allows} {limit}. Each segment is billed, and long texts can arrive in pieces: "
                "cut it down or move the detail to email.",
                **sms,
                limit=limit,
            )
        )
    if foreign:
        twinned = "".join(GSM7_TWINS.get(ch, ch) for ch in text)
        plain = sms_segments(twinned)
        if plain["encoding"] == "GSM-7" and plain["segments"] < sms["segments"]:
            first = foreign[0]
            chars = "".join(dict.fromkeys(text[i] for i in foreign))
            findings.append(
                RULES.finding(
                    draft,
                    "channels.sms_encoding",
                    (offset + first, offset + first + 1),
                    message=f"{chars} {'is' if len(chars) == 1 else 'are'} not in the SMS alphabet, so this text "
                    f"goes as UCS-2 in {sms['segments']} segments; with plain quotes and dashes it would take "
                    f"{plain['segments']}.",
                    suggestions=[GSM7_TWINS[text[first]]],
                    characters=list(chars),
                    segments_now=sms["segments"],
                    segments_plain=plain["segments"],
                )
            )
    return findings


# --- length on social and elsewhere --------------------------------------------------------


def x_length(text: str) -> int:
    """A post's length as X counts it: a link is 23, an emoji 2, a code point 1 or 2; the
    @handles a reply starts with do not count."""
    text = _X_REPLY_HANDLES.sub("", text)
    total, position = 0, 0
    spans = sorted([m.span() for m in LINK.finditer(text)] + [m.span() for m in EMOJI.finditer(text)])
    for start, end in spans:
        if start < position:
            continue
        total += _x_weight(text[position:start])
        total += X_URL_LENGTH if LINK.match(text, start) else 2
        position = end
    return total + _x_weight(text[position:])


def _x_weight(text: str) -> int:
    return sum(1 if any(lo <= ord(ch) <= hi for lo, hi in _X_LIGHT) else 2 for ch in text)


def _length_finding(draft: Draft, context: Context, rules: ChannelRules, length: int) -> Finding:
    limit = rules.max_chars or 0
    counted = " as X counts them (a link is 23)" if rules.counting == "x" else ""
    return RULES.finding(
        draft,
        "channels.length",
        message=f"This {_label(context.channel, lower=True)} reply is {length} characters{counted}; "
        f"the limit is {limit}. Cut {length - limit} or more, or move the conversation to a private channel.",
        length=length,
        max_chars=limit,
        counting=rules.counting,
    )


# --- links, greeting, sign-off, emoji, attachments -----------------------------------------


def _link_findings(draft: Draft, context: Context) -> list[Finding]:
    return [
        RULES.finding(
            draft,
            "channels.link",
            match.span(),
            message=f"Links are not sent on {_label(context.channel, lower=True)} under this guide (customers are told "
            "we never send them, to protect them from phishing). Give directions instead, e.g. "
            "“open the app and choose Orders”.",
        )
        for match in LINK.finditer(draft.own_text)
    ]


def _own_lines(draft: Draft) -> list[str]:
    return [line for line in draft.own_text.splitlines() if line.strip()]


def _has_greeting(draft: Draft, options: ChannelsOptions) -> bool:
    lines = _own_lines(draft)
    return bool(lines) and bool(options.greeting.match(lines[0]))


def _has_sign_off(draft: Draft, options: ChannelsOptions) -> bool:
    if any(end > start for start, end in draft.signature):
        return True
    return any(len(line.strip()) <= 40 and options.sign_off.match(line) for line in _own_lines(draft)[-5:])


def _emoji_findings(draft: Draft, context: Context, policy: EmojiPolicy) -> list[Finding]:
    severity = Severity.warning if policy == "not_allowed" else Severity.suggestion
    verb = "are not used" if policy == "not_allowed" else "are best left out"
    return [
        RULES.finding(
            draft,
            "channels.emoji",
            match.span(),
            severity=severity,
            message=f"Emoji {verb} on {_label(context.channel, lower=True)} under this guide: say it in words.",
        )
        for match in EMOJI.finditer(draft.own_text)
    ]


def _attachment_findings(draft: Draft, options: ChannelsOptions) -> list[Finding]:
    match = options.attachment.search(draft.own_text)
    if match is None:
        return []
    return [RULES.finding(draft, "channels.attachment", match.span(), attachments=0)]


_LABELS = {
    Channel.email: "Email",
    Channel.web_portal: "Web portal",
    Channel.chat: "Chat",
    Channel.sms: "SMS",
    Channel.social_public: "Public social",
    Channel.social_private: "Private social",
    Channel.letter: "Letter",
}


def _label(channel: Channel, lower: bool = False) -> str:
    label = _LABELS[channel]
    return label if not lower or label.isupper() else label[0].lower() + label[1:]
