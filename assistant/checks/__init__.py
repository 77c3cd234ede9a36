"""The checks. Each module holds one; `build_checks` registers them.

A check takes the prepared Draft, the request Context and the Guide, and returns an
Outcome (findings and metrics). It holds no global state and is handed its heavy
resources. It signals a dependency that is down with `Unavailable` and a check that
does not apply with `NotApplicable`; anything else it raises is a bug, reported as
status `error` without failing the request.
"""

from __future__ import annotations

from ..languagetool_client import LanguageToolClient
from .base import Check, NotApplicable, Outcome, Unavailable
from .grammar import GrammarCheck
from .readability import ReadabilityCheck

__all__ = ["Check", "NotApplicable", "Outcome", "Unavailable", "build_checks"]


def build_checks(languagetool: LanguageToolClient) -> list[Check]:
    """Every check, in report order. A new check is one module plus one line here."""
    return [GrammarCheck(languagetool), ReadabilityCheck()]
