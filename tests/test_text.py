"""Draft preparation: HTML to text with an offset map, own text vs quote and signature."""

import itertools

import pytest

from assistant.text import html_to_text, prepare_draft

# "-- " with its space is the RFC 3676 signature delimiter.
REPLY_WITH_HISTORY = """Hi Dana,

Your refund for order #48213 is on its way: see https://shop.example.com/orders/48213.

Kind regards,
Sam
--\x20
Sam Lee | Support, Acme Ltd

On Tue, 3 Mar 2026 at 09:12, Dana Whitfield <dana@example.com> wrote:
> Where is my refund?
> I has waited two weeks."""


def own_words(draft):
    return draft.own_text.split()


def test_quoted_history_and_signature_are_not_the_agents_own_text():
    draft = prepare_draft(REPLY_WITH_HISTORY)
    assert "Sam" in own_words(draft) and "regards," in own_words(draft)
    assert "Whitfield" not in draft.own_text and "waited" not in draft.own_text
    assert "Ltd" not in draft.own_text  # the signature block
    assert len(draft.own_text) == len(draft.text)  # offsets are shared
    assert [draft.text[s:e].split("\n")[0] for s, e in draft.quoted] == [
        "On Tue, 3 Mar 2026 at 09:12, Dana Whitfield <dana@example.com> wrote:"
    ]


@pytest.mark.parametrize(
    "header",
    [
        "On Tue, 3 Mar 2026 at 09:12, Dana Whitfield\n<dana@example.com> wrote:",  # wrapped
        "-----Original Message-----\nFrom: Dana",
        "From: Dana Whitfield <dana@example.com>\nSent: 03 March 2026 09:12\nTo: Support",
    ],
)
def test_reply_headers_start_quoted_history(header):
    draft = prepare_draft(f"Thanks Dana, it is fixed.\n\n{header}\nold text here")
    assert "old text" not in draft.own_text
    assert "fixed" in draft.own_text


def test_a_line_starting_with_from_is_not_a_header_on_its_own():
    draft = prepare_draft("Hi Dana,\nFrom: the billing team, we confirm your refund.\nThanks")
    assert "billing" in draft.own_text


def test_paragraphs_are_the_agents_own_with_offsets_into_text():
    draft = prepare_draft(REPLY_WITH_HISTORY)
    paragraphs = draft.paragraphs
    assert [p for _, p in paragraphs] == [
        "Hi Dana,",
        "Your refund for order #48213 is on its way: see https://shop.example.com/orders/48213.",
        "Kind regards,\nSam",
    ]
    for start, paragraph in paragraphs:
        assert draft.text[start : start + len(paragraph)] == paragraph


def test_links_emails_and_codes_are_protected():
    draft = prepare_draft(
        "Order #48213, case AB-12345 and INC0012345: mail help@acme.co.uk or see www.acme.co.uk/help."
    )
    protected = [draft.text[s:e] for s, e in draft.protected]
    assert protected == ["#48213", "AB-12345", "INC0012345", "help@acme.co.uk", "www.acme.co.uk/help"]


def test_html_becomes_plain_text_with_a_map_back_to_the_markup():
    source = (
        "<html><head><style>p {color: red}</style></head><body>"
        "<p>Hi&nbsp;Dana,</p><p>Their   is a <b>problem</b> &amp; a fix.<br>Next line</p>"
        "<ul><li>one</li><li>two</ul></body></html>"
    )
    draft = prepare_draft(source, "html")
    assert draft.text == "Hi Dana,\n\nTheir is a problem & a fix.\nNext line\n\n- one\n- two"
    for word in ("problem", "Dana", "Next"):
        start = draft.text.index(word)
        s, e = draft.to_source(start, start + len(word))
        assert source[s:e] == word
    amp = draft.text.index("&")
    s, e = draft.to_source(amp, amp + 1)
    assert source[s:e] == "&amp;"


def test_html_quotes_and_signatures_are_marked():
    source = (
        '<div>Thanks, it is fixed.</div><div class="gmail_signature">Sam, Acme</div>'
        '<div class="gmail_quote">On Monday Dana wrote:<blockquote>it broke</blockquote></div>'
    )
    draft = prepare_draft(source, "html")
    assert draft.own_text.split() == ["Thanks,", "it", "is", "fixed."]


@pytest.mark.parametrize(
    "broken",
    [
        "<p>Unclosed <b>bold and <i>italic",
        "</div></p>text after stray ends",
        "<p>a < b and c > d</p>",
        "<<<>>>",
        "<p>&bogus; &#99999999; &#x;</p>",
        "",
        "<script>alert(1)</script>visible",
    ],
)
def test_broken_html_still_gives_text_and_consistent_offsets(broken):
    text, starts, ends, _ = html_to_text(broken)
    assert len(starts) == len(ends) == len(text)
    assert all(0 <= s <= e <= len(broken) for s, e in zip(starts, ends, strict=True))
    assert "alert" not in text


# -- real mail: line endings, separators, entities ------------------------------------------

LF_REPLY = (
    "Hi Dana,\n\nYour refund is on its way.\nIt takes three days.\n\nKind regards,\nSam\n"
    "-- \nSam Lee | Support, Acme Ltd\n\n"
    "On Tue, 3 Mar 2026 at 09:12, Dana <dana@example.com> wrote:\n> Where is my refund?\n> I has waited."
)


