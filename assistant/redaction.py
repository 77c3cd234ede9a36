"""Redaction: the draft with chosen confidentiality findings masked, the use case behind
`POST /v1/redact`. The confidentiality check finds them (same context rules as a check);
Presidio's anonymizer masks each with its entity's operator (engine.OPERATORS)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .checking import check_draft
from .model import Context, Finding
from .pipeline import Pipeline
from .privacy.engine import PrivacyEngine
from .text import Format

CHECK = "confidentiality"


@dataclass(frozen=True)
class Masked:
    finding: Finding
    replacement: str


@dataclass(frozen=True)
class Redaction:
    text: str  # the draft's plain text with the chosen findings masked
    masked: list[Masked]
    remaining: list[Finding]  # confidentiality findings left as they were
    html: str | None = None  # an HTML draft as submitted, the same findings masked, its markup kept


def redact(
    pipeline: Pipeline,
    engine: PrivacyEngine,
    text: str,
    context: Context,
    *,
    fmt: Format = "text",
    entities: Sequence[str] | None = None,
    finding_ids: Sequence[str] | None = None,
    max_chars: int,
) -> Redaction:
    """Mask the personal-data findings on `text`: those of `entities` (types) and/or with
    `finding_ids`; with neither, all of them. Raises DraftRefused as a check would."""
    report = check_draft(pipeline, text, context, fmt=fmt, only=[CHECK], max_chars=max_chars)
    chosen: list[Finding] = []
    remaining: list[Finding] = []
    for finding in report.findings:
        entity = finding.details.get("entity")
        picked = (
            entity is not None
            and (finding.start is not None or finding.source_start is not None)
            and (
                (entities is None and finding_ids is None)
                or (entities is not None and entity in entities)
                or (finding_ids is not None and finding.id in finding_ids)
            )
        )
        (chosen if picked else remaining).append(finding)
    masked = [Masked(f, f.suggestions[0] if f.start is None else _masked(engine, report.text, f)) for f in chosen]
    spans = [(str(f.details["entity"]), f.start, f.end) for f in chosen if f.start is not None and f.end is not None]
    source = None
    if fmt == "html":
        source = mask_source(
            text, [(f.source_start or 0, f.source_end or 0, m.replacement) for f, m in zip(chosen, masked, strict=True)]
        )
    return Redaction(engine.mask(report.text, spans), masked, remaining, source)


_TAG = re.compile(r"(<[^<>]*>)")


def mask_source(source: str, spans: list[tuple[int, int, str]]) -> str:
    """`source` (HTML) with each (start, end) replaced by its masked text, HTML-escaped.
    Tags inside a span stay where they are ("4111 <b>1111</b> ..."), so the markup stays
    balanced: the masked text takes the place of the span's first run of text."""
    out, at = [], 0
    for start, end, replacement in sorted(spans):
        out.append(source[at:start])
        placed = False
        for piece in _TAG.split(source[start:end]):
            if piece.startswith("<"):
                out.append(piece)
            elif piece and not placed:
                out.append(html.escape(replacement, quote=False))
                placed = True
        if not placed:
            out.append(html.escape(replacement, quote=False))
        at = end
    out.append(source[at:])
    return "".join(out)


def _masked(engine: PrivacyEngine, text: str, finding: Finding) -> str:
    return engine.masked(str(finding.details["entity"]), text[finding.start : finding.end])
