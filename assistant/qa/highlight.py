"""A reply's text with its findings marked: each span a <mark> naming the finding it
belongs to (the list beside the text says what it is), overlaps left to the first."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape


def highlighted(text: str, findings: Iterable[dict[str, Any]]) -> Markup:
    """`text` escaped, with each finding that has a span wrapped in
    <mark id="at-<finding id>" class="<severity>">; whole-draft findings mark nothing."""
    spans = sorted(
        ((f["start"], f["end"], f) for f in findings if f.get("start") is not None and f.get("end") is not None),
        key=lambda span: span[:2],
    )
    out, at = [], 0
    for start, end, finding in spans:
        if start < at or end <= start or end > len(text):
            continue  # overlaps one already marked (or points past the text)
        out.append(escape(text[at:start]))
        out.append(
            Markup("<mark id='at-{id}' class='{severity}'>{excerpt}</mark>").format(
                id=finding["id"], severity=finding["severity"], excerpt=text[start:end]
            )
        )
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)
