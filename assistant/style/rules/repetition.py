"""Vale's `repetition`: the same token twice in a row."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from .base import Alert, Block, Memory, Rule, format_message
from .patterns import check_patterns, compile_pattern, excepted, exceptions_re

_MULTI_SENTENCE = re.compile(r"[.!?][\"')\]]*\s+\S")


class Repetition(Rule):
    """The same match of `tokens` twice in a row (more than `max` times), in one sentence."""

    extends: Literal["repetition"]
    tokens: list[str]
    max: int = 0
    ignorecase: bool = False
    alpha: bool = False
    exceptions: list[str] = Field(default_factory=list)

    _pattern: re.Pattern[str] = PrivateAttr()
    _except: re.Pattern[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile(self) -> Repetition:
        check_patterns("tokens", self.tokens)
        self._pattern = compile_pattern("(" + "|".join(self.tokens) + ")", self.ignorecase)
        self._except = exceptions_re(self.exceptions)
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        alerts: list[Alert] = []
        prev, prev_start, count = "", 0, 0
        text = block.text
        for m in self._pattern.finditer(text):
            curr = m.group().strip()
            hit = curr != "" and (curr.lower() == prev.lower() if self.ignorecase else curr == prev)
            hit = hit and (not self.alpha or curr.isalpha())
            if hit:
                count += 1
            if hit and count > self.max:
                converted = text[prev_start : m.end()]
                if not _MULTI_SENTENCE.search(converted) and not excepted(self._except, converted):
                    alerts.append(
                        Alert(
                            prev_start, m.end(), format_message(self.message, curr), converted, self.suggestions_for()
                        )
                    )
                    count = 0
            prev, prev_start = curr, m.start()
        return alerts
