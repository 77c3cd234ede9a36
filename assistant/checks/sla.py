"""SLA: when the reply is due under the guide's service levels, and whether the draft
owns up to a delay or to a promise the team did not keep.

The clock (`metrics.sla`) runs from the ticket's start time for a first reply and from
the customer's latest message for a next reply, in business or calendar time as the
guide's target says. Business time is `business_time.BusinessClock`; holiday calendars
are built once per guide, when the guide loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from ..business_time import BusinessClock, HolidayCalendar, Minutes
from ..guide import RegexPattern, Section
from ..model import Author, Channel, Context, Finding, Message, Severity
from ..promises import Promise, find_promises
from ..rules import Rule, RuleSet, examples
from ..text import Draft, prepare_draft
from .base import Check, NotApplicable, Outcome

# Reply within the SLA, and keep the customer informed when you cannot (DEAL.P12, DEAL.K14,
# DELIVER.P22); time dealings to the organisation's requirements (UTIL.P5).
SLA_CRITERIA = ("DEAL.P12", "DEAL.K14", "DELIVER.P22", "UTIL.P5")
SOCIAL_CRITERIA = ("DEAL.P17",)  # social media and web portals: respond within the SLA
PROMISE_CRITERIA = ("DELIVER.P14", "DELIVER.P22", "DEAL.K14")  # say so when a promise cannot be kept
REPLY = "Hi Dana,\n\nYour refund of £40 is on its way and should reach your account by Friday.\n\nKind regards,\nSam"
SORRY = (
    "Hi Dana,\n\nI'm sorry it has taken us so long to get back to you. Your refund of £40 is on its way "
    "and should reach your account by Friday.\n\nKind regards,\nSam"
)
WEEK_OLD = {"now": "2026-11-27T10:00:00Z", "ticket": {"created_at": "2026-11-20T10:00:00Z"}}
PROMISED = [
    {"author": "customer", "text": "My boiler is still broken.", "at": "2026-11-16T09:00:00Z"},
    {"author": "agent", "text": "Thanks, Dana. I'll call you back tomorrow.", "at": "2026-11-16T10:00:00Z"},
    {"author": "customer", "text": "Nobody called me.", "at": "2026-11-18T09:00:00Z"},
]
RULES = RuleSet(
    "sla",
    [
        Rule(
            "sla.breached",
            Severity.warning,  # the guide's breach_severity
            "The reply target was due and has passed. Acknowledge the wait before anything else.",
            SLA_CRITERIA,
            fires=examples((REPLY, WEEK_OLD)),
            passes=examples((SORRY, WEEK_OLD), (REPLY, {"now": "2026-11-20T11:00:00Z", "ticket": WEEK_OLD["ticket"]})),
        ),
        Rule(
            "sla.at_risk",
            Severity.suggestion,
            "Little time is left before the reply target. If this reply will take longer, send a short holding "
            "reply now.",
            SLA_CRITERIA,
            fires=examples(
                (
                    REPLY,
                    {
                        "now": "2026-11-23T12:30:00Z",
                        "ticket": {"created_at": "2026-11-23T09:00:00Z", "priority": "urgent"},
                    },
                )
            ),
            passes=examples(
                (
                    REPLY,
                    {
                        "now": "2026-11-23T09:30:00Z",
                        "ticket": {"created_at": "2026-11-23T09:00:00Z", "priority": "urgent"},
                    },
                )
            ),
        ),
        Rule(
            "sla.broken_promise",
            Severity.warning,
            "The customer was promised a time that has passed. Say so, apologise and give a new time.",
            PROMISE_CRITERIA,
            ("I'm sorry I didn't get back to you when I said I would.",),
            fires=examples((REPLY, {"now": "2026-11-18T10:00:00Z", "thread": PROMISED})),
            passes=examples(
                (
                    "Hi Dana,\n\nI'm sorry I didn't call you back yesterday as I promised. The engineer will visit "
                    "on Thursday.",
                    {"now": "2026-11-18T10:00:00Z", "thread": PROMISED},
                ),
                (REPLY, {"now": "2026-11-16T12:00:00Z", "thread": PROMISED[:2]}),
            ),
        ),
    ],
)

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_ALLOWANCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+(business\s+|calendar\s+)?(minute|hour|day)s?\s*$", re.IGNORECASE)
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 24 * 60}

State = Literal["ok", "at_risk", "breached", "paused", "answered"]
WhichReply = Literal["first_reply", "next_reply"]


class Allowance(Section):
    """How long a reply may take: '4 business hours', '1 business day', '2 minutes'."""

    amount: float = Field(gt=0)
    unit: Literal["minute", "hour", "day"]
    business: bool

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        match = _ALLOWANCE.match(value)
        if not match:
            raise ValueError(
                f"{value!r} is not a time allowance; write e.g. '4 business hours', '1 business day', '2 minutes'"
            )
        amount, kind, unit = match.groups()
        return {"amount": float(amount), "unit": unit.lower(), "business": bool(kind and kind.lower().startswith("b"))}

    def __str__(self) -> str:
        amount = f"{self.amount:g}"
        plural = "" if self.amount == 1 else "s"
        return f"{amount} {'business ' if self.business else ''}{self.unit}{plural}"

    def duration(self, business_day: timedelta) -> timedelta:
        """Business days count as the guide's business day; everything else as written."""
        if self.business and self.unit == "day":
            return business_day * self.amount
        return timedelta(minutes=self.amount * _UNIT_MINUTES[self.unit])


