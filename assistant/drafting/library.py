"""The template library of one process: loaded once at start-up, linted, compiled, and
indexed for suggestion. `reload()` builds a new library (and index) when files change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Template as JinjaTemplate

from ..model import Context
from .render import (
    RenderError,
    VariableRefused,
    build_environment,
    coerce,
    compile_template,
    example_values,
    render_template,
)
from .suggest import SuggestionIndex
from .templates import LibraryError, LintError, Template, duplicate_ids, parse_template, template_files

_LINT_ENVIRONMENT = build_environment(html=False)


@dataclass
class Library:
    folder: Path
    templates: dict[str, Template]
    compiled: dict[tuple[str, bool], JinjaTemplate] = field(repr=False)
    index: SuggestionIndex = field(repr=False)

    def get(self, template_id: str) -> Template | None:
        return self.templates.get(template_id)

    def compiled_for(self, template: Template, html: bool) -> JinjaTemplate:
        return self.compiled[(template.id, html)]

    def reload(self) -> Library:
        return load_library(self.folder)


def load_library(folder: Path) -> Library:
    """Every template under `folder`, compiled and indexed; LibraryError if any fails lint."""
    templates, errors = _parse_all(folder)
    if errors:
        raise LibraryError(errors)
    return _build(folder, templates)


def _build(folder: Path, templates: list[Template]) -> Library:
    compiled: dict[tuple[str, bool], JinjaTemplate] = {}
    for template in templates:
        compiled[(template.id, False)] = compile_template(template, html=False)
        if template.meta.html:
            compiled[(template.id, True)] = compile_template(template, html=True)
    return Library(folder, {t.id: t for t in templates}, compiled, SuggestionIndex(templates))


def _parse_all(folder: Path) -> tuple[list[Template], list[LintError]]:
    if not folder.is_dir():
        return [], [LintError(str(folder), 1, "no such templates folder (TACTFUL_TEMPLATES_DIR)")]
    templates: list[Template] = []
    errors: list[LintError] = []
    for path in template_files(folder):
        template, found = parse_template(path, folder, _LINT_ENVIRONMENT)
        errors.extend(found)
        if template is not None:
            template.meta.topic = template.meta.topic or path.parent.name
            templates.append(template)
    errors.extend(duplicate_ids(templates))
    return templates, errors


def lint_library(folder: Path) -> list[LintError]:
    """Everything load_library checks, then each template rendered with its examples on
    every channel it serves: no missing variable, no render error."""
    templates, errors = _parse_all(folder)
    if errors:
        return errors
    library = _build(folder, templates)
    for template in templates:
        name = str(template.path)
        try:
            values = {n: coerce(n, v, v.example) for n, v in template.meta.variables.items()}
        except VariableRefused as exc:
            errors.append(LintError(name, 1, f"example of {exc.field}: {exc.reason}"))
            continue
        for variable_name, variable in template.meta.variables.items():
            if variable.default is not None:
                try:
                    coerce(variable_name, variable, variable.default)
                except VariableRefused as exc:
                    errors.append(LintError(name, 1, f"default of {exc.field}: {exc.reason}"))
        for channel in template.meta.channels:
            html = channel in template.meta.html
            try:
                rendered = render_template(
                    template, library.compiled_for(template, html), channel, values, example_context(channel),
                    organisation="Example Energy", recap=example_recap() if template.meta.recap else None,
                )
            except (RenderError, VariableRefused) as exc:
                errors.append(LintError(name, template.body_line, f"{channel.value}: {exc}"))
                continue
            if rendered.missing:
                errors.append(LintError(name, template.body_line, f"{channel.value}: rendered with its examples, "
                                        f"still missing {', '.join(rendered.missing)}"))
    return errors


def example_context(channel: object) -> Context:
    """The context lint and the library test render with: a named customer and agent."""
    return Context.model_validate({
        "channel": channel,
        "customer": {"name": "Sam Taylor", "identifiers": ["AC-102938"]},
        "ticket": {"id": "48213"},
        "agent": {"name": "Priya", "team": "Customer Care"},
    })


def example_recap() -> object:
    from .recap import Recap

    return Recap(points=["Your bill for March was higher than expected."],
                 customer_actions=["send a photo of the meter reading"],
                 agent_actions=["recalculate the bill from the new reading"])


def stale(template: Template, today: date) -> bool:
    return template.is_stale(today)


__all__ = ["Library", "LibraryError", "example_values", "lint_library", "load_library"]
