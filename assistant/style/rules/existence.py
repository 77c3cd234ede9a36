"""Vale's `existence`: any match of a list of tokens."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from .base import Alert, Block, Memory, Rule, format_message
from .patterns import (
    NONWORD,
    WORD,
    alternation,
    candidate_matches,
    check_patterns,
    compile_pattern,
    excepted,
    exceptions_re,
    first_words,
    token_list,
)


class Existence(Rule):
    """Any match of `tokens` (word-bounded unless `nonword`) after `raw` is an alert."""

    extends: Literal["existence"]
    tokens: list[str] = Field(default_factory=list)
    raw: list[str] = Field(default_factory=list)
    exceptions: list[str] = Field(default_factory=list)
    ignorecase: bool = False
    nonword: bool = False
    append: bool = False

    _pattern: re.Pattern[str] = PrivateAttr()
    _except: re.Pattern[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile(self) -> Existence:
        if not self.tokens and not self.raw:
            raise ValueError("an existence rule needs `tokens` or `raw`")
        check_patterns("tokens", self.tokens)
        check_patterns("exceptions", self.exceptions)
        tokens = token_list(self.tokens)
        template = WORD if (not self.nonword and tokens) else NONWORD
        body = template.format(alternation(tokens, self.ignorecase))
        if not self.raw and not self.nonword:
            self._needs = first_words(tokens, self.ignorecase)
        raw = "".join(self.raw)
        pattern = body + raw if self.append else raw + body
        self._pattern = compile_pattern(pattern, self.ignorecase)
        self._except = exceptions_re(self.exceptions)
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        alerts = []
        own = self.__pydantic_private__ or {}  # one lookup: pydantic's per-attribute path costs µs each
        needs, pattern, exceptions = own["_needs"], own["_pattern"], own["_except"]
        found = (
            candidate_matches(pattern, block, needs, self.ignorecase)
            if needs is not None
            else pattern.finditer(block.text)
        )
        for m in found:
            if m.end() == m.start():
                continue
            observed = m.group().strip()
            if excepted(exceptions, observed):
                continue
            alerts.append(
                Alert(m.start(), m.end(), format_message(self.message, m.group()), m.group(), self.suggestions_for())
            )
        return alerts
