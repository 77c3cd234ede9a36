"""The spaCy pipeline, loaded once per process from an installed package."""

from __future__ import annotations

import importlib.util

import spacy
from spacy.language import Language
from spacy.tokens import Doc


class ModelMissing(RuntimeError):
    """The spaCy model package is not installed; the message says how to install it."""


_CLITICS = ("'", "’", "n't", "n’t")


def count_words(tokens) -> int:
    """Words in a Doc or Span: tokens with a letter or digit (not punctuation or emoji);
    a contraction ("you're", "don't") is one word although spaCy splits it in two."""
    return sum(
        1 for token in tokens
        if any(char.isalnum() for char in token.text) and not token.lower_.startswith(_CLITICS)
    )


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: greetings, sign-offs and list items have no full stop,
    and the statistical sentence splitter runs them into the next sentence."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text:
            token.is_sent_start = True
    return doc


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
    nlp.add_pipe("line_breaks", last=True)
    return nlp
