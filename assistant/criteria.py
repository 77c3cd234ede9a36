"""The criteria of the five customer-service standards, by id (`DEAL.P12`): read once
from CRITERIA.md beside this module (a copy of the index in the shared standards), so a rule or a
scorecard can be validated against it and a page can show what a cited id says."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

INDEX = Path(__file__).with_name("CRITERIA.md")
_LINE = re.compile(r"^- ([A-Z]+\.[PK]\d+): (.+)$")


@cache
def criteria() -> dict[str, str]:
    """Criterion id -> its text, in the standards' order."""
    found: dict[str, str] = {}
    for line in INDEX.read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line.strip())
        if match:
            found[match[1]] = match[2].strip()
    return found
