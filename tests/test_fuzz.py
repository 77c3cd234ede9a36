"""Whatever a client sends, the answer is a report or a clear problem: never a 500. And
whatever the draft, the prepared text keeps its promises: offsets point at the characters
that made them, only foreign text is blanked, line endings change nothing."""

import html as html_lib
import itertools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.text import Draft, prepare_draft

FIELDS = ["locale", "guide", "checks", "audience", "reading_support", "customer", "ticket", "thread"]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=200),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
bodies = st.fixed_dictionaries(
    {
        "text": st.text(max_size=400) | json_values,
        "channel": st.sampled_from(["email", "chat", "sms", "fax", ""]) | json_values,
    },
    optional={name: json_values for name in FIELDS} | {"format": st.sampled_from(["text", "html", "pdf"])},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_any_body_gets_a_report_or_a_problem(client, body):
    response = client.post("/v1/check", json=body)
    assert response.status_code in (200, 413, 422), response.text
    if response.status_code == 200:
        report = response.json()
        for finding in report["findings"]:
            if finding["start"] is None:  # about the whole draft
                assert finding["end"] is None and finding["excerpt"] == ""
                continue
            assert report["text"][finding["start"] : finding["end"]] == finding["excerpt"]
    else:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"]


# -- prepared text ---------------------------------------------------------------------------

TEXT_SETTINGS = settings(max_examples=100, deadline=None)
WORDS = [
    "Their",
    "is",
    "a",
    "problem",
    "I",
    "has",
    "the",
    "the",
    "refund",
    "Dana,",
    "you're",
    "account.",
    "&amp",
    "&amp;",
    "&nbsp;",
    "&ampx",
    "&#38",
    "&#39;",
    "&notit;",
    "&lt;b&gt;",
    "&bogus;",
    "😀",
    "#48213",
    "www.acme.co.uk/help#AB-12345",
    "help@acme.co.uk",
    "--",
    "&gt;",
    "-- ",
    "On Monday Dana wrote:",
]
TAGS = ["p", "div", "li", "td", "th", "tr", "dd", "dt", "pre", "blockquote", "h2", "figcaption", "span"]
ATTRIBUTES = [""] * 5 + [' class="gmail_quote"', ' class="gmail_signature"', ' id="Signature"']
SEPARATORS = [" ", "  ", "\n", "\r\n", "<br>", "<hr>", "<b>", "</b>", " <td>"]
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10)
blocks = st.builds(
    lambda tag, attributes, words, separator: f"<{tag}{attributes}>{separator.join(words)}</{tag}>",
    st.sampled_from(TAGS),
    st.sampled_from(ATTRIBUTES),
    words,
    st.sampled_from(SEPARATORS),
)
mail_html = st.lists(blocks, min_size=1, max_size=8).map("".join)
junk_html = st.text(alphabet=st.sampled_from(list("<>/&;#abpdiv =\"'lr\n\r\tx😀")), max_size=300)
LINES = [
    "Hi Dana,",
    "",
    "  ",
    "It is fixed.",
    "I has waited for my refund.",
    "-- ",
    "--",
    "----",
    "Sam Lee",
    "Support, Acme Ltd",
    "> Where is my refund?",
    "On Mon, 2 Mar 2026, Dana <d@example.com> wrote:",
    "From: Dana",
    "Sent: Monday",
    "-----Original Message-----",
    "Kind regards,",
    "See https://shop.example.com/orders/#48213 or mail help@www.acme.co.uk.",
]
line_lists = st.lists(
    st.sampled_from(LINES)
    | st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]), max_size=30),
    max_size=14,
)


def spaced(text: str) -> str:
    return re.sub(r"\s", " ", text)  # white space (and &nbsp;) may come out as a plain space


def assert_maps_back(source: str, draft: Draft) -> None:
    """Each character of text comes, in order, from source characters that unescape to it;
    only synthesized breaks, cell tabs and list bullets come from nowhere (an empty span)."""
    starts, ends, text = draft.source_starts, draft.source_ends, draft.text
    assert len(starts) == len(ends) == len(text)
    assert starts == sorted(starts)
    previous_end = 0
    for (start, end), indexes in itertools.groupby(range(len(text)), key=lambda i: (starts[i], ends[i])):
        chars = "".join(text[i] for i in indexes)
        if start == end:
            assert set(chars) <= set("\n\t -"), (chars, start)
            continue
        assert previous_end <= start < end <= len(source)
        assert spaced(chars) == spaced(html_lib.unescape(source[start:end])), (chars, source[start:end])
        previous_end = end


def assert_spans_are_sound(draft: Draft) -> None:
    """Spans in bounds, sorted, apart; own_text differs from text only where it is blanked."""
    size = len(draft.text)
    foreign = sorted(draft.quoted + draft.signature)
    for spans in (draft.quoted, draft.signature, draft.protected, draft.own_spans, foreign):
        assert all(0 <= start < end <= size for start, end in spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert len(draft.own_text) == size
    own = {i for start, end in draft.own_spans for i in range(start, end)}
    for i, (mine, theirs) in enumerate(zip(draft.own_text, draft.text, strict=True)):
        if i in own:
            assert mine == theirs and draft.kind_at(i, i + 1) == "own"
        else:
            assert mine == (theirs if theirs in "\r\n" else " ") and draft.kind_at(i, i + 1) != "own"


@TEXT_SETTINGS
@given(source=mail_html | junk_html)
def test_html_text_maps_back_to_the_characters_that_made_it(source):
    draft = prepare_draft(source, "html")
    assert_maps_back(source, draft)
    assert_spans_are_sound(draft)


@TEXT_SETTINGS
@given(lines=line_lists)
def test_plain_text_spans_are_sound(lines):
    assert_spans_are_sound(prepare_draft("\n".join(lines)))


@TEXT_SETTINGS
@given(lines=line_lists, newline=st.sampled_from(["\r\n", "\r"]))
def test_crlf_and_cr_prepare_as_lf_does(lines, newline):
    lf, draft = prepare_draft("\n".join(lines)), prepare_draft(newline.join(lines))
    text = draft.text
    assert text == newline.join(lines)

    def to_lf(offset):
        assert not text[offset - 1 : offset + 1] == "\r\n", "a span boundary splits a line break"
        return offset - text.count("\r", 0, offset) if newline == "\r\n" else offset

    assert [(to_lf(s), p.replace(newline, "\n")) for s, p in draft.paragraphs] == lf.paragraphs
    for mine, theirs in ((draft.quoted, lf.quoted), (draft.signature, lf.signature), (draft.own_spans, lf.own_spans)):
        assert [(to_lf(s), to_lf(e)) for s, e in mine] == theirs
    assert draft.own_text.replace(newline, "\n") == lf.own_text


def visible(markup: str) -> str:
    """What a reader sees of a piece of well-formed markup, white space aside."""
    return re.sub(r"\s", "", html_lib.unescape(re.sub(r"<[^>]*>", "", markup)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=mail_html)
def test_grammar_findings_on_html_point_into_the_submission(check, source):
    report = check(source, format="html", checks=["grammar"])
    draft = prepare_draft(source, "html")
    for finding in report["findings"]:
        start, end = finding["source_start"], finding["source_end"]
        assert draft.text[finding["start"] : finding["end"]] == finding["excerpt"]
        made = [i for i in range(finding["start"], finding["end"]) if draft.source_starts[i] < draft.source_ends[i]]
        assert visible(source[start:end]) == re.sub(r"\s", "", "".join(draft.text[i] for i in made)), finding
