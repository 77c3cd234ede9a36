"""The text a record keeps when the guide stores it masked: the draft with every span of
personal data replaced — the confidentiality check's own findings (each masked by its
entity's operator, as `/v1/redact` masks it) and the customer's own details from the
context (name, email, phone, account numbers), which a private reply may rightly hold
and the check therefore does not flag. The report is rewritten into the masked text's
offsets, so every stored finding still points at its place."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import phonenumbers

from .model import Customer, Finding, Report

Masker = Callable[[str, str], str]  # (entity, value) -> what the value becomes
CONFIDENTIALITY = "confidentiality"
MIN_NAME_PART = 2


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    replacement: str


def personal_spans(report: Report, customer: Customer, mask: Masker) -> list[Span]:
    """Every span of `report.text` to mask, overlaps merged (the first replacement wins)."""
    spans = [
        Span(f.start, f.end, mask(str(f.details["entity"]), f.excerpt))
        for f in report.findings
        if f.check == CONFIDENTIALITY and f.start is not None and f.end is not None and "entity" in f.details
    ]
    spans += _customer_spans(report.text, customer)
    return _merged(spans)


def masked(report: Report, spans: list[Span]) -> Report:
    """The report over the text with `spans` replaced: offsets moved, excerpts taken from
    the masked text; a finding on masked data keeps no suggestion (it would repeat it)."""
    if not spans:
        return report
    text, moved = _apply(report.text, spans)
    findings = [_moved_finding(f, moved, text, spans) for f in report.findings]
    return report.model_copy(update={"text": text, "findings": findings})


def _moved_finding(finding: Finding, moved: Callable[[int, bool], int], text: str, spans: list[Span]) -> Finding:
    if finding.start is None or finding.end is None:
        return finding.model_copy(update={"source_start": None, "source_end": None})
    start, end = moved(finding.start, False), moved(finding.end, True)
    touches = any(s.start < finding.end and finding.start < s.end for s in spans)
    update = {"start": start, "end": end, "excerpt": text[start:end], "source_start": None, "source_end": None}
    if touches:
        entity = finding.details.get("entity")
        update |= {"suggestions": [], "details": {"entity": entity} if entity else {}}
    return finding.model_copy(update=update)


def _apply(text: str, spans: list[Span]) -> tuple[str, Callable[[int, bool], int]]:
    """The masked text and a function from an old offset to the new one (an offset inside
    a masked span goes to the replacement's start, or its end for the end of a span)."""
    pieces, at, starts, shifts = [], 0, [], []
    shift = 0
    for span in spans:
        pieces += [text[at : span.start], span.replacement]
        at = span.end
        starts.append(span.start)
        shifts.append(shift)
        shift += len(span.replacement) - (span.end - span.start)
    pieces.append(text[at:])

    def moved(offset: int, is_end: bool) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        span, new_start = spans[i], offset + shifts[i] - (offset - spans[i].start)
        if offset >= span.end:
            return offset + shifts[i] + len(span.replacement) - (span.end - span.start)
        if offset == span.start:
            return new_start
        return new_start + len(span.replacement) if is_end else new_start

    return "".join(pieces), moved


def _merged(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            last = out[-1]
            if span.end > last.end:
                out[-1] = Span(last.start, span.end, last.replacement)
            continue
        out.append(span)
    return out


def _customer_spans(text: str, customer: Customer) -> list[Span]:
    patterns: list[tuple[str, str]] = []  # (regex, replacement)
    if customer.name:
        parts = [p for p in re.split(r"\s+", customer.name.strip()) if len(p) >= MIN_NAME_PART]
        patterns += [(rf"(?<!\w){re.escape(part)}(?!\w)", "[customer]") for part in parts]
    if customer.email:
        patterns.append((re.escape(customer.email.strip()), "[customer email]"))
    if customer.phone and (number := _national_number(customer.phone)):
        patterns.append((_phone_pattern(number), "[customer phone]"))
    patterns += [
        (rf"(?<!\w){re.escape(identifier.strip())}(?!\w)", "[customer reference]")
        for identifier in customer.identifiers
        if len(identifier.strip()) >= 3
    ]
    return [
        Span(match.start(), match.end(), replacement)
        for pattern, replacement in patterns
        for match in re.finditer(pattern, text, re.IGNORECASE)
    ]


_SEPARATOR = r"[\s().-]*"
# An international prefix (+44, 0044, with a "(0)" after it) or a trunk 0, before the national number.
_PHONE_PREFIX = rf"(?:(?:\+|00)\d{{1,3}}{_SEPARATOR}(?:\(0\){_SEPARATOR})?|0{_SEPARATOR})?"
MIN_PHONE_DIGITS = 6


def _national_number(phone: str) -> str | None:
    """The digits that stay the same however the number is written (+44 7700 900123,
    07700 900123): the national significant number, or the digits as given."""
    try:
        parsed = phonenumbers.parse(phone, "GB")
        digits = phonenumbers.national_significant_number(parsed)
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", phone)
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def _phone_pattern(digits: str) -> str:
    return rf"(?<![\d+]){_PHONE_PREFIX}" + _SEPARATOR.join(digits) + r"(?!\d)"
