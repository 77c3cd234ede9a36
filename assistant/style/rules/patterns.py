"""Vale's patterns in Python: how `tokens`, `nonword` and `ignorecase` build a pattern,
and the literal word lists that are compiled as a trie and matched only where their first
words are."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, cast

import regex

from .base import Block

WORD = r"\b(?:{})\b"
NONWORD = r"(?:{})"


def compile_pattern(pattern: str, ignorecase: bool) -> re.Pattern[str]:
    """Compile a Vale pattern: global flags become compile flags (Python refuses
    `(?m)` or `(?i)` anywhere but at the start; Vale's templates put them mid-pattern).
    What `re` refuses but Vale's engine (regexp2) accepts, chiefly a variable-width
    look-behind such as `(?<=\b(?:a|an) )`, is compiled by the `regex` module: same
    syntax and flags, used only then (`re` is the faster on everything else)."""
    flags = re.MULTILINE | (re.IGNORECASE if ignorecase else 0)
    for inline, flag in (("(?i)", re.IGNORECASE), ("(?m)", re.MULTILINE), ("(?s)", re.DOTALL)):
        if inline in pattern:
            pattern = pattern.replace(inline, "")
            flags |= flag
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        try:
            return cast("re.Pattern[str]", regex.compile(pattern, flags | regex.VERSION0))
        except regex.error:
            raise ValueError(f"not a valid regular expression ({exc})") from exc


def check_patterns(field_name: str, patterns: Sequence[str]) -> None:
    """Each pattern compiles on its own; the error names the one that does not, as
    `@field.index:` (the loader turns that into the item's line)."""
    for index, pattern in enumerate(patterns):
        try:
            compile_pattern(pattern, False)
        except ValueError as exc:
            raise ValueError(f"@{field_name}.{index}: {exc}") from exc


def token_list(tokens: list[str]) -> list[str]:
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


def alternation(tokens: Sequence[str], ignorecase: bool) -> str:
    """`tokens` as one alternation: the literal ones as a trie, the others as written."""
    literals, others = literal_forms(tokens)
    literals = [t.lower() if ignorecase else t for t in literals]
    parts = ([trie_pattern(literals)] if literals else []) + others
    return "|".join(parts)


def exceptions_re(exceptions: list[str]) -> re.Pattern[str] | None:
    if not exceptions:
        return None
    ordered = sorted(exceptions, key=len, reverse=True)  # greedy alternation, as Vale
    return compile_pattern(WORD.format("|".join(ordered)), False)


def excepted(pattern: re.Pattern[str] | None, observed: str) -> bool:
    return pattern is not None and pattern.search(observed) is not None
