"""Grammar against the real LanguageTool server."""

import pytest

from assistant.checks.base import NotApplicable
from assistant.checks.grammar import language_for
from assistant.languagetool_client import CheckOptions, LanguageToolClient, parse_matches, utf16_to_codepoints

EMOJI_DRAFT = "Hi Dana 😀👍 Their is a problem with you're account."


def grammar(report):
    return [f for f in report["findings"] if f["check"] == "grammar"]


def test_offsets_point_at_the_error_after_emoji(check):
    report = check(EMOJI_DRAFT)
    found = {f["excerpt"]: f for f in grammar(report)}
    assert set(found) >= {"Their", "you're"}
    for finding in found.values():
        assert report["text"][finding["start"]:finding["end"]] == finding["excerpt"]
    assert found["Their"]["suggestions"][0] == "There"
    assert found["you're"]["suggestions"][0] == "your"
    assert found["Their"]["severity"] == "warning"
    assert "DEAL.P12" in found["Their"]["criteria"]


def test_utf16_offsets_convert_to_code_points():
    text = "😀 Their"  # the emoji is two UTF-16 units
    match = {"offset": 3, "length": 5, "message": "m", "replacements": [], "rule": {"id": "X", "category": {"id": "C"}}}
    [converted] = parse_matches([match], text)
    assert text[converted.start:converted.end] == "Their"
    assert utf16_to_codepoints("a😀b") == [0, 1, 1, 2, 3]


def test_quoted_history_and_links_are_not_checked(check):
    report = check(
        "Hi Dana,\n\nPlease see https://acme.example.com/helpp/recieve for the steps.\n\n"
        "On Monday, Dana wrote:\n> their is alot of problem with my acount"
    )
    excerpts = [f["excerpt"] for f in grammar(report)]
    assert not any(e in ("alot", "acount", "their", "recieve") for e in excerpts), excerpts


def test_customer_name_and_guide_words_are_not_misspellings(check):
    text = "Hi Siobhan Ntuli, Tactful has refunded your order. Kind regards, Sam"
    flagged = {f["excerpt"] for f in grammar(check(text))}
    assert "Ntuli" in flagged  # LanguageTool does not know the name...
    flagged = {f["excerpt"] for f in grammar(check(text, customer={"name": "Siobhan Ntuli"}))}
    assert "Ntuli" not in flagged and "Tactful" not in flagged  # ...unless we tell it


def test_locale_picks_the_variant(check):
    text = "We have changed the colour of your organisation's dashboard."
    # grammar alone: with the style check on, its spelling finding wins the span (pipeline.drop_duplicates)
    us = {f["excerpt"] for f in grammar(check(text, locale="en-US", checks=["grammar"]))}
    gb = {f["excerpt"] for f in grammar(check(text, locale="en-GB", checks=["grammar"]))}
    assert "colour" in us and "colour" not in gb


def test_a_locale_languagetool_cannot_check_is_skipped_not_failed(check):
    report = check("Bonjour, votre commande est arrivée.", locale="fr-FR")
    assert report["checks"]["grammar"]["status"] == "skipped"
    assert "English only" in report["checks"]["grammar"]["detail"]
    assert report["checks"]["readability"]["status"] == "ok"
    with pytest.raises(NotApplicable):
        language_for("de")
    assert language_for("en") == "en-GB" and language_for("en_us") == "en-US"


def test_strict_guide_makes_errors_blockers(check):
    report = check("Their is a problem with you're account.", guide="strict")
    assert report["verdict"] == "block"
    assert {f["severity"] for f in grammar(report)} == {"blocker"}


def test_a_re_check_sends_only_the_changed_paragraph(languagetool_url):
    client = LanguageToolClient(languagetool_url, timeout=30)
    options = CheckOptions()
    first = ["Hello Dana, thanks for waiting.", "Their is a problem with you're account.", "Kind regards, Sam"]
    client.check_paragraphs(first, options)
    assert client.stats == {"requests": 1, "paragraphs_sent": 3, "cache_hits": 0}
    edited = [first[0], "There is a problem with you're account.", first[2]]
    results = client.check_paragraphs(edited, options)
    assert client.stats == {"requests": 2, "paragraphs_sent": 4, "cache_hits": 2}
    assert [m.rule_id for m in results[1]] == ["IN_YOU_RE_NN"]
    assert client.check_paragraphs(edited, options) == results
    assert client.stats["requests"] == 2


def test_matches_land_in_the_right_paragraph(languagetool_url):
    client = LanguageToolClient(languagetool_url, timeout=30)
    paragraphs = ["All good here.", "😀 I has a question.", "Their is one more."]
    results = client.check_paragraphs(paragraphs, CheckOptions(language="en-US"))
    assert results[0] == []
    for paragraph, matches in zip(paragraphs[1:], results[1:]):
        assert matches and all(0 <= m.start < m.end <= len(paragraph) for m in matches)
    assert paragraphs[1][results[1][0].start:results[1][0].end] == "has"


def test_picky_mode_comes_from_the_guide(check):
    text = "Thanks for waiting, Dana. We have refunded your order"  # no full stop: only picky minds
    default = {f["rule"] for f in grammar(check(text))}
    strict = {f["rule"] for f in grammar(check(text, guide="strict"))}
    assert "grammar.PUNCTUATION_PARAGRAPH_END" in strict - default


def test_disabled_rules_reach_languagetool(languagetool_url):
    client = LanguageToolClient(languagetool_url, timeout=30)
    text = ["We apologise to your organisation."]
    enabled = client.check_paragraphs(text, CheckOptions())[0]
    disabled = client.check_paragraphs(text, CheckOptions(disabled_rules=("OXFORD_SPELLING_Z_NOT_S",)))[0]
    assert "OXFORD_SPELLING_Z_NOT_S" in {m.rule_id for m in enabled}
    assert "OXFORD_SPELLING_Z_NOT_S" not in {m.rule_id for m in disabled}
