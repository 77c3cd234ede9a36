"""Every section of a style guide and who owns it: each check's options (by check name),
the gate's and the QA scorecard's. The guide loader validates each section with its
owner's model, and every `rules:` id against the checks' declared rules."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .checks import CHECKS, is_rule
from .guide import Guide, Section
from .guide import load_guides as load_guide_files
from .policy import GateOptions
from .qa.scorecard import Scorecard

# Sections that no check owns.
OTHER_SECTIONS: dict[str, type[Section]] = {"gate": GateOptions, "scorecard": Scorecard}


def guide_sections() -> dict[str, type[Section]]:
    """What the guide loader validates: each check's section, then the others."""
    return {check.name: check.Options for check in CHECKS} | OTHER_SECTIONS


def load_guides(folder: Path, extra: Sequence[Path] = ()) -> dict[str, Guide]:
    """The guides, each section validated by its owner and every `rules:` id a declared one."""
    return load_guide_files(folder, guide_sections(), extra, is_rule)
