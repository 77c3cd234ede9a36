"""Vale's rule types as pydantic models, one module per type as Vale's internal/check has
them, joined here in a discriminated union on `extends` that validates each rule at load.

Each model validates its fields (unknown ones fail), compiles its patterns once when it is
validated, and matches at run time with Vale's semantics (read from Vale's own source,
internal/check/*.go): how `tokens`, `raw`, `nonword` and `ignorecase` build the pattern,
how `%s` fills a message, which span an alert covers. `run` takes one block of text and
returns Alerts with offsets into that block.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import Action, Alert, Block, Examples, Level, Memory, Rule, ScopeName, Token, format_message
from .capitalization import Capitalization
from .conditional import Conditional
from .consistency import Consistency
from .existence import Existence
from .metric import METRIC_VARIABLES, Metric, metric_counts, syllables
from .occurrence import Occurrence
from .patterns import compile_pattern, text_words, word_starts
from .repetition import Repetition
from .sequence import SequenceRule, SequenceStep
from .substitution import Substitution

AnyRule = Annotated[
    Existence
    | Substitution
    | Occurrence
    | Repetition
    | Consistency
    | Conditional
    | Capitalization
    | Metric
    | SequenceRule,
    Field(discriminator="extends"),
]
RULE_TYPES = (
    "existence",
    "substitution",
    "occurrence",
    "repetition",
    "consistency",
    "conditional",
    "capitalization",
    "metric",
    "sequence",
)
UNSUPPORTED_TYPES = {
    "spelling": "needs Hunspell dictionaries",
    "readability": "use `metric`",
    "script": "runs Tengo scripts",
}

__all__ = [
    "METRIC_VARIABLES",
    "RULE_TYPES",
    "UNSUPPORTED_TYPES",
    "Action",
    "Alert",
    "AnyRule",
    "Block",
    "Capitalization",
    "Conditional",
    "Consistency",
    "Examples",
    "Existence",
    "Level",
    "Memory",
    "Metric",
    "Occurrence",
    "Repetition",
    "Rule",
    "ScopeName",
    "SequenceRule",
    "SequenceStep",
    "Substitution",
    "Token",
    "compile_pattern",
    "format_message",
    "metric_counts",
    "syllables",
    "text_words",
    "word_starts",
]
