"""Vale's `capitalization`: a scope (a heading) in title, sentence, lower or upper case."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from .base import Alert, Block, Memory, Rule, ScopeName, format_message
from .patterns import compile_pattern

_SMALL_WORDS = frozenset("a an and as at but by en for if in nor of on or per the to v vs via".split())


def _title_case_ok(text: str, exceptions: set[str]) -> bool:
    words = re.findall(r"[\w'’-]+", text)
    for i, word in enumerate(words):
        if word in exceptions or not word[0].isalpha():
            continue
        small = word.lower() in _SMALL_WORDS and 0 < i < len(words) - 1
        if small and word[0].isupper():
            return False
        if not small and word[0].islower():
            return False
    return True


def _sentence_case_ok(text: str, exceptions: set[str], indicators: Sequence[str]) -> bool:
    words = re.findall(r"[\w'’-]+|[:]", text)
    expect_capital = True
    for word in words:
        if word in indicators:
            expect_capital = True
            continue
        if word in exceptions or not word[0].isalpha():
            expect_capital = False
            continue
        if expect_capital:
            if word[0].islower():
                return False
        elif word[0].isupper() and not (word.isupper() and len(word) > 1) and word != "I":
            return False
        expect_capital = False
    return True


class Capitalization(Rule):
    """The scope (by default a heading) must be in `$title`, `$sentence`, `$lower` or
    `$upper` case, or match a pattern."""

    extends: Literal["capitalization"]
    match: str
    style: Literal["AP", "Chicago"] = "AP"
    exceptions: list[str] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=lambda: [":"])
    threshold: float = 0.0
    scope: ScopeName | list[str] | str = "heading"

    _check: Callable[[str], bool] = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> Capitalization:
        exceptions = set(self.exceptions)
        if self.match == "$title":
            self._check = lambda s: _title_case_ok(s, exceptions)
        elif self.match == "$sentence":
            self._check = lambda s: _sentence_case_ok(s, exceptions, self.indicators)
        elif self.match == "$lower":
            self._check = lambda s: s == s.lower()
        elif self.match == "$upper":
            self._check = lambda s: s == s.upper()
        else:
            pattern = compile_pattern(self.match, False)
            self._check = lambda s: pattern.fullmatch(s) is not None
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        text = block.text.strip()
        if not text or self._check(text):
            return []
        start = block.text.index(text)
        return [Alert(start, start + len(text), format_message(self.message, text), text, self.suggestions_for())]
