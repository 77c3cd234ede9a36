"""Text as it really arrives: pasted card numbers with non-breaking spaces, soft hyphens
and zero-width characters from word processors and chat apps, fullwidth digits from
East Asian keyboards. The recognizers read a normalised view; each of its characters
remembers where it came from, so detections map back to the submitted offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Invisible characters that join or break nothing a reader sees: removed.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e")
# Spaces a reader sees as a space: one plain space.
_SPACES = frozenset("\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000")
_ODD = re.compile(
    "[\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e\u00a0\u2007\u202f\u2009\u200a\u2002-\u2008\u205f\u3000\uff01-\uff5e]"
)


@dataclass(frozen=True)
class Normalised:
    text: str
    origins: list[int]  # origins[i]: where text[i] is in the submitted text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The submitted span of text[start:end]."""
        return self.origins[start], self.origins[end - 1] + 1


def needs_normalising(text: str) -> bool:
    return _ODD.search(text) is not None


def normalise(text: str) -> Normalised:
    """Invisible characters out, odd spaces plain, fullwidth forms (U+FF01-FF5E: digits,
    letters, "@") their ASCII selves; line breaks and every other character as they are."""
    chars: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        if char in _SPACES:
            char = " "
        elif "\uff01" <= char <= "\uff5e":
            char = unicodedata.normalize("NFKC", char)
        chars.append(char)
        origins.append(index)
    return Normalised("".join(chars), origins)
