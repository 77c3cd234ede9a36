"""The template library of one process: loaded once at start-up, linted, compiled, and
indexed for suggestion. `reload()` builds a new library (and index) when files change."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
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
from .templates import (
    ID,
    ORGS_FOLDER,
    LibraryError,
    LintError,
    Template,
    duplicate_ids,
    parse_template,
    template_files,
)

_LINT_ENVIRONMENT = build_environment(html=False)
log = logging.getLogger(__name__)


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


@dataclass
class Libraries:
    """The shared library, and for each organisation (a guide id with a folder under
    `orgs/`) the shared templates plus its own, which replace shared ones of the same id.
    An organisation only ever sees its own library: another's templates are not in it."""

    shared: Library
    orgs: dict[str, Library]

    def for_org(self, org: str | None) -> Library:
        return self.orgs.get(org, self.shared) if org else self.shared


def load_library(folder: Path) -> Library:
    """The shared templates under `folder`, compiled and indexed; LibraryError if any
    template (an organisation's too) fails lint."""
    return load_libraries(folder).shared


def load_libraries(folder: Path) -> Libraries:
    shared, errors = _parse_all(folder)
    own, org_errors = _parse_orgs(folder)
    if errors or org_errors:
        raise LibraryError(errors + org_errors)
    return Libraries(_build(folder, shared), {org: _build(folder, _merge(shared, mine)) for org, mine in own.items()})


def _merge(shared: list[Template], own: list[Template]) -> list[Template]:
    return list(({t.id: t for t in shared} | {t.id: t for t in own}).values())


def _parse_orgs(folder: Path) -> tuple[dict[str, list[Template]], list[LintError]]:
    orgs = folder / ORGS_FOLDER
    own: dict[str, list[Template]] = {}
    errors: list[LintError] = []
    for org_folder in sorted(p for p in orgs.iterdir() if p.is_dir()) if orgs.is_dir() else []:
        if not ID.match(org_folder.name):
            errors.append(
                LintError(
                    str(org_folder.relative_to(folder.parent)),
                    1,
                    "an organisation folder is named after its guide id (lower-case, digits, hyphens)",
                )
            )
            continue
        templates, found = _parse_files(template_files(org_folder), folder)
        own[org_folder.name], errors = templates, errors + found
    return own, errors


Stamp = tuple[tuple[str, int, int], ...]


def fingerprint(folder: Path) -> Stamp:
    """Each template file's path, modification time and size: changes when any file does."""
    stamps = []
    for path in template_files(folder, include_orgs=True) if folder.is_dir() else []:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


class LiveLibrary:
    """The library the service answers from, rebuilt (templates, compiled code and the
    suggestion index) when a file changes, looked at most every `check_every` seconds
    (0: never). A library that no longer lints is not taken: the last good one stays and
    the errors are logged. The look and the rebuild run on a background thread: no request
    waits for them, and each sees a whole library, old or new."""

    def __init__(self, folder: Path, check_every: float = 0.0) -> None:
        self.folder, self.check_every = folder, check_every
        self._stamp = fingerprint(folder)
        self._libraries = load_libraries(folder)
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def current(self, org: str | None = None) -> Library:
        """The library of organisation `org` (a guide id), else the shared one."""
        if self.check_every and time.monotonic() - self._checked >= self.check_every:
            if self._lock.acquire(blocking=False):  # one look at a time; everyone answers from the last library
                self._checked = time.monotonic()
                self._thread = threading.Thread(target=self._refresh, name="tactful-templates", daemon=True)
                self._thread.start()
        return self._libraries.for_org(org)

    def join(self, timeout: float | None = None) -> None:
        """Wait for a look under way (tests, tools)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _refresh(self) -> None:
        try:
            self._reload_if_changed()
        except Exception as exc:  # a bug or an unreadable folder must not stop later looks
            log.error("looking for template changes failed: %s", type(exc).__name__)
        finally:
            self._lock.release()

    def _reload_if_changed(self) -> None:
        stamp = fingerprint(self.folder)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self._libraries = load_libraries(self.folder)
        except LibraryError as exc:
            log.warning(
                "templates changed but do not load (%d problem(s)); still serving the last good library. "
                "Run `tactful templates lint`.",
                len(exc.errors),
            )
            return
        log.info(
            "templates reloaded: %d shared, %d organisation(s)",
            len(self._libraries.shared.templates),
            len(self._libraries.orgs),
        )


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
    return _parse_files(template_files(folder), folder)


def _parse_files(paths: list[Path], folder: Path) -> tuple[list[Template], list[LintError]]:
    templates: list[Template] = []
    errors: list[LintError] = []
    for path in paths:
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
    shared, errors = _parse_all(folder)
    own, org_errors = _parse_orgs(folder)
    if errors or org_errors:
        return errors + org_errors
    groups = [shared, *own.values()]  # each organisation's own templates, compiled on their own
    for templates in groups:
        errors.extend(_render_examples(_build(folder, templates)))
    return errors


def _render_examples(library: Library) -> list[LintError]:
    errors: list[LintError] = []
    for template in library.templates.values():
        name = template.file
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
                    template,
                    library.compiled_for(template, html),
                    channel,
                    values,
                    example_context(channel),
                    organisation="Example Energy",
                    recap=example_recap() if template.meta.recap else None,
                )
            except (RenderError, VariableRefused) as exc:
                errors.append(LintError(name, template.body_line, f"{channel.value}: {exc}"))
                continue
            if rendered.missing:
                errors.append(
                    LintError(
                        name,
                        template.body_line,
                        f"{channel.value}: rendered with its examples, still missing {', '.join(rendered.missing)}",
                    )
                )
    return errors


def example_context(channel: object) -> Context:
    """The context lint and the library test render with: a named customer and agent."""
    return Context.model_validate(
        {
            "channel": channel,
            "customer": {"name": "Sam Taylor", "identifiers": ["AC-102938"]},
            "ticket": {"id": "48213"},
            "agent": {"name": "Priya", "team": "Customer Care"},
        }
    )


def example_recap() -> object:
    from .recap import Recap

    return Recap(
        points=["Your bill for March was higher than expected."],
        customer_actions=["send a photo of the meter reading"],
        agent_actions=["recalculate the bill from the new reading"],
    )


__all__ = ["Library", "LibraryError", "LiveLibrary", "example_values", "lint_library", "load_library"]
