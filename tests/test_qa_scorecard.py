"""Scorecards: the default one cites the standards, a guide changes it, bad ones fail at load."""

import pytest

from assistant.criteria import criteria
from assistant.guide import GuideError, load_guides
from assistant.qa.scorecard import default_scorecard
from assistant.sections import guide_sections
from assistant.settings import PROJECT_ROOT

NAMED_IN_THE_ISSUE = {"accurate", "tone", "clear", "next_steps", "confidentiality", "sla", "house_style"}


def write(folder, guide_id, body):
    (folder / guide_id).mkdir(parents=True)
    (folder / guide_id / "guide.yaml").write_text(body)


def test_the_default_scorecard_cites_real_criteria_on_every_item():
    card = default_scorecard()
    assert NAMED_IN_THE_ISSUE <= set(card.items)
    for item in card.items.values():
        assert item.criteria and set(item.criteria) <= set(criteria())
    assert criteria()["DEAL.P25"].startswith("confirm that no further responses are expected")


def test_every_shipped_guide_has_a_scorecard_and_utilities_weighs_its_own():
    guides = load_guides(PROJECT_ROOT / "style_guides", guide_sections())
    assert guides["default"].sections["scorecard"].ref == guides["strict"].sections["scorecard"].ref
    assert guides["default"].sections["scorecard"].ref == default_scorecard().ref
    utilities = guides["utilities-uk"].sections["scorecard"]
    assert utilities.ref.id == "utilities-uk" and utilities.items["accurate"].weight == 3


@pytest.mark.parametrize(
    "rule, item",
    [
        ("tone.blame", "tone"),
        ("tone.authority", "accurate"),  # an id beats the pattern tone.*
        ("tone.jargon", "clear"),
        ("grammar.MORFOLOGIK_RULE_EN_GB", "clear"),
        ("confidentiality.payment_card", "confidentiality"),
        ("sla.breached", "sla"),
        ("structure.closing_confirmation_missing", "next_steps"),
        ("structure.greeting_missing", "house_style"),
        ("style.utilities-uk.Terms", "house_style"),
    ],
)
def test_each_rule_scores_one_item(rule, item):
    assert default_scorecard().item_for(rule, []) == item


def test_a_guide_changes_the_scorecard_item_by_item(tmp_path):
    write(
        tmp_path,
        "acme",
        """
scorecard:
  version: "2"
  scale: [Poor, Weak, Fair, Good, Excellent]
  severity: {blocker: 0, warning: 2, suggestion: 3}
  items:
    listened: null
    tone: {weight: 4}
    product:
      title: Explains the product
      criteria: [DEAL.P2, DEAL.P18]
      auto: {criteria: [DEAL.P2]}
""",
    )
    card = load_guides(tmp_path, guide_sections())["acme"].sections["scorecard"]
    assert card.ref.version == "2" and card.ref.digest != default_scorecard().ref.digest
    assert "listened" not in card.items and card.items["tone"].weight == 4
    assert card.items["tone"].criteria == default_scorecard().items["tone"].criteria  # merged, not replaced
    assert card.item_for("unknown.rule", ["DEAL.P2"]) == "product"


@pytest.mark.parametrize(
    "section, message",
    [
        ("items: {tone: {criteria: [DEAL.P99]}}", "scorecard.items.tone.criteria.0: Value error, unknown criterion"),
        ("severity: {blocker: 5}", "severity.blocker: 5 is off the scale 0-2"),
        ("items: {tone: {auto: {rules: ['not a rule']}}}", "auto.rules.0: Value error, not a rule id or pattern"),
        ("items: {tone: {colour: red}}", "scorecard.items.tone.colour: Extra inputs are not permitted"),
        ("scale: [Only one]", "scorecard.scale: List should have at least 2 items"),
    ],
)
def test_a_bad_scorecard_fails_at_load_naming_the_field(tmp_path, section, message):
    write(tmp_path, "acme", f"scorecard:\n  {section}\n")
    with pytest.raises(GuideError, match="guide.yaml") as raised:
        load_guides(tmp_path, guide_sections())
    assert message in str(raised.value)
