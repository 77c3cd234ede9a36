"""The shared vocabulary: what a check is given (Context) and what it returns (Finding),
and the Report a pipeline run produces. Imports nothing of ours."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, field_validator


class Channel(StrEnum):
    email = "email"
    chat = "chat"
    sms = "sms"
    social_public = "social_public"
    social_private = "social_private"
    web_portal = "web_portal"
    letter = "letter"


class Severity(StrEnum):
    blocker = "blocker"
    warning = "warning"
    suggestion = "suggestion"

    @property
    def rank(self) -> int:
        """0 for the most serious: the one ordering of severities (sorting, verdicts)."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.blocker: 0, Severity.warning: 1, Severity.suggestion: 2}


class Verdict(StrEnum):
    block = "block"
    warn = "warn"
    pass_ = "pass"


class CheckStatus(StrEnum):
    ok = "ok"
    skipped = "skipped"  # not asked for, or does not apply (e.g. a locale it cannot check)
    unavailable = "unavailable"  # its dependency is down or too slow
    error = "error"  # a bug: logged, never fails the request


class Audience(StrEnum):
    general = "general"  # customers who are not technically aware
    technical = "technical"


class Author(StrEnum):
    customer = "customer"
    agent = "agent"
    internal_note = "internal_note"


# A BCP 47 language tag's shape (RFC 5646: language, script, region, variants,
# extensions, private use); JSON Schema's regex dialect, so clients can check it too.
LANGUAGE_TAG = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?$"
)
LOCALE_MAX_CHARS = 64


def _iso_text(value: Any) -> Any:
    """A time must be written as one: pydantic would read the number 0 as 1970-01-01."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("a date-time is an ISO 8601 string, e.g. 2026-11-20T17:00:00Z")
    return value


# As the JSON schema says: an ISO 8601 string, and true or false (not 0 or "yes").
Timestamp = Annotated[datetime, BeforeValidator(_iso_text)]
Flag = Annotated[bool, Strict()]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Customer(_Model):
    name: str | None = None
    identifiers: list[str] = Field(default_factory=list, description="Account, order or case numbers.")
    email: str | None = None
    phone: str | None = None


class Ticket(_Model):
    id: str | None = None
    priority: str | None = None
    status: str | None = None
    created_at: Timestamp | None = None
    last_customer_message_at: Timestamp | None = None
    closing: Flag = False


class Message(_Model):
    author: Author
    text: str
    at: Timestamp | None = None
    public: Flag = True


class Agent(_Model):
    id: str | None = Field(None, description="The agent's id in the helpdesk or mail system.")
    name: str | None = None
    team: str | None = None


class Context(_Model):
    """Who the reply is for and where it goes: everything a check may consult besides the text."""

    channel: Channel
    locale: str | None = Field(
        None,
        description="A BCP 47 language tag, e.g. en-GB, en-US; defaults to the guide's locale.",
        json_schema_extra={"pattern": LANGUAGE_TAG.pattern, "maxLength": LOCALE_MAX_CHARS},
    )
    guide: str | None = Field(None, description="Style guide id; defaults to the service's default guide.")
    audience: Audience = Audience.general
    reading_support: Flag = Field(False, description="The customer asked for, or needs, simpler language.")
    customer: Customer = Field(default_factory=Customer)
    ticket: Ticket = Field(default_factory=Ticket)
    thread: list[Message] = Field(default_factory=list)
    agent: Agent = Field(default_factory=Agent)
    now: Timestamp | None = Field(None, description="Fixes the clock so SLA results are reproducible.")
    attachments: list[str] | None = Field(
        None, description="File names attached to the reply; null when the client does not say."
    )

    @field_validator("locale")
    @classmethod
    def _locale_is_a_language_tag(cls, locale: str | None) -> str | None:
        if locale is not None and not (len(locale) <= LOCALE_MAX_CHARS and LANGUAGE_TAG.fullmatch(locale)):
            raise ValueError("not a BCP 47 language tag: use e.g. en-GB, en-US, en or pt-BR")
        return locale


class Finding(BaseModel):
    """One thing a check wants the agent to see, anchored in the checked text, or about
    the whole draft (an SLA breach, a missing greeting) with no span. A check builds its
    findings through its declared rules (`rules.RuleSet.finding`), never by hand."""

    id: str = Field(description="Stable: the same finding on the same text has the same id (overrides name it).")
    check: str
    rule: str = Field(description="Dotted id, e.g. grammar.THEIR_IS.")
    severity: Severity
    message: str
    start: int | None = Field(
        None, description="Offset into Report.text, in Unicode code points; null for the whole draft."
    )
    end: int | None = None
    excerpt: str = Field("", description="Report.text[start:end]; empty for the whole draft.")
    suggestions: list[str] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list, description="Standard ids, see CRITERIA.md.")
    details: dict[str, Any] = Field(default_factory=dict)
    source_start: int | None = Field(None, description="For HTML drafts: offsets into the submitted HTML.")
    source_end: int | None = None


class CheckRun(BaseModel):
    status: CheckStatus
    ms: float = 0.0
    detail: str | None = None


class GuideRef(BaseModel):
    id: str
    version: str


class Report(BaseModel):
    verdict: Verdict
    findings: list[Finding]
    metrics: dict[str, Any]
    checks: dict[str, CheckRun]
    guide: GuideRef
    text: str = Field(description="The plain text that finding offsets refer to.")
    took_ms: float


_VERDICTS = {Severity.blocker: Verdict.block, Severity.warning: Verdict.warn, Severity.suggestion: Verdict.pass_}


def verdict_for(findings: list[Finding]) -> Verdict:
    """`block` if any blocker, else `warn` if any warning, else `pass`."""
    if not findings:
        return Verdict.pass_
    return _VERDICTS[min((f.severity for f in findings), key=lambda s: s.rank)]


def finding_order(finding: Finding) -> tuple[int, int, int, str]:
    """Report order: by position (whole-draft findings first), then most serious."""
    start = -1 if finding.start is None else finding.start
    end = -1 if finding.end is None else finding.end
    return start, end, finding.severity.rank, finding.rule
