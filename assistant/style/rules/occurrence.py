"""Vale's `occurrence`: too many or too few matches of a token in a scope."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import PrivateAttr, model_validator

from .base import Alert, Block, Memory, Rule
from .patterns import compile_pattern


class Occurrence(Rule):
    """More than `max` or fewer than `min` matches of `token` in the scope."""

    extends: Literal["occurrence"]
    token: str
    max: int = 0
    min: int = 0
    ignorecase: bool = False

    _pattern: re.Pattern[str] = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> Occurrence:
        if not self.max and not self.min:
            raise ValueError("an occurrence rule needs `max` or `min`")
        self._pattern = compile_pattern(self.token, self.ignorecase)
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        found = [m.span() for m in self._pattern.finditer(block.text)]
        count = len(found)
        if (self.max and count > self.max) or (self.min and count < self.min):
            start, end = (found[0][0], found[-1][1]) if found else (0, 0)
            return [Alert(start, end, self.message, block.text[start:end], self.suggestions_for())]
        return []
