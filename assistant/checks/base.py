"""What every check is: the protocol, its outcome, and how it says it cannot run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..guide import Guide
from ..model import Context, Finding
from ..text import Draft


class Unavailable(Exception):
    """A dependency of the check is down or too slow; the message says which."""


class NotApplicable(Exception):
    """The check does not apply to this draft (e.g. a locale it cannot check)."""


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)


class Check(Protocol):
    name: ClassVar[str]
    waits_on_io: ClassVar[bool]  # runs on a worker thread, overlapping the CPU checks
    spacy_pipes: ClassVar[frozenset[str]]  # spaCy components it reads from draft.doc

    def run(self, draft: Draft, context: Context, guide: Guide) -> Outcome: ...

