"""What every Vale rule type shares: the fields of a rule, the alert it gives, the block
it runs on and what it remembers across blocks of one file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

Level = Literal["error", "warning", "suggestion"]
ScopeName = Literal["text", "sentence", "paragraph", "heading"]


@dataclass(frozen=True)
class Alert:
    """One match of one rule: offsets into the block's text."""

    start: int
    end: int
    message: str
    match: str
    suggestions: tuple[str, ...] = ()


@dataclass
class Token:
    """A word of a sentence, for `sequence`: its text, Penn tag and offset in the block."""

    text: str
    tag: str
    start: int
    end: int


class Block(Protocol):
    """What a rule runs on: text, and for some rule types more about it."""

    text: str

    def sentence_count(self) -> int: ...

    def word_set(self, ignorecase: bool) -> frozenset[str]: ...

    def word_index(self, ignorecase: bool) -> dict[str, list[int]]: ...

    def tagged(self, start: int, end: int) -> str | None:
        """The words [start, end) touches as `word/TAG ...` (Vale's `pos:`); None when no
        tagger was given."""
        ...


@dataclass
class Memory:
    """What Vale keeps per file across blocks (consistency's seen variants, conditional's
    defined terms)."""

    seen: set[str] = field(default_factory=set)
    defined: set[str] = field(default_factory=set)


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Literal["replace", "remove", "edit", "suggest", "convert"] = "replace"
    params: list[str] = Field(default_factory=list)


class Examples(BaseModel):
    """Texts this rule must fire on and must not fire on (checked by a meta-test)."""

    model_config = ConfigDict(extra="forbid")

    fire: list[str] = Field(default_factory=list, description="each must trigger the rule")
    not_fire: list[str] = Field(default_factory=list, description="none may trigger the rule")


def format_message(message: str, *subs: str) -> str:
    """Vale's FormatMessage: each `%s` in turn takes the next substitution, cycling."""
    if not subs or "%s" not in message:
        return message
    parts = message.split("%s")
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append(subs[i % len(subs)])
        out.append(part)
    return "".join(out)


class Rule(BaseModel):
    """The fields every Vale rule has, plus Tactful's own (`criteria`, `examples`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    extends: str
    message: str
    level: Level = "suggestion"
    scope: ScopeName | list[str] | str = "text"
    link: str = ""
    description: str = ""
    limit: int = 0
    action: Action | None = None
    code: bool = False
    vocab: bool = True
    # Tactful's additions: criteria ids (standards/CRITERIA.md) and pass/fail examples.
    criteria: list[str] = Field(default_factory=list)
    examples: Examples | None = None

    uses_tags: ClassVar[bool] = False
    # First words of which at least one must be in the text for the rule to match (lower
    # case when `ignorecase`); None when the rule cannot say (patterns, `raw`, `nonword`).
    _needs: frozenset[str] | None = PrivateAttr(default=None)

    def needs(self) -> tuple[frozenset[str] | None, bool]:
        return self._needs, bool(getattr(self, "ignorecase", False))

    @property
    def scope_name(self) -> str:
        """The one scope this rule runs on here: sentence, paragraph, heading or text."""
        scopes = [self.scope] if isinstance(self.scope, str) else list(self.scope)
        for scope in scopes:
            base = scope.split(".")[0]
            if base in ("sentence", "paragraph", "heading"):
                return base
        return "text"

    @field_validator("criteria")
    @classmethod
    def _criteria_ids(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not re.fullmatch(r"[A-Z]+\.[PK]\d+", c)]
        if bad:
            raise ValueError(f"criteria ids look like DEAL.P12; got {', '.join(bad)}")
        return value

    def suggestions_for(self, expected: Sequence[str] = ()) -> tuple[str, ...]:
        if self.action is None:
            return tuple(expected)
        if self.action.name == "remove":
            return ("",)
        if self.action.name == "replace":
            return tuple(self.action.params or expected)
        return tuple(expected)

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        raise NotImplementedError
