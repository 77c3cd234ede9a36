"""A finding built by hand, with the same id, excerpt and source offsets as a check's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assistant.model import Finding, Severity
from assistant.rules import finding_id
from assistant.text import Draft, Span


def make_finding(
    draft: Draft,
    *,
    check: str,
    rule: str,
    severity: Severity,
    message: str,
    span: Span | None = None,
    suggestions: Iterable[str] = (),
    criteria: Iterable[str] = (),
    details: dict[str, Any] | None = None,
) -> Finding:
    """A finding built by hand, for the tests' stand-in checks (every real check builds its
    findings through its declared rules)."""
    start, end = span if span is not None else (None, None)
    excerpt = draft.text[start:end] if span is not None else ""
    source = draft.to_source(*span) if span is not None else None
    return Finding(
        id=finding_id(check, rule, start, end, excerpt),
        check=check,
        rule=rule,
        severity=severity,
        message=message,
        start=start,
        end=end,
        excerpt=excerpt,
        suggestions=list(suggestions),
        criteria=list(criteria),
        details=details or {},
        source_start=source[0] if source else None,
        source_end=source[1] if source else None,
    )
