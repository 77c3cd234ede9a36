"""Vale's `conditional`: a term (an acronym) that needs another (its definition) first."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from .base import Alert, Block, Memory, Rule, format_message
from .patterns import compile_pattern, excepted, exceptions_re


class Conditional(Rule):
    """A match of `first` (e.g. an acronym) needs a match of `second` (its definition)
    somewhere before it in the file, or an exception."""

    extends: Literal["conditional"]
    first: str
    second: str
    exceptions: list[str] = Field(default_factory=list)
    ignorecase: bool = False

    _first: re.Pattern[str] = PrivateAttr()
    _second: re.Pattern[str] = PrivateAttr()
    _except: re.Pattern[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile(self) -> Conditional:
        self._first = compile_pattern(self.first, self.ignorecase)
        self._second = compile_pattern(self.second, self.ignorecase)
        self._except = exceptions_re(self.exceptions)
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        for m in self._second.finditer(block.text):
            memory.defined.update(g for g in m.groups() if g)
        alerts = []
        for m in self._first.finditer(block.text):
            observed = m.group()
            if observed in memory.defined or excepted(self._except, observed):
                continue
            alerts.append(
                Alert(m.start(), m.end(), format_message(self.message, observed), observed, self.suggestions_for())
            )
        return alerts
