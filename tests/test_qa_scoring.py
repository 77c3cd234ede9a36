"""Automatic scores from real reports of the pipeline, and agreement with reviewers."""

import pytest

from assistant.model import Context
from assistant.qa.agreement import agreement
from assistant.qa.scorecard import default_scorecard
from assistant.qa.scoring import score_report
from assistant.text import prepare_draft

GOOD = (
    "Hi Dana,\n\nThank you for getting in touch. I have refunded the delivery charge to your card today, "
    "and you should see it within three working days.\n\nIs there anything else I can help with?\n\n"
    "Kind regards,\nSam"
)
LATE = {
    "ticket": {"created_at": "2026-03-02T09:00:00Z", "last_customer_message_at": "2026-03-02T09:00:00Z"},
    "now": "2026-03-05T15:00:00Z",
}


@pytest.fixture(scope="module")
def scores(services):
    def score(text: str, only=None, **context):
        report = services.pipeline.run(prepare_draft(text), Context(channel="email", **context), only)
        return score_report(report, default_scorecard())

    return score


def items(scored) -> dict:
    return {key: item.score for key, item in scored.items.items()}


def test_a_clean_reply_meets_every_item_and_the_sla_item_does_not_apply(scores):
    scored = scores(GOOD)
    assert items(scored) == {key: 2 for key in default_scorecard().items} | {"sla": None}
    assert scored.items["sla"].why == "does not apply: no sla metric"
    assert scored.total == 100.0 and scored.unmapped == []


def test_a_confidentiality_blocker_fails_the_confidentiality_item_alone(scores):
    scored = scores("Hi Dana,\n\nThe card we hold is 4111 1111 1111 1111.\n\nKind regards,\nSam")
    assert scored.items["confidentiality"].score == 0
    assert scored.items["confidentiality"].why == "blocker: confidentiality.credit_card"
    assert scored.items["tone"].score == 2
    assert scored.total is not None and scored.total < 80  # the heaviest item failed


def test_a_late_reply_fails_the_sla_item_until_it_acknowledges_the_wait(scores):
    late = scores(GOOD, **LATE)
    assert late.items["sla"].score == 0 and late.items["sla"].why == "warning: sla.breached"
    owned = scores(
        GOOD.replace("Thank you for getting in touch.", "Sorry for the wait in getting back to you."), **LATE
    )
    assert owned.items["sla"].score == 2 and owned.items["sla"].why == "nothing found"


def test_closing_without_checking_nothing_else_is_needed_needs_work(scores):
    scored = scores("Hi Dana,\n\nI have refunded the delivery charge.\n\nKind regards,\nSam", ticket={"closing": True})
    assert scored.items["next_steps"].score == 1
    assert len(scored.items["next_steps"].findings) == 2  # next steps and closing confirmation


def test_an_item_whose_check_did_not_run_is_not_scored(scores):
    scored = scores(GOOD, only=["readability"])
    assert scored.items["tone"].score is None and scored.items["tone"].why == "not checked: tone did not run"
    assert scored.items["clear"].score is None  # grammar did not run either
    assert scored.total is None


def test_cohens_kappa_on_a_hand_worked_example():
    # 50 records, two raters, yes/no: 20 both yes, 15 both no, 5 yes/no, 10 no/yes.
    # p_o = 35/50 = 0.7; first says yes 25/50, second 30/50: p_e = .5*.6 + .5*.4 = 0.5;
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    pairs = [("y", "y")] * 20 + [("n", "n")] * 15 + [("y", "n")] * 5 + [("n", "y")] * 10
    result = agreement(pairs)
    assert (result.n, result.agreed, result.observed, result.kappa) == (50, 35, 0.7, 0.4)


def test_kappa_is_undefined_when_both_raters_only_ever_gave_one_score():
    assert agreement([(2, 2)] * 5).kappa is None and agreement([(2, 2)] * 5).observed == 1.0
    assert agreement([]).n == 0
    assert agreement([(0, 2), (2, 0)]).kappa == -1.0  # always disagree, each using both scores
