"""Vale compatibility: public Vale packages, loaded unchanged, run on their own fixtures
and reproduce the alerts Vale prints (features/rules.feature: file:line:column:rule:
message). The feature files say "the output should contain exactly": Vale's output holds
that block, so an alert Vale would also print beyond it is allowed, each one named below
with the reason. Where and at which commit each copy came from: the README beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from vale_compat import compare_package, line_spacing

from assistant.nlp import WordTagger
from assistant.settings import Settings
from assistant.style.markup import markup_document

# Copies of public packages in tests/data/vale-packages (licences: the README there).
PACKAGES = Path(__file__).parent / "data" / "vale-packages"
KNOWN_EXTRA = {
    # 'fairly' on line 5 is a Weasel token: Vale prints it too, the feature lists line 3 only
    "write-good/Weasel": ["test.md:5:23:write-good.Weasel:'fairly' is a weasel word!"],
    # The fixture's line 7 came with a later AMPM; in the stored rule `\d{1,2} ?[ap]m` has no
    # word boundary (nonword: true), so Vale matches '5 am' of 'ampoules' too.
    "Google/AMPM": ["test.md:7:18:Google.AMPM:Use 'AM' or 'PM' (preceded by a space)."],
    # The fixture's line 33 is newer than the feature; WordList's `check: select` (in every
    # stored version, errata-ai's own included) matches it in Vale too.
    "Google/Terms": ["test.md:33:8:Google.WordList:Use 'select' instead of 'check'."],
    # AMPM is `ignorecase: true`, so `\d{1,2} ?[ap]m` takes '11 PM' too, in Vale as here.
    "Microsoft/AMPM": ["test.md:5:44:Microsoft.AMPM:Use 'AM' or 'PM' (preceded by a space)."],
}
# Scenarios that do not run: no stored fixture, or no stored rule version that fits the
# feature (the README says which and why).
NOT_STORED = {
    "Microsoft": {"Accessibility", "Contractions", "Foreign"},
}
# An alert that depends on the part-of-speech tagger, not on the rule: Backend's `pos:` is
# read against Penn tags, Vale's from prose's tagger (jdkato/prose v1.2.1's perceptron, on
# the words split at white space, as Vale 1's core.CheckPOS splits them), ours from the
# spaCy model. Run on the fixture's words, prose tags the heading 'Backend' VB and 'back'
# in 'on the back end.' NN, so neither fits the pattern and Vale prints nothing there;
# spaCy tags them NNP and JJ, which `backend/(?:JJ|NN)` (unanchored: it takes 'NNP') and
# `back/JJ end/\w+` take. The three alerts the feature expects are ours too.
TAGGER = {
    "Microsoft/Backend": [
        "test.md:1:3:Microsoft.Backend:Use 'back end' or 'back-end' instead of 'Backend'",
        "test.md:9:20:Microsoft.Backend:Use 'back-end' instead of 'back end'",
    ],
}
# An alert that depends on Vale's version, not on the rule: the feature file (2019, Vale
# 1.x) shows FirstPerson's `(?:^|\s)I\s` match trimmed in the message ('I'); current Vale
# fills `%s` with the match as it is ('I '), as errata-ai/packages' test.ct for the same
# rule shows ("Use first person (such as 'I ') sparingly."), and so do we.
VALE_VERSION = {
    "Microsoft/Terms": (
        ["test.md:9:1:Microsoft.FirstPerson:Use first person sparingly ('I')."],
        ["test.md:9:1:Microsoft.FirstPerson:Use first person sparingly ('I ')."],
    ),
    # The same: Vale 1's core.FormatMessage trimmed each substitution (strings.TrimSpace),
    # so Dashes' match ' —' printed as '—'.
    "Microsoft/Dashes": (
        ["test.md:3:42:Microsoft.Dashes:Remove the spaces around '—'."],
        ["test.md:3:42:Microsoft.Dashes:Remove the spaces around ' —'."],
    ),
    # Vale 2's $sentence (errata-ai/vale internal/check/variables.go, when the feature was
    # written) counted an all-caps word and any word after an indicator (`:`) as right;
    # Vale 3 compares each word with the sentence-case form (prose's strcase), as we do, so
    # 'modern' after 'Test:' and 'JSON' (not an exception) leave 3 of 4 words right, < 0.8.
    # (The fixture's later version reads "Test: Modern".)
    "Google/Headings": (
        [],
        [
            "test.md:1:3:Google.Headings:'Test: modern documentation management' should use "
            "sentence-style capitalization.",
            "test.md:9:3:Google.Headings:'Accepting a JSON response' should use sentence-style capitalization.",
        ],
    ),
}


@pytest.fixture(scope="module")
def tagger():
    return WordTagger(Settings().spacy_model)


@pytest.mark.parametrize("package", ["write-good", "proselint", "Microsoft", "Google", "Joblint", "alex"])
def test_package_reproduces_vale_alerts(package, tagger):
    results = compare_package(PACKAGES / package, tagger)
    assert {c.package.split("/")[1] for c in results if not c.stored} == NOT_STORED.get(package, set())
    ran = [c for c in results if c.stored]
    expected = sum(len(c.expected) for c in ran)
    matched = sum(len(c.matched) for c in ran)
    print(f"{package}: {matched}/{expected} = {matched / expected:.0%} in {len(ran)} of {len(results)} scenarios")
    for comparison in ran:
        missing, different = VALE_VERSION.get(comparison.package, ([], []))
        tagged = TAGGER.get(comparison.package, [])
        assert comparison.missing == missing, comparison.package
        assert comparison.extra == KNOWN_EXTRA.get(comparison.package, []) + different + tagged, comparison.package
        if not missing:  # Vale's block must appear as one run, in order, in what we print
            shown = [alert for alert in comparison.produced if alert not in tagged]
            assert "\n".join(comparison.expected) in "\n".join(shown), comparison.package


def test_link_and_image_destinations_are_not_prose():
    # Vale lints the rendered HTML: `[text](url)` is its text, an image's src is no text.
    text = 'See ![An image](../my-image.png) and [the guide](https://example.org/a "Guide").\n'
    doc = markup_document(text)
    assert len(doc.text) == len(text)  # offsets kept
    assert "An image" in doc.text and "the guide" in doc.text
    assert "my-image" not in doc.text and "example.org" not in doc.text and "Guide" not in doc.text


def test_messages_print_as_vale_line_output():
    # Vale's --output=line collapses a run of spaces (the match 'y.  T' prints 'y. T')
    assert line_spacing("'y.  T' should\nhave one space.") == "'y. T' should have one space."
