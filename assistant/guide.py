"""An organisation's style guide: style_guides/<id>/guide.yaml, validated, with `extends`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .model import Channel, Context, Severity


class GuideError(ValueError):
    """A guide that cannot be loaded; the message names the file and the field."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LanguageToolOptions(_Section):
    picky: bool = False
    disabled_rules: list[str] = Field(default_factory=list)
    enabled_rules: list[str] = Field(default_factory=list)
    disabled_categories: list[str] = Field(default_factory=list)
    ignore_words: list[str] = Field(default_factory=list, description="Never reported as misspelt.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="LanguageTool rule or category id -> severity, e.g. TYPOS: blocker."
    )


class ReadabilityTarget(_Section):
    min_reading_ease: float | None = None
    max_grade: float | None = None
    max_sentence_words: int | None = None
    max_sentence_grade: float | None = None


class ReadabilityOptions(_Section):
    audiences: dict[str, ReadabilityTarget] = Field(default_factory=dict)
    channels: dict[Channel, ReadabilityTarget] = Field(default_factory=dict)

    def target_for(self, context: Context) -> ReadabilityTarget:
        """The audience's target, tightened by reading support and by the channel."""
        target = self.audiences.get(context.audience.value, ReadabilityTarget())
        layers = [target]
        if context.reading_support and "reading_support" in self.audiences:
            layers.append(self.audiences["reading_support"])
        if context.channel in self.channels:
            layers.append(self.channels[context.channel])
        merged: dict[str, Any] = {}
        for layer in layers:
            merged.update(layer.model_dump(exclude_none=True))
        return ReadabilityTarget(**merged)


class Guide(_Section):
    id: str
    version: str = "1"
    name: str = ""
    locale: str = "en-GB"
    extends: str | None = None
    languagetool: LanguageToolOptions = Field(default_factory=LanguageToolOptions)
    readability: ReadabilityOptions = Field(default_factory=ReadabilityOptions)


def load_guides(folder: Path) -> dict[str, Guide]:
    """Every guide under `folder`, with `extends` resolved (child values win)."""
    raw: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*/guide.yaml")):
        raw[path.parent.name] = _read_yaml(path)
    if not raw:
        raise GuideError(f"No style guides found in {folder} (expected <id>/guide.yaml).")
    return {guide_id: _build(guide_id, raw, folder) for guide_id in raw}


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


def _build(guide_id: str, raw: dict[str, dict[str, Any]], folder: Path) -> Guide:
    merged = _resolve(guide_id, raw, [])
    try:
        return Guide.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise GuideError(f"{folder / guide_id / 'guide.yaml'}: {problems}") from exc


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
