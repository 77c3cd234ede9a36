"""An organisation's style guide: style_guides/<id>/guide.yaml, validated, with `extends`.

The guide's own fields (id, version, name, locale, extends, rules) live here; every other
top-level key is a section owned by the check of that name, which validates it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .rules import RuleSetting

ModelT = TypeVar("ModelT", bound=BaseModel)
S = TypeVar("S", bound="Section")


class UnknownGuide(LookupError):
    """A guide id that is not loaded (or not this organisation's to use)."""


class GuideError(ValueError):
    """A guide that cannot be loaded; the message names the file and the field."""


class Section(BaseModel):
    """A part of a guide. Each check owns one (its `Options`, under the check's name);
    unknown fields fail at load."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def prepare(cls, data: dict[str, Any], folder: Path) -> dict[str, Any]:
        """The section as written in the guide in `folder`, before `extends` merges it: a
        section that reads files beside guide.yaml (the style check's rules/) does it here."""
        return data


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from exc
    return pattern


# A regular expression in a guide: checked when the guide loads, not on the first draft.
RegexPattern = Annotated[str, AfterValidator(_compiles)]


class Guide(BaseModel):
    """A resolved guide: its own fields, and each check's validated section."""

    model_config = ConfigDict(extra="forbid")

    id: str
    version: str = "1"
    name: str = ""
    locale: str = "en-GB"
    extends: str | None = None
    organisation: str | None = Field(
        None, description="The organisation that owns the guide (only its keys may name it); none: shared."
    )
    rules: dict[str, RuleSetting] = Field(
        default_factory=dict,
        description="rule id (grammar.THEIR_IS), or <check>.* for all of a check's -> severity or off",
    )
    sections: dict[str, Any] = Field(default_factory=dict, description="check name -> its validated Options")

    def section(self, name: str, model: type[S]) -> S:
        """The validated section `name` as its model: the typed way for any consumer to read
        a section (the loader validated it with the model its owner registered)."""
        value = self.sections[name]
        if not isinstance(value, model):
            raise TypeError(f"section {name!r} is a {type(value).__name__}, not a {model.__name__}")
        return value


_OWN_FIELDS = set(Guide.model_fields) - {"sections"}
SectionModels = Mapping[str, type[Section]]


def load_guides(
    folder: Path,
    sections: SectionModels,
    extra: Sequence[Path] = (),
    is_rule: Callable[[str], bool] = lambda rule_id: True,
) -> dict[str, Guide]:
    """Every guide under `folder`, and each guide folder in `extra` (anywhere on disk; it
    may extend a guide under `folder`), with `extends` resolved (child values win), each
    section validated by the model of the check that owns it, and every id in `rules:`
    one that `is_rule` knows."""
    raw: dict[str, dict[str, Any]] = {}
    paths: dict[str, Path] = {}
    for path in [*sorted(folder.glob("*/guide.yaml")), *(Path(p) / "guide.yaml" for p in extra)]:
        if not path.is_file():
            raise GuideError(f"{path}: no such guide (a guide folder holds guide.yaml).")
        raw[path.parent.name] = _prepare(_read_yaml(path), path.parent, sections)
        paths[path.parent.name] = path
    if not raw:
        raise GuideError(f"No style guides found in {folder} (expected <id>/guide.yaml).")
    guides = {guide_id: _build(guide_id, raw, paths[guide_id], sections) for guide_id in raw}
    for guide_id, guide in guides.items():
        unknown = sorted(rule_id for rule_id in guide.rules if not is_rule(rule_id))
        if unknown:
            listed = ", ".join(unknown)
            raise GuideError(f"{paths[guide_id]}: rules: unknown rule id(s) {listed} (see `tactful rules`).")
    return guides


def _prepare(data: dict[str, Any], folder: Path, sections: SectionModels) -> dict[str, Any]:
    for name, model in sections.items():
        prepared = model.prepare(dict(data.get(name) or {}), folder)
        if prepared or name in data:
            data[name] = prepared
    return data


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise GuideError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise GuideError(f"{path}: expected a mapping at the top level.")
    data.setdefault("id", path.parent.name)
    if data["id"] != path.parent.name:
        raise GuideError(f"{path}: id {data['id']!r} must match its folder name {path.parent.name!r}.")
    return data


def _build(guide_id: str, raw: dict[str, dict[str, Any]], path: Path, sections: SectionModels) -> Guide:
    merged = _resolve(guide_id, raw, [])
    unknown = sorted(set(merged) - _OWN_FIELDS - set(sections))
    if unknown:
        known = ", ".join(sorted(_OWN_FIELDS | set(sections)))
        raise GuideError(f"{path}: unknown section(s) {', '.join(unknown)}; known: {known}.")
    own = {key: value for key, value in merged.items() if key in _OWN_FIELDS}
    own["organisation"] = raw[guide_id].get("organisation")  # owned by whoever wrote it: never inherited
    validated = {name: _validate(path, name, model, merged.get(name)) for name, model in sections.items()}
    return _validate(path, "", Guide, own | {"sections": validated})


def _validate(path: Path, name: str, model: type[ModelT], data: Any) -> ModelT:
    try:
        return model.model_validate({} if data is None else data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in ([name] if name else []) + list(error['loc']))}: {error['msg']}"
            for error in exc.errors()
        )
        raise GuideError(f"{path}: {problems}") from exc


def _resolve(guide_id: str, raw: dict[str, dict[str, Any]], seen: list[str]) -> dict[str, Any]:
    if guide_id in seen:
        raise GuideError(f"Guide {guide_id!r} extends itself: {' -> '.join(seen + [guide_id])}.")
    if guide_id not in raw:
        raise GuideError(f"Guide {seen[-1]!r} extends {guide_id!r}, which does not exist.")
    data = raw[guide_id]
    parent = data.get("extends")
    if not parent:
        return data
    return _deep_merge(_resolve(parent, raw, seen + [guide_id]), data)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