def lf_offset(text, offset):
    """Where `offset` into a CRLF or CR text falls in the same text with LF line breaks."""
    return offset - text.count("\r", 0, offset) if "\r\n" in text else offset


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_give_the_same_paragraphs_quote_and_signature_as_lf(newline):
    lf = prepare_draft(LF_REPLY)
    draft = prepare_draft(LF_REPLY.replace("\n", newline))
    assert draft.text == LF_REPLY.replace("\n", newline)  # offsets point into what the client has
    assert [(lf_offset(draft.text, s), p.replace(newline, "\n")) for s, p in draft.paragraphs] == lf.paragraphs
    for mine, theirs in ((draft.quoted, lf.quoted), (draft.signature, lf.signature)):
        assert [(lf_offset(draft.text, s), lf_offset(draft.text, e)) for s, e in mine] == theirs
    assert "Ltd" not in draft.own_text and "refund?" not in draft.own_text
    assert draft.own_text.count(newline) == draft.text.count(newline)  # line structure kept


@pytest.mark.parametrize("separator", ["--", "-- ", "----", "____", "===="])
def test_a_separator_in_the_body_does_not_make_the_rest_a_signature(separator):
    draft = prepare_draft(
        f"Hi Dana,\n\nHere is what I changed.\n{separator}\nI has reset your password and "
        "the link expires tonight.\n\nKind regards,\nSam"
    )
    assert draft.signature == []
    assert "reset" in draft.own_text and "Sam" in draft.own_text


def test_a_horizontal_rule_in_html_does_not_make_the_rest_a_signature():
    draft = prepare_draft("<p>Hi Dana,</p><hr><p>I has reset your password.</p><p>Sam</p>", "html")
    assert draft.signature == [] and "reset" in draft.own_text


@pytest.mark.parametrize("delimiter", ["-- ", "--"])
def test_a_delimiter_near_the_end_opens_the_signature(delimiter):
    draft = prepare_draft(
        f"Hi Dana,\n\nIt is fixed.\n\nSam\n{delimiter}\nSam Lee\nSupport, Acme Ltd\n+44 20 7946 0000\nwww.acme.co.uk"
    )
    assert [draft.text[s:e].split("\n")[1] for s, e in draft.signature] == ["Sam Lee"]
    assert "Acme" not in draft.own_text and "fixed." in draft.own_text


def test_a_delimiter_followed_by_prose_is_not_a_signature():
    draft = prepare_draft("Hi Dana,\n\nIt is fixed.\n-- \nI have also refunded the delivery fee to your card.\nSam")
    assert draft.signature == [] and "refunded" in draft.own_text


@pytest.mark.parametrize(
    "source, text, word, raw",
    [
        ("<p>Fish &amp chips</p>", "Fish & chips", "&", "&amp"),
        ("<p>Fish &#38 chips</p>", "Fish & chips", "&", "&#38"),
        ("<p>Fish &ampx chips</p>", "Fish &x chips", "&x", "&ampx"),  # as browsers: "&amp", then "x"
        ("<p>Fish &notit; chips</p>", "Fish ¬it; chips", "¬", "&not"),  # "it;" stays as written
        ("<p>Fish &amp; chips &amp</p>", "Fish & chips &", "chips &", "chips &amp"),
    ],
)
def test_an_entity_without_semicolon_maps_back_to_its_own_characters(source, text, word, raw):
    draft = prepare_draft(source, "html")
    assert draft.text == text
    start = draft.text.index(word)
    s, e = draft.to_source(start, start + len(word))
    assert source[s:e] == raw


# -- HTML structure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, text",
    [
        ("<table><tr><td>Their</td><td>is</td></tr><tr><th>a</th><td>b</td></tr></table>", "Their\tis\na\tb"),
        ("<td>Their<td>is", "Their\tis"),  # broken markup: cells without a row
        ("<dl><dt>Plan</dt><dd>Basic</dd></dl>", "Plan\nBasic"),
        ("<figure><img src=x><figcaption>Step</figcaption></figure>after", "Step\n\nafter"),
        ("<address>1 High St</address>London", "1 High St\nLondon"),
        ("<p>Hi</p><table><tr><td></td><td>x</td></tr></table>", "Hi\n\nx"),
    ],
)
def test_block_and_table_boundaries_separate_words(source, text):
    assert prepare_draft(source, "html").text == text


# -- which spans are the agent's own ----------------------------------------------------------


def test_own_spans_and_kind_at_say_whose_words_a_span_holds():
    draft = prepare_draft(REPLY_WITH_HISTORY)
    own = [draft.text[s:e] for s, e in draft.own_spans]
    assert own == [REPLY_WITH_HISTORY[: REPLY_WITH_HISTORY.index("-- ")]]
    assert draft.kind_at(0, 2) == "own"
    ltd = draft.text.index("Ltd")
    assert draft.kind_at(ltd, ltd + 3) == "signature"
    has = draft.text.index("has")
    assert draft.kind_at(has, has + 3) == "quoted"
    covered = sorted(draft.own_spans + draft.quoted + draft.signature)
    assert covered[0][0] == 0 and covered[-1][1] == len(draft.text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(covered))


def test_a_signature_inside_quoted_history_is_quoted():
    source = (
        '<div>It is fixed.</div><div class="gmail_quote">Dana wrote:<blockquote>It broke.'
        '<div class="gmail_signature">Dana, Acme customer</div></blockquote></div>'
    )
    draft = prepare_draft(source, "html")
    assert draft.signature == [] and draft.kind_at(draft.text.index("Acme"), len(draft.text)) == "quoted"


def test_html_signature_markup_of_common_clients_is_recognised():
    for marker in ('class="gmail_signature"', 'class="moz-signature"', 'id="Signature"'):
        draft = prepare_draft(f"<div>It is fixed.</div><div {marker}>Sam Lee, Acme Ltd</div>", "html")
        assert draft.own_text.split() == ["It", "is", "fixed."], marker
