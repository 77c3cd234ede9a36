"""Rendering a template in Jinja2's immutable sandbox.

Values are data: a variable holding `{{ 7*7 }}` renders those characters, never 49
(Jinja2 never evaluates a value as template code). A template that reaches for an
unsafe attribute (`''.__class__`) fails with RenderError naming the file and line.
A variable the template needs but the request lacks is listed in `missing` and shown
in the text as `[name]`, so the agent sees where to fill it in (StrictUndefined's
strictness is kept for everything else: a missing value in a condition is an error).
Dates, times and money are formatted by babel in the reply's locale."""

from __future__ import annotations

import contextvars
import sys
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal
from jinja2 import StrictUndefined, TemplateError, pass_context
from jinja2 import Template as JinjaTemplate
from jinja2.runtime import Context as JinjaContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..model import Channel, Context
from .templates import Template, Variable

MAX_VALUE_CHARS = 2000
DEFAULT_CURRENCY = "GBP"
_missing: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("tactful_missing", default=None)


class RenderError(ValueError):
    """The template itself is at fault (a bug for its owner, not the agent's input)."""


class VariableRefused(ValueError):
    """A submitted variable is unusable: `field` names it, `reason` says why (never the value)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


class Namespace(dict):
    """A context object (customer, ticket, ...): a dict that knows its own dotted path,
    so a missing `customer.name` is reported by that name."""

    def __init__(self, path: str, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.path = path


class MissingValue(StrictUndefined):
    """Printing records the name and shows `[name]`; any other use stays strict, and an
    attribute the sandbox refused raises SecurityError, whatever the use."""

    __slots__ = ()

    def __str__(self) -> str:  # type: ignore[override]
        if self._undefined_exception is SecurityError:
            self._fail_with_undefined_error()
        name = self._undefined_name or "value"
        if isinstance(self._undefined_obj, Namespace):
            name = f"{self._undefined_obj.path}.{name}"
        found = _missing.get()
        if found is not None and name not in found:
            found.append(name)
        return f"[{name}]"

    __html__ = __str__


def _locale(context: JinjaContext) -> Locale:
    tag = str(context.get("locale") or "en-GB")
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def _formatter(kind: str):
    @pass_context
    def format_value(context: JinjaContext, value: Any, style: str | None = None) -> str:
        if isinstance(value, StrictUndefined) or value in ("", None):
            return str(value) if isinstance(value, StrictUndefined) else ""
        locale = _locale(context)
        if kind == "date":
            if isinstance(value, datetime):
                value = value.date()
            return format_date(value, style or "long", locale=locale)
        if kind == "time":
            return format_time(value, style or "short", locale=locale)
        if kind == "datetime":
            return format_datetime(value, style or "long", locale=locale).replace(" at ", ", ")
        if kind == "money":
            currency = style or context.get("currency") or DEFAULT_CURRENCY
            return format_currency(Decimal(str(value)), currency, locale=locale)
        return format_decimal(value, locale=locale)

    return format_value


def build_environment(html: bool) -> ImmutableSandboxedEnvironment:
    environment = ImmutableSandboxedEnvironment(
        undefined=MissingValue,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    for kind in ("date", "time", "datetime", "money", "number"):
        environment.filters[kind] = _formatter(kind)
    return environment


TEXT = build_environment(html=False)
HTML = build_environment(html=True)


def compile_template(template: Template, html: bool) -> JinjaTemplate:
    return (HTML if html else TEXT).from_string(template.source)


@dataclass
class Rendered:
    text: str
    format: str  # "text" | "html"
    missing: list[str]


def coerce(name: str, variable: Variable, value: Any) -> Any:
    """A submitted (or example) value as the variable's type; VariableRefused if it is not."""
    field = f"variables.{name}"
    kind = variable.type
    try:
        if kind == "string":
            if not isinstance(value, str):
                raise VariableRefused(field, "expected a string")
            if len(value) > MAX_VALUE_CHARS:
                raise VariableRefused(field, f"longer than {MAX_VALUE_CHARS} characters")
            return value
        if kind in ("number", "money"):
            if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
                raise VariableRefused(field, f"expected a {kind} (a number, or a string of digits)")
            number = Decimal(str(value))
            if not number.is_finite() or abs(number) > Decimal(10) ** 12:
                raise VariableRefused(field, f"expected a finite {kind} below a trillion")
            return number
        if kind == "boolean":
            if not isinstance(value, bool):
                raise VariableRefused(field, "expected true or false")
            return value
        if kind == "list":
            if not (
                isinstance(value, list)
                and len(value) <= 50
                and all(isinstance(v, str) and len(v) <= MAX_VALUE_CHARS for v in value)
            ):
                raise VariableRefused(field, "expected a list of at most 50 strings")
            return list(value)
        parsers = {
            "date": (date, date.fromisoformat),
            "time": (time, time.fromisoformat),
            "datetime": (datetime, datetime.fromisoformat),
        }
        cls, parse = parsers[kind]
        if isinstance(value, cls) and not (kind == "date" and isinstance(value, datetime)):
            return value
        if not isinstance(value, str) or len(value) > 40:
            raise VariableRefused(field, f"expected an ISO 8601 {kind}")
        return parse(value)
    except (ValueError, InvalidOperation) as exc:
        if isinstance(exc, VariableRefused):
            raise
        raise VariableRefused(
            field, f"expected an ISO 8601 {kind}" if kind in ("date", "time", "datetime") else f"not a valid {kind}"
        ) from None


