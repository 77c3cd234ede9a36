"""The reply library: Jinja2 templates with YAML front matter, loaded and linted.

A template file (`templates/<topic>/<id>.md`) opens with YAML front matter::

    ---
    id: delay-beyond-sla
    title: Reply later than promised
    intents: [chasing a reply, no answer yet]
    examples: ["I emailed a week ago and nobody has replied"]
    channels: [email, chat, sms]
    variables:
      order_number: {type: string, example: "A-1234"}
    locale: en-GB
    owner: Service quality team
    reviewed_on: 2026-09-01
    review_every: 6 months
    criteria: [DEAL.K14]
    ---
    {% block default %}Hello {{ customer.name | default("there") }}, ...{% endblock %}
    {% block sms %}...{% endblock %}

The body holds one Jinja2 block per channel whose wording differs: a block named after
the channel (`email`, `chat`, `sms`, `social_public`, `social_private`, `web_portal`,
`letter`), else `social` for either social channel, else `default`. Channels listed
in `html` render as HTML, autoescaped. Every problem is a LintError with file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import frontmatter
import yaml
from jinja2 import TemplateSyntaxError, nodes
from jinja2.meta import find_undeclared_variables
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..model import Channel

VariableType = Literal["string", "number", "money", "date", "time", "datetime", "boolean", "list"]
# Names every template may use besides its own variables (see render.py).
CONTEXT_NAMES = frozenset({"customer", "ticket", "agent", "organisation", "channel", "locale", "recap", "today"})
SOCIAL = {Channel.social_public, Channel.social_private}
ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
REVIEW_EVERY = re.compile(r"^(\d{1,4}) (day|week|month|year)s?$")


class Variable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: VariableType = "string"
    description: str = ""
    example: Any = Field(description="Used by lint, the library test and the docs; never sent to a customer.")
    default: Any = None
    required: bool | None = Field(None, description="Default: required unless it has a default.")

    @property
    def is_required(self) -> bool:
        return self.required if self.required is not None else self.default is None


class Meta(BaseModel):
    """The front matter, validated."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    topic: str = ""
    intents: list[str] = Field(min_length=1)
    examples: list[str] = Field(min_length=1, description="Example customer messages this template answers.")
    channels: list[Channel] = Field(min_length=1)
    html: list[Channel] = Field(default_factory=list, description="Channels whose variant is HTML (autoescaped).")
    variables: dict[str, Variable] = Field(default_factory=dict)
    locale: str = "en-GB"
    owner: str
    reviewed_on: date
    review_every: str = Field(description="e.g. '6 months', '90 days', '1 year'.")
    criteria: list[str] = Field(default_factory=list)
    recap: bool = Field(False, description="The template includes the thread recap block.")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not ID.match(value):
            raise ValueError("lower-case letters, digits and hyphens, at most 80 characters")
        return value

    @field_validator("review_every")
    @classmethod
    def _review_every_shape(cls, value: str) -> str:
        if not REVIEW_EVERY.match(value.strip()):
            raise ValueError("a period such as '90 days', '6 months' or '1 year'")
        return value.strip()


@dataclass(frozen=True)
class LintError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Template:
    meta: Meta
    source: str = field(repr=False)  # the Jinja2 body
    path: Path
    body_line: int  # the file line where the body starts (Jinja line 1)
    blocks: frozenset[str] = frozenset()
    file: str = ""  # the path shown in errors: from the templates folder's parent, never absolute

    @property
    def id(self) -> str:
        return self.meta.id

    def block_for(self, channel: Channel) -> str | None:
        """The block that renders `channel`, or None if the template does not serve it."""
        if channel not in self.meta.channels:
            return None
        for name in (channel.value, "social" if channel in SOCIAL else "", "default"):
            if name and name in self.blocks:
                return name
        return None

    def review_due(self) -> date:
        match = REVIEW_EVERY.match(self.meta.review_every)
        assert match
        count, unit = int(match[1]), match[2]
        reviewed = self.meta.reviewed_on
        if unit in ("day", "week"):
            return reviewed + timedelta(days=count * (7 if unit == "week" else 1))
        months = reviewed.month - 1 + count * (12 if unit == "year" else 1)
        year, month = reviewed.year + months // 12, months % 12 + 1
        day = min(reviewed.day, _days_in(year, month))
        return date(year, month, day)

    def is_stale(self, today: date) -> bool:
        return today > self.review_due()


