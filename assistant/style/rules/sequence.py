"""Vale's `sequence`: words of a sentence in order, by pattern and part-of-speech tag."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from .base import Alert, Block, Memory, Rule, ScopeName, Token, format_message


class SequenceStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str = ""
    tag: str = ""
    negate: bool = False
    skip: int = 0

    _pattern: re.Pattern[str] | None = PrivateAttr(default=None)
    _tag: re.Pattern[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile(self) -> SequenceStep:
        if not self.pattern and not self.tag:
            raise ValueError("a sequence token needs `pattern` or `tag`")
        self._pattern = re.compile(f"^(?:{self.pattern})$") if self.pattern else None
        self._tag = re.compile(f"^(?:{self.tag})$") if self.tag else None
        return self

    def matches(self, token: Token) -> bool:
        ok = (self._pattern is None or self._pattern.match(token.text) is not None) and (
            self._tag is None or self._tag.match(token.tag) is not None
        )
        return ok != self.negate


class SequenceRule(Rule):
    """A run of tokens in one sentence matching, in order, each step's word pattern
    and/or Penn part-of-speech tag (`negate`, `skip` up to n tokens)."""

    extends: Literal["sequence"]
    tokens: list[SequenceStep]
    ignorecase: bool = False
    scope: ScopeName | list[str] | str = "sentence"

    uses_tags: ClassVar[bool] = True

    @model_validator(mode="after")
    def _check_steps(self) -> SequenceRule:
        if not self.tokens:
            raise ValueError("a sequence rule needs at least one token")
        if self.ignorecase:
            for step in self.tokens:
                if step.pattern:
                    step._pattern = re.compile(f"^(?:{step.pattern})$", re.IGNORECASE)
        return self

    def run_tokens(self, tokens: Sequence[Token], text: str) -> list[Alert]:
        alerts = []
        i = 0
        while i < len(tokens):
            end = self._match_from(tokens, i)
            if end is None:
                i += 1
                continue
            start, stop = tokens[i].start, tokens[end].end
            alerts.append(
                Alert(
                    start,
                    stop,
                    format_message(self.message, text[start:stop]),
                    text[start:stop],
                    self.suggestions_for(),
                )
            )
            i = end + 1
        return alerts

    def _match_from(self, tokens: Sequence[Token], i: int) -> int | None:
        at = i
        last = i
        for n, step in enumerate(self.tokens):
            window = range(at, min(len(tokens), at + step.skip + 1)) if n else range(at, at + 1)
            found = next((j for j in window if j < len(tokens) and step.matches(tokens[j])), None)
            if found is None:
                return None
            last, at = found, found + 1
        return last

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        tokens = getattr(block, "tokens", None)
        if not tokens:
            return []
        return self.run_tokens(tokens, block.text)
