"""Redaction: the draft with chosen confidentiality findings masked, the use case behind
`POST /v1/redact`. The confidentiality check finds them (same context rules as a check);
Presidio's anonymizer masks each with its entity's operator (engine.OPERATORS)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..drafts import check_draft
from ..model import Context, Finding
from ..pipeline import Pipeline
from ..text import Format
from .engine import PrivacyEngine

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


def redact(
    pipeline: Pipeline,
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
    engine = _engine(pipeline)
    chosen: list[Finding] = []
    remaining: list[Finding] = []
    for finding in report.findings:
        entity = finding.details.get("entity")
        picked = (
            entity is not None
            and finding.start is not None
            and (
                (entities is None and finding_ids is None)
                or (entities is not None and entity in entities)
                or (finding_ids is not None and finding.id in finding_ids)
            )
        )
        (chosen if picked else remaining).append(finding)
    spans = [(str(f.details["entity"]), f.start or 0, f.end or 0) for f in chosen]
    masked = [
        Masked(f, engine.masked(entity, report.text[start:end]))
        for f, (entity, start, end) in zip(chosen, spans, strict=True)
    ]
    return Redaction(engine.mask(report.text, spans), masked, remaining)


def _engine(pipeline: Pipeline) -> PrivacyEngine:
    for check in pipeline.checks:
        if check.name == CHECK:
            return check.engine  # type: ignore[attr-defined]
    raise LookupError("the confidentiality check is not registered")
