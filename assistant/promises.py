"""Promises of a time in an agent's message: "I'll call you back tomorrow", "we will update
you by Friday", "within 2 working days", "by 3pm", "on 4/12 at 14:30".

Pure functions: the text, when it was written, and a business clock to resolve
"working days" and "end of day" on. A promised day is due at the end of that day (noon
for "morning"); a time without a day that has already passed is tomorrow's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from .business_time import BusinessClock

# Numbers agents write as words ("within two working days", "forty-eight hours").
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
    "twelve": 12,
    "fourteen": 14,
    "twenty-four": 24,
    "twentyfour": 24,
    "forty-eight": 48,
    "fortyeight": 48,
}
_MONTHS = {
    name: index
    for index, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_COMMITMENT = re.compile(
    r"\b(?:(?:I|we)(?:'ll|’ll| will| shall|'m going to| am going to|'re going to| are going to)"
    r"(?:\s+\w+){0,3}?\s+(?:call|ring|phone|get back|come back|update|email|e-mail|contact|reply|respond|"
    r"let you know|send|follow up|be in touch|confirm|text|refund|arrange|book|sort|fix|resolve|chase|escalate)"
    r"|you(?:'ll|’ll| will| should)\s+(?:hear|receive|get|have)"
    r"|expect\s+(?:a|an|our|my)\s+(?:call|update|reply|answer|email))\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\n]")
_WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DATE_DM = r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATE_MD = r"(?P<m2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?"
_DATE_NUM = r"(?P<d3>\d{1,2})/(?P<m3>\d{1,2})(?:/(?P<y3>\d{2,4}))?"
_DAY = re.compile(
    rf"\b(?:(?P<today>today|tonight|this (?:morning|afternoon|evening)|end of (?:the )?day|close of business)"
    rf"|(?P<tomorrow>tomorrow)|(?P<eow>end of (?:the |this )?week)|{_WEEKDAY}|{_DATE_DM}|{_DATE_MD}|{_DATE_NUM})\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"\b(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)\b|\b(?P<h24>\d{1,2}):(?P<m24>\d{2})\b", re.IGNORECASE
)
_WITHIN = re.compile(
    r"\b(?:within|in the next|in)\s+(?P<n>\d+|an?|one|two|three|four|five|six|seven|ten|twelve)\s+"
    r"(?P<kind>business |working )?(?P<unit>hour|day)s?\b",
    re.IGNORECASE,
)
_MORNING = re.compile(r"\bmorning\b", re.IGNORECASE)


@dataclass(frozen=True)
class Promise:
    excerpt: str
    made_at: datetime
    due: datetime


def find_promises(text: str, made_at: datetime, clock: BusinessClock, business_day: timedelta) -> list[Promise]:
    """Each sentence with a commitment and a time it can be held to, and that time (UTC)."""
    promises = []
    for match in _COMMITMENT.finditer(text):
        start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, match.start())), default=0)
        end_match = _SENTENCE_END.search(text, match.end())
        end = end_match.start() if end_match else len(text)
        sentence = text[start:end]
        due = _promise_due(sentence, made_at, clock, business_day)
        if due is not None:
            promises.append(Promise(sentence.strip(), made_at, due))
    return promises


def _promise_due(sentence: str, made_at: datetime, clock: BusinessClock, business_day: timedelta) -> datetime | None:
    within = _WITHIN.search(sentence)
    if within:
        word = within["n"].lower()
        n = int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)
        unit = within["unit"].lower()
        if within["kind"]:
            amount = business_day * n if unit == "day" else timedelta(hours=n)
            return clock.add(made_at, amount)
        return made_at + (timedelta(days=n) if unit == "day" else timedelta(hours=n))
    local = made_at.astimezone(clock.tz)
    day_match, clock_match = _DAY.search(sentence), _CLOCK.search(sentence)
    if day_match is None and clock_match is None:
        return None
    day = _promised_day(day_match, local.date()) if day_match else local.date()
    if day is None:
        return None
    if clock_match:
        at = _clock_time(clock_match)
        if at is None:
            return None
        if day_match is None and at <= local.time():
            day += timedelta(days=1)  # "by 10am", said at 4pm: tomorrow
        return datetime.combine(day, at, tzinfo=clock.tz).astimezone(UTC)
    if _MORNING.search(sentence):
        return datetime.combine(day, time(12), tzinfo=clock.tz).astimezone(UTC)
    return clock.end_of_day(day)


def _promised_day(match: re.Match[str], today: date) -> date | None:
    if match["today"]:
        return today
    if match["tomorrow"]:
        return today + timedelta(days=1)
    if match["eow"]:
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if match["weekday"]:
        wanted = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday").index(
            match["weekday"].lower()
        )
        return today + timedelta(days=(wanted - today.weekday()) % 7 or 7)
    try:
        if match["d1"]:
            day, month, year = int(match["d1"]), _MONTHS[match["m1"][:3].lower()], None
        elif match["d2"]:
            day, month, year = int(match["d2"]), _MONTHS[match["m2"][:3].lower()], None
        else:  # dd/mm as written in the UK
            day, month = int(match["d3"]), int(match["m3"])
            year = int(match["y3"]) if match["y3"] else None
            if year is not None and year < 100:
                year += 2000
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found < today - timedelta(days=31):
        found = found.replace(year=today.year + 1)  # "by 3 January", said in December
    return found


def _clock_time(match: re.Match[str]) -> time | None:
    if match["h24"]:
        hour, minute = int(match["h24"]), int(match["m24"])
    else:
        hour, minute = int(match["h"]) % 12, int(match["m"] or 0)
        if match["ampm"].lower() == "pm":
            hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
