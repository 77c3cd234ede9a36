"""The pipeline: verdicts, statuses, and one broken check never failing the rest."""

import logging

import pytest

from assistant.checks import Outcome
from assistant.model import Context, Finding, Severity, verdict_for
from assistant.pipeline import Pipeline, UnknownCheck
from assistant.text import prepare_draft


class Exploding:
    """A check with a bug whose message quotes the draft."""

    name = "exploding"
    waits_on_io = False
    spacy_pipes = frozenset()

    def run(self, draft, context, guide):
        raise RuntimeError(f"boom on {draft.text}")


class Flagging:
    name = "flagging"
    waits_on_io = True
    spacy_pipes = frozenset()

    def __init__(self, severity):
        self.severity = severity

    def run(self, draft, context, guide):
        return Outcome(findings=[_finding(self.severity, 0)], metrics={"seen_locale": context.locale})


def _finding(severity, start):
    return Finding(check="flagging", rule="flagging.x", severity=severity, message="m", start=start, end=start + 1, excerpt="x")


@pytest.fixture
def pipeline(services):
    def build(*checks):
        return Pipeline(list(checks) + services.pipeline.checks, services.nlp, services.pipeline.guides)

    return build


def test_a_broken_check_is_reported_and_the_others_still_answer(pipeline, caplog):
    draft = prepare_draft("Dear Dana Secret, their is a problem.")
    with caplog.at_level(logging.ERROR):
        report = pipeline(Exploding()).run(draft, Context(channel="email"))
    assert report.checks["exploding"].status == "error"
    assert report.checks["grammar"].status == "ok" and report.checks["readability"].status == "ok"
    assert any(f.check == "grammar" for f in report.findings)
    assert "RuntimeError" in caplog.text
    assert "Dana Secret" not in caplog.text  # drafts (PII) stay out of the log


@pytest.mark.parametrize(
    "severities, verdict",
    [([], "pass"), (["suggestion"], "pass"), (["suggestion", "warning"], "warn"), (["warning", "blocker"], "block")],
)
def test_verdict_is_the_worst_severity(severities, verdict):
    assert verdict_for([_finding(Severity(s), 0) for s in severities]) == verdict


def test_io_checks_get_the_guides_locale(pipeline):
    report = pipeline(Flagging(Severity.blocker)).run(prepare_draft("x"), Context(channel="chat"))
    assert report.metrics["flagging"] == {"seen_locale": "en-GB"}
    assert report.verdict == "block"


def test_unknown_check_names_are_refused(pipeline):
    with pytest.raises(UnknownCheck, match="available: grammar, readability"):
        pipeline().run(prepare_draft("x"), Context(channel="chat"), only=["grammer"])
