"""Draft preparation: HTML to text with an offset map, own text vs quote and signature."""

import pytest

from assistant.text import html_to_text, prepare_draft

REPLY_WITH_HISTORY = """Hi Dana,

Your refund for order #48213 is on its way: see https://shop.example.com/orders/48213.

Kind regards,
Sam
-- 
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
        assert draft.text[start:start + len(paragraph)] == paragraph


def test_links_emails_and_codes_are_protected():
    draft = prepare_draft("Order #48213, case AB-12345 and INC0012345: mail help@acme.co.uk or see www.acme.co.uk/help.")
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
    ["<p>Unclosed <b>bold and <i>italic", "</div></p>text after stray ends", "<p>a < b and c > d</p>",
     "<<<>>>", "<p>&bogus; &#99999999; &#x;</p>", "", "<script>alert(1)</script>visible"],
)
def test_broken_html_still_gives_text_and_consistent_offsets(broken):
    text, starts, ends, _ = html_to_text(broken)
    assert len(starts) == len(ends) == len(text)
    assert all(0 <= s <= e <= len(broken) for s, e in zip(starts, ends))
    assert "alert" not in text
