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


_CASE_TOKEN = r"(?:[^\W_]|\*)+\S*"  # Vale's `[\p{N}\p{L}*]+[^\s]*`: a word and what sticks to it
_NUMBERED = re.compile(r"\d+\.")
_DEFAULT_THRESHOLD = 0.8  # Vale: 0 means 0.8, the proportion of words that must be right


def _go_title(word: str) -> str:
    """Go's strings.Title: a letter after anything but an ASCII letter, digit or `_`
    (or a non-ASCII letter or digit) is upper-cased."""
    out, after_separator = [], True
    for ch in word:
        out.append(ch.upper() if after_separator else ch)
        joins = (ch.isascii() and (ch.isalnum() or ch == "_")) or (not ch.isascii() and ch.isalnum())
        after_separator = not joins
    return "".join(out)


class SentenceCase:
    """Vale's `$sentence` (strcase.SentenceConverter and check.sentence): the text's
    sentence-case form, first word and words after an indicator (`:`; a leading "1.")
    capitalised, exceptions as written, every other word in lower case; the text passes
    when its first word is right and at least `threshold` of its words are."""

    def __init__(self, exceptions: Sequence[str], indicators: Sequence[str], threshold: float, prefix: str) -> None:
        self.exceptions = sorted(exceptions, key=len, reverse=True)  # greedy alternation, as Vale
        self.indicators = tuple(indicators)
        self.threshold = threshold or _DEFAULT_THRESHOLD
        self.prefix = compile_pattern(prefix, False) if prefix else None
        vocab = "|".join(self.exceptions)
        self.tokens = re.compile(rf"\b(?:{vocab})\b|{_CASE_TOKEN}" if vocab else _CASE_TOKEN)
        self.tokens_any_case = re.compile(self.tokens.pattern, re.IGNORECASE)
        self.excepted = re.compile(rf"\b(?:{vocab})\b") if vocab else None

    def expected(self, text: str) -> str:
        lead = ""
        found = self.prefix.match(text) if self.prefix else None
        if found:
            lead, text = found.group(), text[found.end() :]
        tokens = self.tokens_any_case.findall(text)
        made = []
        for i, token in enumerate(tokens):
            entry = self._in_vocab(token)
            if entry:
                made.append(entry)
            elif i == 0 or self._indicator(tokens[i - 1], i - 1):
                made.append(token[:1].upper() + token[1:].lower())
            else:
                made.append(token.lower())
        return lead + " ".join(made)

    def check(self, text: str) -> tuple[bool, str]:
        expected = self.expected(text)
        want = self.tokens.findall(expected)
        right = words = 0
        for i, word in enumerate(self.tokens.findall(text)):
            if i >= len(want) or word == want[i] or (self.excepted is not None and self.excepted.search(word)):
                right += 1
            elif i == 0 and word != _go_title(word.lower()):
                return False, expected
            words += 1
        return (not words or right / words >= self.threshold), expected

    def _indicator(self, word: str, index: int) -> bool:
        return word.endswith(self.indicators) or (index == 0 and _NUMBERED.search(word) is not None)

    def _in_vocab(self, token: str) -> str:
        for entry in self.exceptions:
            if entry.lower() == token.lower():
                return entry
            try:
                if re.search(entry, token):
                    return token
            except re.error:
                continue
        return ""


class Capitalization(Rule):
    """The scope (by default a heading) must be in `$title`, `$sentence`, `$lower` or
    `$upper` case, or match a pattern."""

    extends: Literal["capitalization"]
    match: str
    style: Literal["AP", "Chicago"] = "AP"
    exceptions: list[str] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=lambda: [":"])
    threshold: float = 0.0
    prefix: str = ""  # a pattern for a lead-in left as it is ("Step 1: ")
    scope: ScopeName | list[str] | str = "heading"

    # The text -> (right?, the form Vale names as expected: the second `%s`)
    _check: Callable[[str], tuple[bool, str]] = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> Capitalization:
        exceptions = set(self.exceptions)
        if self.match == "$title":
            self._check = lambda s: (_title_case_ok(s, exceptions), s)
        elif self.match == "$sentence":
            self._check = SentenceCase(self.exceptions, self.indicators, self.threshold, self.prefix).check
        elif self.match == "$lower":
            self._check = lambda s: (s == s.lower(), s.lower())
        elif self.match == "$upper":
            self._check = lambda s: (s == s.upper(), s.upper())
        else:
            pattern = compile_pattern(self.match, False)
            self._check = lambda s: (pattern.fullmatch(s) is not None, self.match)
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        text = block.text.strip()
        if not text:
            return []
        right, expected = self._check(text)
        if right:
            return []
        start = block.text.index(text)
        message = format_message(self.message, text, expected)
        proposed = (expected,) if self.match == "$sentence" else ()
        return [Alert(start, start + len(text), message, text, self.suggestions_for(proposed))]
