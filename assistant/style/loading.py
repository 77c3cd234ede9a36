"""Reading rule files: one YAML rule per file, named `<Package>.<FileStem>` as Vale names
them, validated and compiled at load. A broken rule fails with `file:line: field: problem`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from .rules import RULE_TYPES, UNSUPPORTED_TYPES, AnyRule, Rule

RULE_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyRule)
RULE_SUFFIXES = (".yml", ".yaml")


class RuleError(ValueError):
    """A rule file that cannot be loaded: the message starts with `file:line:`."""


def read_rule_file(path: Path) -> Rule:
    """The rule in `path`, validated and compiled."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}:1: cannot read: {exc}") from exc
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise RuleError(f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise RuleError(f"{path}:1: a rule file holds one mapping (extends, message, ...).")
    return validate_rule(data, path, node)


def validate_rule(data: dict[str, Any], path: Path | str, node: Any = None) -> Rule:
    extends = data.get("extends")
    if extends not in RULE_TYPES:
        line = _line(node, ("extends",))
        if extends in UNSUPPORTED_TYPES:
            why = UNSUPPORTED_TYPES[extends]
            raise RuleError(f"{path}:{line}: extends: {extends!r} is not supported here ({why}).")
        raise RuleError(f"{path}:{line}: extends: must be one of {', '.join(RULE_TYPES)}; got {extends!r}.")
    try:
        rule: Rule = RULE_ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"][1:])  # [0] is the union's tag
            message = error["msg"].removeprefix("Value error, ")
            located = re.match(r"@([\w-]+)\.(\d+): ", message)
            if located:  # a pattern that does not compile: the item's own line
                loc = (*loc, located.group(1), int(located.group(2)))
                message = message[located.end() :]
            where = ".".join(str(p) for p in loc) or "rule"
            problems.append(f"{path}:{_line(node, loc)}: {where}: {message}")
        raise RuleError("\n".join(problems)) from exc
    return rule


def _line(node: Any, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the YAML node at `loc` (keys and list indexes), or of the
    deepest node found on the way."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    node = value
                    at = value if isinstance(value, yaml.ScalarNode) else key
                    line = at.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def read_rules_folder(folder: Path, package: str) -> tuple[dict[str, Rule], list[str]]:
    """Every rule file in `folder` as {"<package>.<stem>": rule}, and the errors of those
    that failed (each `file:line: problem`)."""
    rules: dict[str, Rule] = {}
    errors: list[str] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in RULE_SUFFIXES and p.is_file()):
        try:
            rules[f"{package}.{path.stem}"] = read_rule_file(path)
        except RuleError as exc:
            errors.append(str(exc))
    return rules, errors


def read_package(path: Path) -> tuple[dict[str, Rule], list[str]]:
    """A Vale style package: a folder of rule files, named after the folder. A folder
    that holds the package folder of the same name (as Vale's repositories do) works too."""
    if not path.is_dir():
        return {}, [f"{path}:1: no such Vale package folder"]
    inner = path / path.name
    if inner.is_dir() and not any(p.suffix in RULE_SUFFIXES for p in path.iterdir()):
        path = inner
    return read_rules_folder(path, path.name)