def variable_values(template: Template, submitted: dict[str, Any]) -> dict[str, Any]:
    """The submitted variables, typed, with defaults for the rest; required ones that
    are absent are left out (they render as `[name]` and are listed as missing)."""
    declared = template.meta.variables
    unknown = set(submitted) - set(declared)
    if unknown:
        takes = ", ".join(sorted(declared)) or "none"
        raise VariableRefused("variables", f"{len(unknown)} unknown variable(s); this template takes: {takes}")
    values: dict[str, Any] = {}
    for name, variable in declared.items():
        if name in submitted and submitted[name] is not None:
            values[name] = coerce(name, variable, submitted[name])
        elif variable.default is not None:
            values[name] = coerce(name, variable, variable.default)
        elif not variable.is_required:
            values[name] = ""
    return values


def example_values(template: Template) -> dict[str, Any]:
    return {name: variable.example for name, variable in template.meta.variables.items()}


def render_template(
    template: Template,
    compiled: JinjaTemplate,
    channel: Channel,
    values: dict[str, Any],
    context: Context,
    *,
    organisation: str | None = None,
    recap: Any = None,
    today: date | None = None,
    currency: str | None = None,
) -> Rendered:
    """The channel's variant filled in with `values` (already typed) and the context."""
    block = template.block_for(channel)
    if block is None:
        served = ", ".join(c.value for c in template.meta.channels)
        raise VariableRefused(
            "channel", f"template {template.id!r} has no {channel.value} variant; it serves: {served}"
        )
    names = {
        "customer": Namespace("customer", context.customer.model_dump(exclude_none=True, exclude_defaults=True)),
        "ticket": Namespace("ticket", context.ticket.model_dump(exclude_none=True)),
        "agent": Namespace("agent", context.agent.model_dump(exclude_none=True)),
        "organisation": Namespace("organisation", {"name": organisation} if organisation else {}),
        "channel": channel.value,
        "locale": context.locale or template.meta.locale,
        "currency": currency or DEFAULT_CURRENCY,
        "today": today or date.today(),
        **({"recap": recap} if recap is not None else {}),
        **values,
    }
    missing: list[str] = []
    token = _missing.set(missing)
    try:
        text = "".join(compiled.blocks[block](compiled.new_context(names)))
    except SecurityError as exc:
        raise RenderError(
            f"{_where(template, compiled, exc)}: reaches outside the sandbox ({exc}); "
            "templates may only print values and call the formatting filters"
        ) from None
    except TemplateError as exc:
        reason = exc.message or type(exc).__name__
        raise RenderError(f"{_where(template, compiled, exc)}: cannot render ({reason})") from None
    finally:
        _missing.reset(token)
    fmt = "html" if channel in template.meta.html else "text"
    return Rendered(text=_tidy(text), format=fmt, missing=missing)


def _where(template: Template, compiled: JinjaTemplate, exc: BaseException) -> str:
    """`file:line` of the template line that failed: the compiled code's frame, mapped back."""
    line = None
    tb = exc.__traceback__ or sys.exc_info()[2]
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = compiled.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return f"{template.file or template.path.name}:{template.body_line + line - 1 if line else template.body_line}"


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().split("\n")]
    tidy: list[str] = []
    for line in lines:  # at most one blank line in a row
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)
