"""The checks. Each module holds one; `CHECKS` registers them.

A check takes the prepared Draft, the request Context and its own section of the guide,
and returns an Outcome (findings and metrics). It holds no global state and takes its
heavy resources from `Resources` when built. It signals a dependency that is down with
`Unavailable` and a check that does not apply with `NotApplicable`; anything else it
raises is a bug, reported as status `error` without failing the request.
"""

from __future__ import annotations

from ..resources import Resources
from ..rules import Rule, RuleSet
from .base import Check, NotApplicable, Outcome, Unavailable
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
    "every_rule",
    "is_rule",
    "rule_sets",
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


def rule_sets() -> list[RuleSet]:
    """Every check's declared rules, in report order."""
    return [check.rules for check in CHECKS if hasattr(check, "rules")]


def is_rule(rule_id: str) -> bool:
    """A declared rule, a run-time id of a family (grammar.THEIR_IS), or `<check>.*`: all
    of one check's rules."""
    return any(rule_id in rules or rule_id == f"{rules.check}.*" for rules in rule_sets())


def every_rule() -> list[Rule]:
    return [rule for rules in rule_sets() for rule in rules]