class ChannelTargets(Section):
    """Per priority (`urgent`, `high`, ...), with `default` for any other or none."""

    first_reply: dict[str, Allowance] = Field(default_factory=dict)
    next_reply: dict[str, Allowance] = Field(default_factory=dict)

    @field_validator("first_reply", "next_reply")
    @classmethod
    def _lower_keys(cls, value: dict[str, Allowance]) -> dict[str, Allowance]:
        return {key.lower(): allowance for key, allowance in value.items()}


class HolidaySource(Section):
    country: str = Field(description="ISO country code known to the holidays library, e.g. GB.")
    subdivision: str | None = Field(None, description="e.g. ENG (England and Wales), SCT, NIR.")


class SlaOptions(Section):
    """The guide's `sla:` section: business hours, closed days, targets, pauses."""

    timezone: str = "UTC"
    hours: dict[str, str | list[str] | None] = Field(default_factory=dict)
    holidays: list[HolidaySource] = Field(default_factory=list)
    closures: list[date] = Field(default_factory=list)
    business_day_hours: float | None = Field(None, gt=0)
    paused_statuses: list[str] = Field(default_factory=list)
    targets: dict[Channel, ChannelTargets] = Field(default_factory=dict)
    at_risk_remaining: float = Field(0.25, ge=0, le=1)
    breach_severity: Literal["blocker", "warning", "suggestion"] = "warning"
    acknowledgements: list[RegexPattern] = Field(default_factory=list)
    delay_sentence: str = "I'm sorry it has taken us so long to get back to you."

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/London") from exc
        return value

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, str | list[str] | None]) -> dict[str, str | list[str] | None]:
        unknown = sorted(set(value) - set(_WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekday(s) {', '.join(unknown)}; use {', '.join(_WEEKDAYS)}")
        for spans in value.values():
            _parse_hours(spans)
        return value

    @model_validator(mode="after")
    def _build_clock(self) -> SlaOptions:
        """Build the clock (and its holiday calendars) now, once per guide, so unknown
        countries fail at load and no request pays for it."""
        try:
            self.clock  # noqa: B018  (a cached_property: built here, at load)
        except NotImplementedError as exc:  # the holidays library's "no such country/subdivision"
            raise ValueError(f"holidays: {exc}") from exc
        business = [
            f"{channel.value}.{which}.{priority}"
            for channel, targets in self.targets.items()
            for which in ("first_reply", "next_reply")
            for priority, allowance in getattr(targets, which).items()
            if allowance.business
        ]
        if business and self.clock.longest_day() == timedelta(0):
            raise ValueError(
                f"targets {', '.join(business[:3])} count business time, but `hours` opens on no day; "
                "give opening hours, or write the targets in calendar time"
            )
        return self

    @cached_property
    def clock(self) -> BusinessClock:
        week = {index: _parse_hours(self.hours.get(day)) for index, day in enumerate(_WEEKDAYS)}
        calendar = HolidayCalendar(((source.country, source.subdivision) for source in self.holidays), self.closures)
        this_year = datetime.now(UTC).year
        calendar.preload(range(this_year - 1, this_year + 2))
        return BusinessClock(ZoneInfo(self.timezone), week, calendar)

    @cached_property
    def business_day(self) -> timedelta:
        if self.business_day_hours is not None:
            return timedelta(hours=self.business_day_hours)
        return self.clock.longest_day()

    @cached_property
    def acknowledges(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.acknowledgements) or r"(?!)", re.IGNORECASE)

    def allowance(self, channel: Channel, which: WhichReply, priority: str | None) -> tuple[Allowance, str] | None:
        targets = self.targets.get(channel)
        if targets is None:
            return None
        table = getattr(targets, which) or (targets.first_reply if which == "next_reply" else {})
        key = (priority or "default").lower()
        if key in table:
            return table[key], key
        if "default" in table:
            return table["default"], "default"
        return None


def _parse_hours(spans: str | list[str] | None) -> list[Minutes]:
    if spans is None or spans == "closed":
        return []
    result = []
    for span in [spans] if isinstance(spans, str) else spans:
        match = _HOURS.match(span)
        if not match:
            raise ValueError(f"{span!r} is not opening hours; write e.g. '09:00-17:30', or 'closed'")
        oh, om, ch, cm = (int(part) for part in match.groups())
        opens, closes = oh * 60 + om, ch * 60 + cm
        if om > 59 or cm > 59 or not 0 <= opens < closes <= 24 * 60:
            raise ValueError(f"{span!r}: the opening time must come before the closing time, within 00:00-24:00")
        result.append((opens, closes))
    return result


@dataclass(frozen=True)
class Clock:
    """Where a ticket stands against its target."""

    which: WhichReply
    priority: str
    allowance: Allowance
    started_at: datetime
    due_at: datetime
    now: datetime
    remaining: timedelta  # negative when overdue; business time for a business target
    state: State

    def metrics(self, options: SlaOptions, channel: Channel) -> dict:
        tz = options.clock.tz
        minutes = round(self.remaining.total_seconds() / 60, 1)
        return {
            "state": self.state,
            "target": self.which,
            "priority": self.priority,
            "channel": channel.value,
            "allowed": str(self.allowance),
            "clock": "business" if self.allowance.business else "calendar",
            "started_at": self.started_at.astimezone(tz).isoformat(),
            "due_at": self.due_at.astimezone(tz).isoformat(),
            "now": self.now.astimezone(tz).isoformat(),
            "remaining_minutes": max(minutes, 0.0) + 0.0,
            "overdue_minutes": max(-minutes, 0.0) + 0.0,  # never -0.0
            "timezone": options.timezone,
        }


class SlaCheck(Check):
    name = "sla"
    Options = SlaOptions
    rules = RULES

    def run(self, draft: Draft, context: Context, options: SlaOptions) -> Outcome:
        now = _aware(context.now, options) if context.now else datetime.now(UTC)
        _check_range(now, context)
        findings: list[Finding] = []
        metrics: dict = {}
        acknowledged = bool(options.acknowledges.search(draft.own_text))
        clock = sla_clock(context, options, now)
        if clock is not None:
            metrics = clock.metrics(options, context.channel)
            findings.extend(_clock_findings(draft, context, options, clock, acknowledged))
        elif (paused := _paused_metrics(context, options, now)) is not None:
            metrics = paused
        for promise in broken_promises(context.thread, options, now):
            if not acknowledged:
                findings.append(_promise_finding(draft, promise, options))
        return Outcome(findings=findings, metrics=metrics)


_EARLIEST, _LATEST = 1900, 2200


def _check_range(now: datetime, context: Context) -> None:
    """Times the clock can count: a year 9999 ticket is a client's bug, not an SLA."""
    times = [now, context.ticket.created_at, context.ticket.last_customer_message_at]
    times += [m.at for m in context.thread]
    if any(t is not None and not _EARLIEST < t.year < _LATEST for t in times):
        raise NotApplicable(f"The request's times must fall between {_EARLIEST} and {_LATEST} for the SLA clock.")


def sla_clock(context: Context, options: SlaOptions, now: datetime) -> Clock | None:
    """The clock for this reply, or None when the ticket gives no start time, the
    channel has no target or the ticket's status pauses the clock."""
    if _is_paused(context, options):
        return None
    started = _start(context, options)
    if started is None:
        return None
    which, started_at, answered = started
    found = options.allowance(context.channel, which, context.ticket.priority)
    if found is None:
        return None
    allowance, priority = found
    business = options.clock
    if allowance.business:
        due = business.add(started_at, allowance.duration(options.business_day))
        remaining = business.elapsed(now, due)
    else:
        due = started_at + allowance.duration(options.business_day)
        remaining = due - now
    state: State
    if answered:
        state = "answered"
    elif now > due:
        state = "breached"
    elif remaining <= allowance.duration(options.business_day) * options.at_risk_remaining:
        state = "at_risk"
    else:
        state = "ok"
    return Clock(which, priority, allowance, started_at, due, now, remaining, state)


def _start(context: Context, options: SlaOptions) -> tuple[WhichReply, datetime, bool] | None:
    """Which target applies, when its clock started, and whether the customer has already
    had a reply since (a follow-up owes nothing)."""
    replied = any(m.author is Author.agent for m in context.thread)
    agent_times = [_aware(m.at, options) for m in context.thread if m.author is Author.agent and m.at]
    customer_times = [_aware(m.at, options) for m in context.thread if m.author is Author.customer and m.at]
    ticket = context.ticket
    if not replied:
        if ticket.created_at is not None:
            return "first_reply", _aware(ticket.created_at, options), False
        return ("first_reply", min(customer_times), False) if customer_times else None
    if ticket.last_customer_message_at is not None:
        last_customer = _aware(ticket.last_customer_message_at, options)
    elif customer_times:
        last_customer = max(customer_times)
    else:
        return None
    answered = bool(agent_times) and max(agent_times) >= last_customer
    return "next_reply", last_customer, answered


def _is_paused(context: Context, options: SlaOptions) -> bool:
    status = (context.ticket.status or "").lower()
    return bool(status) and status in {s.lower() for s in options.paused_statuses}


def _paused_metrics(context: Context, options: SlaOptions, now: datetime) -> dict | None:
    if not _is_paused(context, options) or _start(context, options) is None:
        return None
    return {
        "state": "paused",
        "status": context.ticket.status,
        "channel": context.channel.value,
        "now": now.astimezone(options.clock.tz).isoformat(),
        "timezone": options.timezone,
    }


def _clock_findings(
    draft: Draft, context: Context, options: SlaOptions, clock: Clock, acknowledged: bool
) -> list[Finding]:
    also_cites = SOCIAL_CRITERIA if context.channel in _SOCIAL_OR_PORTAL else ()
    details: dict[str, Any] = {
        "due_at": clock.due_at.astimezone(options.clock.tz).isoformat(),
        "allowed": str(clock.allowance),
    }
    target = clock.which.replace("_", " ")
    due = clock.due_at.astimezone(options.clock.tz)
    if clock.state == "breached" and not acknowledged:
        late = (
            f"; this reply is {_say(-clock.remaining, clock.allowance.business, options.business_day)} late"
            if clock.remaining < -timedelta(minutes=1)
            else ""
        )
        return [
            RULES.finding(
                draft,
                "sla.breached",
                severity=Severity(options.breach_severity),
                message=(
                    f"The {target} target ({clock.allowance}) was due {_when(due, clock.now, options)}{late}. "
                    "Acknowledge the wait before anything else."
                ),
                suggestions=[options.delay_sentence],
                also_cites=also_cites,
                **details,
                overdue_minutes=max(round(-clock.remaining.total_seconds() / 60, 1), 0.0),
            )
        ]
    if clock.state == "at_risk":
        left = _say(clock.remaining, clock.allowance.business, options.business_day)
        return [
            RULES.finding(
                draft,
                "sla.at_risk",
                message=(
                    f"{left[:1].upper()}{left[1:]} left before the {target} target "
                    f"(due {_when(due, clock.now, options)}). "
                    "If this reply will take longer, send a short holding reply now."
                ),
                also_cites=also_cites,
                **details,
                remaining_minutes=round(clock.remaining.total_seconds() / 60, 1),
            )
        ]
    return []


_SOCIAL_OR_PORTAL = {Channel.social_public, Channel.social_private, Channel.web_portal}


def _say(amount: timedelta, business: bool, business_day: timedelta) -> str:
    """'2 hours 5 minutes', '3 business days 4 hours', '3 days 1 hour'."""
    day = business_day if business and business_day > timedelta(0) else timedelta(days=1)
    days, rest = divmod(max(amount, timedelta(0)), day)
    minutes = int(rest.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    kind = "business " if business else ""
    parts = [f"{days} {kind}day{'s' if days != 1 else ''}"] if days else []
    if hours:
        parts.append(f"{hours} {'' if days else kind}hour{'s' if hours != 1 else ''}")
    if mins and not days:
        parts.append(f"{mins} {'' if hours else kind}minute{'s' if mins != 1 else ''}")
    return " ".join(parts) if parts else f"under a minute of {kind or 'calendar '}time"


def _when(moment: datetime, now: datetime, options: SlaOptions) -> str:
    local_now = now.astimezone(options.clock.tz)
    if moment.date() == local_now.date():
        return f"{moment:%H:%M} today"
    return f"{moment:%a %d %b %H:%M}"


def _aware(moment: datetime, options: SlaOptions) -> datetime:
    """Times without a zone are read in the guide's time zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=options.clock.tz)
    return moment


# --- promises in earlier agent messages ---------------------------------------------------


def broken_promises(thread: list[Message], options: SlaOptions, now: datetime) -> list[Promise]:
    """Promises of a call-back, an update or a date in the latest agent message, when
    their time has passed and no agent message has followed since."""
    timed = [(_aware(m.at, options), m) for m in thread if m.at is not None]
    agent = [(at, m) for at, m in timed if m.author is Author.agent]
    if not agent:
        return []
    made_at, latest = max(agent, key=lambda pair: pair[0])
    if any(m.author is Author.internal_note and at > made_at for at, m in timed):
        return []  # e.g. "called the customer": the team followed up off the thread
    own = prepare_draft(latest.text).own_text  # not what it quoted from earlier messages
    return [p for p in find_promises(own, made_at, options.clock, options.business_day) if p.due <= now]


def _promise_finding(draft: Draft, promise: Promise, options: SlaOptions) -> Finding:
    tz = options.clock.tz
    made, due = promise.made_at.astimezone(tz), promise.due.astimezone(tz)
    return RULES.finding(
        draft,
        "sla.broken_promise",
        message=(
            f"On {made:%a %d %b} the customer was told: “{promise.excerpt}”. That time "
            f"({due:%a %d %b %H:%M}) has passed. Say so, apologise and give a new time."
        ),
        promise=promise.excerpt,
        made_at=made.isoformat(),
        due_at=due.isoformat(),
    )
