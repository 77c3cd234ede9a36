"""Vale's `consistency`: one spelling of a pair per file."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import PrivateAttr, model_validator

from .base import Alert, Block, Memory, Rule, format_message
from .patterns import NONWORD, WORD, compile_pattern, first_words


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
        template = NONWORD if self.nonword else WORD
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
