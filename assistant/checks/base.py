"""What every check is: the protocol, its outcome and how it says it cannot run. A check's
findings come from its declared rules (`rules.RuleSet`), never built by hand."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from ..guide import Section
from ..model import Context, Finding
from ..resources import Resources
from ..rules import RuleSet
from ..text import Draft


class Unavailable(Exception):
    """A dependency of the check is down or too slow; the message says which."""


class NotApplicable(Exception):
    """The check does not apply to this draft (e.g. a locale it cannot check)."""


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)


class Check(ABC):
    """A check: one module, registered by one line in `checks/__init__.py`.

    `Options` is its section of a style guide, under the key `name`: the guide loader
    validates that section with it, and `run` receives the validated section."""

    name: ClassVar[str]
    waits_on_io: ClassVar[bool] = False  # True: runs on a worker thread, overlapping the CPU checks
    # True (with waits_on_io): its I/O has deadlines of its own, so the pipeline may run
    # it on the request's own thread, with no backstop (see Pipeline.run).
    times_itself: ClassVar[bool] = False
    spacy_pipes: ClassVar[frozenset[str]] = frozenset()  # spaCy components it reads from draft.doc
    Options: ClassVar[type[Section]] = Section
    rules: ClassVar[RuleSet]  # every rule the check can fire: the only way it builds a finding

    @classmethod
    def build(cls, resources: Resources) -> Self:
        """The check, given the process's shared resources; override to take some."""
        return cls()

    @abstractmethod
    def run(self, draft: Draft, context: Context, options: Any) -> Outcome: ...
