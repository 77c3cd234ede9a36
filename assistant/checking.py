"""Checking one draft: the use case behind both doors, `POST /v1/check` and `tactful check`.

Before any check runs, it refuses what no check should see: a draft over the length
limit, text that is not Unicode (a lone UTF-16 surrogate such as "\\ud800" arrives fine
through a JSON escape, but cannot be encoded, logged or sent to LanguageTool), an
unknown guide or check. Each refusal is a DraftRefused whose message says what to do
and never repeats what was sent; the HTTP route maps them to 413/422, the CLI to exit 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import Context, Report
from .pipeline import Pipeline, UnknownCheck, UnknownGuide
from .text import Format, prepare_draft

NOT_UNICODE = (
    "holds a lone UTF-16 surrogate (such as \\ud800), which is not a character: send text as UTF-8, "
    "with JSON escapes of characters beyond U+FFFF in high-low pairs."
)


class DraftRefused(ValueError):
    """The draft or its context cannot be checked: `field` is the part at fault and
    `reason` what is wrong with it; str() is both, for a person."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


class DraftTooLong(DraftRefused):
    def __init__(self, chars: int, limit: int) -> None:
        super().__init__(
            "text", f"the draft has {chars} characters; the limit is {limit}. Check a shorter part of the reply."
        )
        self.chars, self.limit = chars, limit


class NotUnicode(DraftRefused):
    def __init__(self, field: str) -> None:
        super().__init__(field, NOT_UNICODE)


def validate_draft(
    pipeline: Pipeline, text: str, context: Context, only: Sequence[str] | None = None, *, max_chars: int
) -> None:
    """Raise DraftRefused if the draft cannot be checked. Cheap: no check runs."""
    if len(text) > max_chars:  # characters (code points), not bytes
        raise DraftTooLong(len(text), max_chars)
    field = _unencodable("text", text) or _unencodable("", context.model_dump()) or _unencodable("checks", only)
    if field:
        raise NotUnicode(field)
    try:
        pipeline.guide_for(context)
    except UnknownGuide as exc:
        raise DraftRefused("guide", str(exc)) from exc
    try:
        pipeline.selected(only)
    except UnknownCheck as exc:
        raise DraftRefused("checks", str(exc)) from exc


def check_draft(
    pipeline: Pipeline,
    text: str,
    context: Context,
    *,
    fmt: Format = "text",
    only: Sequence[str] | None = None,
    max_chars: int,
) -> Report:
    """The Report on one draft, or DraftRefused before any check runs."""
    validate_draft(pipeline, text, context, only, max_chars=max_chars)
    return pipeline.run(prepare_draft(text, fmt, context.channel), context, only)


def _unencodable(path: str, value: Any) -> str | None:
    """The dotted path of the first string in `value` that UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and _unencodable(path, key):
            return path or "context"  # the key itself: never put it in a message
        found = _unencodable(f"{path}.{key}" if path else str(key), item)
        if found:
            return found
    return None