def _days_in(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


class LibraryError(ValueError):
    """The library does not load; `errors` name each file and line."""

    def __init__(self, errors: list[LintError]) -> None:
        shown = "\n".join(str(e) for e in errors[:20])
        super().__init__(f"{len(errors)} template error(s):\n{shown}")
        self.errors = errors


ORGS_FOLDER = "orgs"  # templates/orgs/<guide id>/...: one organisation's own templates


def template_files(folder: Path, include_orgs: bool = False) -> list[Path]:
    """The template files under `folder`; those of `orgs/` only with `include_orgs`."""
    orgs = folder / ORGS_FOLDER
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix in (".md", ".j2", ".jinja") and p.is_file() and (include_orgs or orgs not in p.parents)
    )


def parse_template(
    path: Path, root: Path, environment: Any, raw: str | None = None
) -> tuple[Template | None, list[LintError]]:
    """One file → its Template, or the lint errors that stop it loading. `environment`
    compiles the body (render.py's sandbox), so lint sees exactly what renders. With
    `raw`, that text stands for the file's (a version from the store)."""
    name = str(path.relative_to(root.parent) if root.parent in path.parents else path)
    if raw is None:
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, [LintError(name, 1, f"cannot read: {type(exc).__name__}")]
    if not raw.startswith("---"):
        return None, [LintError(name, 1, "no YAML front matter: the file must open with a '---' line")]
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, [LintError(name, line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}")]
    body_line = _body_line(raw)
    try:
        meta = Meta.model_validate(post.metadata)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "front matter"
            key = str(error["loc"][0]) if error["loc"] else ""
            errors.append(LintError(name, _key_line(raw, key), f"{where}: {error['msg']}"))
        return None, errors
    errors = []
    if meta.id != path.stem:
        errors.append(LintError(name, _key_line(raw, "id"), f"id {meta.id!r} must match the file name {path.stem!r}"))
    source = post.content
    try:
        ast = environment.parse(source)
    except TemplateSyntaxError as exc:
        errors.append(LintError(name, body_line + (exc.lineno or 1) - 1, f"template syntax error: {exc.message}"))
        return None, errors
    blocks = frozenset(block.name for block in ast.find_all(nodes.Block))
    template = Template(meta=meta, source=source, path=path, body_line=body_line, blocks=blocks, file=name)
    for reserved in sorted(CONTEXT_NAMES & set(meta.variables)):
        errors.append(LintError(name, _key_line(raw, "variables"), f"variable {reserved!r} is a context name"))
    declared = set(meta.variables) | CONTEXT_NAMES
    for undeclared in sorted(find_undeclared_variables(ast) - declared):
        line = min((n.lineno for n in ast.find_all(nodes.Name) if n.name == undeclared), default=1)
        message = f"undeclared variable {undeclared!r}: declare it under `variables` in the front matter"
        errors.append(LintError(name, body_line + line - 1, message))
    for channel in meta.channels:
        if template.block_for(channel) is None:
            errors.append(
                LintError(
                    name,
                    _key_line(raw, "channels"),
                    f"no block for channel {channel.value!r}: add {{% block {channel.value} %}} (or `default`)",
                )
            )
    for channel in meta.html:
        if channel not in meta.channels:
            errors.append(LintError(name, _key_line(raw, "html"), f"html lists {channel.value!r}, not a channel"))
    if not blocks:
        errors.append(LintError(name, body_line, "no blocks: wrap each variant in {% block default %}…{% endblock %}"))
    return (None if errors else template), errors


def _body_line(raw: str) -> int:
    """The 1-based file line where the body after the closing '---' begins."""
    lines = raw.split("\n")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return number + 1
    return 1


def _key_line(raw: str, key: str) -> int:
    if key:
        match = re.search(rf"^{re.escape(key)}\s*:", raw, re.MULTILINE)
        if match:
            return raw.count("\n", 0, match.start()) + 1
    return 1


def duplicate_ids(templates: Iterable[Template]) -> list[LintError]:
    seen: dict[str, Template] = {}
    errors = []
    for template in templates:
        if template.id in seen:
            other = seen[template.id].file
            errors.append(LintError(template.file, 1, f"id {template.id!r} is also used by {other}"))
        seen.setdefault(template.id, template)
    return errors
