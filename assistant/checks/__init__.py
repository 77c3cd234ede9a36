"""The checks. Each module holds one; `CHECKS` registers them.

A check takes the prepared Draft, the request Context and its own section of the guide,
and returns an Outcome (findings and metrics). It holds no global state and takes its
heavy resources from `Resources` when built. It signals a dependency that is down with
`Unavailable` and a check that does not apply with `NotApplicable`; anything else it
raises is a bug, reported as status `error` without failing the request.
"""

from __future__ import annotations

from ..guide import Section
from ..qa.scorecard import Scorecard
from ..resources import Resources
from .base import Check, NotApplicable, Outcome, Unavailable, make_finding
from .channels import ChannelsCheck
from .confidentiality import ConfidentialityCheck
from .grammar import GrammarCheck
from .readability import ReadabilityCheck
from .sla import SlaCheck
from .structure import StructureCheck
from .style import StyleCheck
from .tone import ToneCheck

__all__ = [
    "CHECKS",
    "Check",
    "NotApplicable",
    "Outcome",
    "Unavailable",
    "build_checks",
    "guide_sections",
    "make_finding",
]

# Every check, in report order. A new check is one module plus one line here.
CHECKS: list[type[Check]] = [
    GrammarCheck,
    ReadabilityCheck,
    ToneCheck,
    StructureCheck,
    SlaCheck,
    ChannelsCheck,
    StyleCheck,
    ConfidentialityCheck,
]


def build_checks(resources: Resources) -> list[Check]:
    return [check.build(resources) for check in CHECKS]


# Sections of a guide that no check owns: the QA scorecard reviewers score replies on.
# (assistant/qa/scorecard.py reads only the guide and the model, so no cycle.)
OTHER_SECTIONS: dict[str, type[Section]] = {"scorecard": Scorecard}


def guide_sections() -> dict[str, type[Section]]:
    """Each check's section of a style guide, by check name, and the other sections: what
    the guide loader validates."""
    return {check.name: check.Options for check in CHECKS} | OTHER_SECTIONS
