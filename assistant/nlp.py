"""The spaCy pipeline, loaded once per process from an installed package."""

from __future__ import annotations

import importlib.util

import spacy
from spacy.language import Language


class ModelMissing(RuntimeError):
    """The spaCy model package is not installed; the message says how to install it."""


def load_nlp(model: str, pipes: set[str]) -> Language:
    """Load `model` by its package name with only the components the checks read.

    Loading by package name never downloads; an unknown name would make spaCy try."""
    if importlib.util.find_spec(model) is None:
        raise ModelMissing(
            f"spaCy model package {model!r} is not installed. Run the setup script "
            "(scripts/setup.sh) or set TACTFUL_SPACY_MODEL to an installed model."
        )
    nlp = spacy.load(model)
    wanted = set(pipes)
    if not wanted & {"parser", "senter"}:
        wanted.add("senter")  # sentences are always needed (metrics, readability)
    for name in nlp.component_names:
        if name in wanted and name in nlp.disabled:
            nlp.enable_pipe(name)
        elif name not in wanted and name not in nlp.disabled:
            nlp.disable_pipe(name)
    return nlp
