"""Vale's `pos:` on a substitution: a match is an alert only when the words it covers,
tagged in their sentence, read as the rule's part-of-speech pattern. Vale 1 (errata-ai/vale
core.CheckPOS, what Microsoft's Backend rule was written for) splits the text on white
space, tags the words with prose's Penn Treebank tagger, joins each covered word as
`word/TAG` (lower-cased when longer than one character) with spaces and searches the
pattern in that string: `back/JJ end/NN` for 'a back end developer'."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Tagger = Callable[[Sequence[str]], Sequence[str]]  # words -> one Penn Treebank tag each

# Where a sentence ends, or a line: a heading or list item has no full stop.
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+|\n")
# A white-space word and the punctuation at its edges: 'back-end.' is 'back-end' and '.'
# (a hyphenated word stays one word, as Vale tags it).
_WORD = re.compile(r"(\W*?)(\w(?:\S*\w)?)?(\W*)")


def tagged(text: str, start: int, end: int, tagger: Tagger) -> str:
    """The words [start, end) touches, as `word/TAG` joined by spaces, tagged within the
    sentence that holds them (the tagger reads context; a sentence keeps it cheap)."""
    lo, hi = _sentence(text, start, end)
    tokens = _tokens(text, lo, hi)
    tags = tagger([word for word, _, _ in tokens])
    return " ".join(
        f"{word.lower() if len(word) > 1 else word}/{tag}"
        for (word, at, to), tag in zip(tokens, tags, strict=True)
        if at < end and to > start
    )


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = 0
    for boundary in _BOUNDARY.finditer(text, 0, start):
        lo = boundary.end()
    after = _BOUNDARY.search(text, end)
    hi = after.start() + len(after.group().rstrip()) if after else len(text)
    return lo, hi


def _tokens(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Each white-space word of text[lo:hi], its edge punctuation apart, with offsets."""
    tokens = []
    for word in re.finditer(r"\S+", text[lo:hi]):
        at = lo + word.start()
        parts = _WORD.fullmatch(word.group())
        if parts is None:  # cannot happen: any run of non-space characters fits
            continue
        for group in (1, 2, 3):
            if parts.group(group):
                tokens.append((parts.group(group), at + parts.start(group), at + parts.end(group)))
    return tokens
