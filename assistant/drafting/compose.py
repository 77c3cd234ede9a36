"""Drafting one reply: the use case behind `POST /v1/drafts` and `tactful draft`.

The template's channel variant is filled in from the variables and the context, then
checked by `checking.check_draft`, the very use case of `POST /v1/check`: `report` is what
/v1/check says for that text and context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..checking import check_draft
from ..checks.tone import ToneOptions
from ..model import Context, Report
from ..pipeline import Pipeline
from .library import Library
from .recap import recap_thread
from .render import Rendered, VariableRefused, render_template, variable_values
from .templates import Template


class UnknownTemplate(LookupError):
    def __init__(self) -> None:
        super().__init__("no such template; GET /v1/templates lists them (or `tactful templates list`)")


@dataclass
class Composed:
    """A reply drafted from a template: the rendered text, and its report once checked."""

    template: Template
    rendered: Rendered
    stale: bool
    review_due: date
    report: Report | None = None


def render_draft(
    library: Library,
    pipeline: Pipeline,
    template_id: str,
    context: Context,
    variables: dict[str, Any] | None = None,
    organisation: str | None = None,
) -> Composed:
    """The rendered text (cheap: no check runs). UnknownTemplate or VariableRefused."""
    template = library.get(template_id)
    if template is None:
        raise UnknownTemplate()
    values = variable_values(template, variables or {})
    today = context.now.date() if context.now else date.today()
    html = context.channel in template.meta.html
    rendered = render_template(
        template,
        library.compiled_for(template, html),
        context.channel,
        values,
        context,
        organisation=organisation,
        today=today,
        currency=_currency(pipeline, context),
        recap=recap_thread(context.thread) if template.meta.recap else None,
    )
    return Composed(template, rendered, template.is_stale(today), template.review_due())


def draft_reply(
    library: Library,
    pipeline: Pipeline,
    template_id: str,
    context: Context,
    variables: dict[str, Any] | None = None,
    organisation: str | None = None,
    *,
    max_chars: int,
) -> Composed:
    """Render, then check through check_draft (DraftRefused if the text cannot be checked)."""
    draft = render_draft(library, pipeline, template_id, context, variables, organisation)
    draft.report = check_draft(
        pipeline,
        draft.rendered.text,
        context,
        fmt=draft.rendered.format,  # type: ignore[arg-type]
        max_chars=max_chars,
    )
    return draft


def _currency(pipeline: Pipeline, context: Context) -> str | None:
    try:
        tone = pipeline.guide_for(context).section("tone", ToneOptions)
    except LookupError:
        return None
    return tone.authority.currency


__all__ = ["Composed", "UnknownTemplate", "VariableRefused", "draft_reply", "render_draft"]
