"""Vale's `substitution`: a word or pattern that should be written another way."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from .base import Alert, Block, Memory, Rule, format_message
from .patterns import (
    NONWORD,
    WORD,
    candidate_matches,
    check_patterns,
    compile_pattern,
    excepted,
    exceptions_re,
    first_words,
    literal_forms,
    trie_pattern,
)


def _to_sentence(items: Sequence[str], word: str) -> str:
    quoted = [f"'{i}'" for i in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    if len(quoted) == 2:
        return f"{quoted[0]} {word} {quoted[1]}"
    return ", ".join(quoted[:-1]) + f", {word} " + quoted[-1]


def _convert_message(message: str) -> str:
    """The expected value arrives quoted (`'a' or 'b'`): unquote the first `'%s'`. Vale's
    v2 source only did so when the message held two; the alerts Vale prints for proselint
    (DenizenLabels: "Did you mean '%s'?") show that current Vale does it for one too."""
    for spec in ("'%s'", '"%s"'):
        if spec in message:
            return message.replace(spec, "%s", 1)
    return message


def _is_phrase(text: str) -> bool:
    return all(ch.isalpha() or ch == " " for ch in text)


def _same_token(expected: str, observed: str, ignorecase: bool) -> bool:
    if _is_phrase(expected):
        return expected == observed
    try:
        return re.fullmatch(expected, observed, re.IGNORECASE if ignorecase else 0) is not None
    except re.error:
        return expected == observed


class Substitution(Rule):
    """Each key of `swap` is a pattern; a match that is not already the value is an
    alert, `%s` filled with (expected, observed)."""

    extends: Literal["substitution"]
    swap: dict[str, str]
    exceptions: list[str] = Field(default_factory=list)
    ignorecase: bool = False
    nonword: bool = False
    capitalize: bool = False  # Vale 3: a capitalised match gets capitalised replacements
    # Vale's `pos`: a pattern searched in the matched words as `word/TAG ...` (Penn tags);
    # a match it does not fit is no alert ('back end' the noun, not the adjective).
    pos: str = Field("", alias="POS")

    _pattern: re.Pattern[str] = PrivateAttr()
    _literals: dict[str, str] = PrivateAttr(default_factory=dict)
    _literal_needs: frozenset[str] | None = PrivateAttr(default=None)
    _patterns_only: re.Pattern[str] | None = PrivateAttr(default=None)
    _repl: list[str] = PrivateAttr(default_factory=list)
    _except: re.Pattern[str] | None = PrivateAttr(default=None)
    _pos: re.Pattern[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile(self) -> Substitution:
        if not self.swap:
            raise ValueError("a substitution rule needs at least one `swap` entry")
        check_patterns("swap", list(self.swap))
        literals: dict[str, str] = {}
        groups, replacements = [], []
        for key, value in self.swap.items():
            opens = key.count("(")
            if opens != key.count("(?") and opens != key.count(r"\("):
                raise ValueError(f"swap key {key!r}: capture group not supported; use '(?:' instead of '('")
            forms, _ = literal_forms([key])
            if forms:
                for form in forms:
                    literals.setdefault(form.lower() if self.ignorecase else form, value)
            else:
                groups.append(f"({key})")
                replacements.append(value)
        template = NONWORD if self.nonword else WORD
        if groups:  # the pattern keys alone: what runs when no literal key's first word is there
            self._patterns_only = compile_pattern(template.format("|".join(groups)), self.ignorecase)
        if literals:  # group 1: every literal key, as one trie; looked up by the text matched
            groups.insert(0, f"({trie_pattern(list(literals))})")
            if not self.nonword:
                self._literal_needs = first_words(list(literals), self.ignorecase)
        self._pattern = compile_pattern(template.format("|".join(groups)), self.ignorecase)
        self._literals = literals
        self._repl = replacements
        if not self.nonword:
            self._needs = first_words(list(self.swap), self.ignorecase)
        self._except = exceptions_re(self.exceptions)
        if self.pos:
            try:
                self._pos = re.compile(self.pos)  # case as written: Vale lower-cases the words
            except re.error as exc:
                raise ValueError(f"pos {self.pos!r}: {exc}") from None
        return self

    def _matched(self, m: re.Match[str], literals: bool) -> tuple[int, str] | None:
        """The group that matched and the swap value it maps to."""
        first = 1
        if literals:
            if m.start(1) >= 0:
                text = m.group(1)
                return 1, self._literals[text.lower() if self.ignorecase else text]
            first = 2
        for index, value in enumerate(self._repl, start=first):
            if m.start(index) >= 0:
                return index, value
        return None

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        alerts: list[Alert] = []
        own = self.__pydantic_private__ or {}  # one lookup: pydantic's per-attribute path costs µs each
        pattern: re.Pattern[str] | None = own["_pattern"]
        literals = bool(own["_literals"])
        needs, patterns_only = own["_literal_needs"], own["_patterns_only"]
        if literals and needs is not None and needs.isdisjoint(block.word_set(self.ignorecase)):
            pattern, literals = patterns_only, False  # Vale's result: no literal key can match
        if pattern is None:
            return alerts
        matches = (
            candidate_matches(pattern, block, needs, self.ignorecase)
            if literals and needs is not None and patterns_only is None
            else pattern.finditer(block.text)
        )
        for m in matches:
            found = self._matched(m, literals)
            if found is not None:
                index, expected = found
                observed = m.group(index).strip()
                capitalise = self.capitalize and observed[:1].isupper()
                if capitalise:
                    expected = _cap_first(expected)
                if _same_token(expected, observed, self.ignorecase) or excepted(own["_except"], observed):
                    continue
                if own["_pos"] is not None and not _pos_fits(own["_pos"], block, m.start(index), m.end(index)):
                    continue
                message = self.message
                options = expected.split("|")
                if capitalise:
                    options = [_cap_first(o) for o in options]
                if self.action is not None and self.action.name == "replace" and not self.action.params:
                    expected = _to_sentence(options, "or")
                    message = _convert_message(message)
                suggestions = self.suggestions_for(options)
                alerts.append(
                    Alert(
                        m.start(index),
                        m.end(index),
                        format_message(message, expected, observed),
                        m.group(index),
                        _match_case(observed, suggestions),
                    )
                )
        return alerts


def _pos_fits(pos: re.Pattern[str], block: Block, start: int, end: int) -> bool:
    """Whether the words matched read as the rule's parts of speech. Without a tagger
    nothing can be told apart, and the rule stays quiet rather than flag every use."""
    words = block.tagged(start, end)
    return words is not None and pos.search(words) is not None


def _cap_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _match_case(observed: str, suggestions: Sequence[str]) -> tuple[str, ...]:
    """Suggestions cased like the text they replace ("E-mail" -> "Email")."""
    if observed[:1].isupper() and not observed.isupper():
        return tuple(s[:1].upper() + s[1:] if s else s for s in suggestions)
    return tuple(suggestions)
