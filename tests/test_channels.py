"""Channel rules: SMS segments (GSM-7 vs UCS-2), X's 280, links, plain text, greeting and
sign-off, emoji, and "attached" with nothing attached."""

from __future__ import annotations

import json

import pytest

from assistant.checks.channels import ChannelsCheck, ChannelsOptions, sms_segments, x_length
from assistant.guide import GuideError, load_guides
from assistant.model import Context
from assistant.sections import guide_sections
from assistant.settings import PROJECT_ROOT
from assistant.text import prepare_draft

DEFAULT: ChannelsOptions = load_guides(PROJECT_ROOT / "style_guides", guide_sections())["default"].sections["channels"]
EMAIL = "Hi Dana,\n\nYour refund of £40 is on its way.\n\nKind regards,\nSam"


def run(text: str, channel: str = "email", fmt: str = "text", **context):
    outcome = ChannelsCheck().run(
        prepare_draft(text, fmt), Context.model_validate({"channel": channel, **context}), DEFAULT
    )
    return outcome.findings, outcome.metrics


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def channels(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == "channels"]


# --- SMS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),  # 153 + 8
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters take two septets
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 164, 2),  # the escape pair is not split: 152 | 2 + 10
        ("a" * 151 + "€" + "a" * 153, "GSM-7", 306, 2),  # 151 + 2 | 153: fits two parts exactly
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3),  # 152 | 2 + 152 | ... not split, so three
        ("é" * 160, "GSM-7", 160, 1),  # é is in the GSM alphabet
        ("ê" + "a" * 69, "UCS-2", 70, 1),  # ê is not
        ("’" + "a" * 70, "UCS-2", 71, 2),  # a curly apostrophe: UCS-2, 67 a part
        ("😀" * 35, "UCS-2", 70, 1),  # an emoji is two UTF-16 units
        ("a" * 66 + "😀" + "a" * 66, "UCS-2", 134, 3),  # a surrogate pair is never split: 66 | 2 + 65 | 1
    ],
)
def test_sms_segments_are_counted_as_carriers_count_them(text, encoding, units, segments):
    sms = sms_segments(text)
    assert (sms["encoding"], sms["units"], sms["segments"]) == (encoding, units, segments)


SMS_150 = (
    "Hi Dana, your engineer is booked for Thursday 26 Nov between 8am and 12pm. "
    "Reply YES to confirm or call us on 0800 123 4567 to change it. Thanks, Sam!"
)
SMS_300 = (
    "Hi Dana, your engineer is booked for Thursday 26 November between 8am and 12pm. They will call "
    "about 30 minutes before they arrive. Please make sure someone over 18 is at home and the boiler "
    "is easy to reach. Reply YES to confirm the slot, or call us on 0800 123 4567 to move it. Thanks so much, Sam."
)


def test_a_300_character_sms_gets_a_length_finding_and_a_150_character_one_does_not(check):
    assert len(SMS_150) == 150 and len(SMS_300) == 300
    short = check(SMS_150, channel="sms", checks=["channels"])
    assert channels(short) == []
    assert short["metrics"]["channels"]["sms"] == {"encoding": "GSM-7", "units": 150, "segments": 1, "per_segment": 160}
    [finding] = channels(check(SMS_300, channel="sms", checks=["channels"]))
    assert finding["rule"] == "channels.sms_length" and finding["start"] is None
    assert finding["details"]["segments"] == 2 and "2 segments in GSM-7" in finding["message"]
    assert finding["severity"] == "suggestion"  # over the preferred 1; a warning over the maximum 3
    assert "DEAL.K23" in finding["criteria"]


def test_a_curly_quote_that_costs_segments_is_pointed_out():
    text = SMS_300.replace("Please make sure", "We’ll need someone there — please make sure")
    findings, metrics = run(text, channel="sms")
    assert metrics["sms"]["encoding"] == "UCS-2" and metrics["sms"]["segments"] == 5
    length, encoding = findings
    assert length.rule == "channels.sms_length" and length.severity == "warning"
    assert "’— not in the SMS alphabet" in length.message
    assert encoding.rule == "channels.sms_encoding" and encoding.excerpt == "’"
    assert encoding.suggestions == ["'"] and encoding.details["segments_plain"] == 3


def test_no_links_in_sms():
    [finding] = run("Track it at https://track.example.com/AB12 today.", channel="sms")[0]
    assert finding.rule == "channels.link" and finding.excerpt == "https://track.example.com/AB12"
    assert finding.severity == "warning"
    assert run("Track it at https://track.example.com/AB12 today.", channel="chat")[0] == []


# --- social ------------------------------------------------------------------------------


def test_x_length_counts_links_emoji_wide_characters_and_skips_leading_handles():
    assert x_length("a" * 280) == 280
    assert x_length("See https://example.com/a/very/long/path/that/goes/on/and/on") == 4 + 23
    assert x_length("Thanks 👍🏽") == 7 + 2
    assert x_length("ありがとう") == 10
    assert x_length("@dana @parcelpoint Sorted!") == len("Sorted!")


def test_a_public_social_reply_over_280_gets_a_length_finding():
    long_reply = "@dana " + "We're sorry about the wait. " * 11
    [finding] = run(long_reply.strip(), channel="social_public")[0]
    assert finding.rule == "channels.length" and finding.details["length"] == 307  # the leading @dana does not count
    assert "the limit is 280" in finding.message
    assert run("@dana We're sorry about the wait, and we've sent you a DM. ^JK", channel="social_public")[0] == []
    assert run(long_reply.strip(), channel="social_private")[0] == []


# --- format, greeting, sign-off, emoji ---------------------------------------------------


def test_html_on_a_plain_text_channel():
    [finding] = run("<p>Your refund is <b>on its way</b>.</p>", channel="chat", fmt="html")[0]
    assert finding.rule == "channels.html" and finding.severity == "suggestion"
    assert run("<p>Hi Dana,</p><p>Your refund is on its way.</p><p>Kind regards,<br>Sam</p>", fmt="html")[0] == []


@pytest.mark.parametrize(
    "text",
    [
        EMAIL,
        "Dear Mr Hartley,\n\nYour refund is on its way.\n\nYours sincerely,\nJoanna Price\nCustomer Relations\nSkyline",
        "Good morning Dana,\n\nYour refund is on its way.\n\nBest,\nKieran\nCustomer Happiness Team\nAcme",
        "Hello,\n\nYour refund is on its way.\n\nThanks,\nSam\n-- \nSam Jones | Acme | 0800 123 4567",
    ],
)
def test_an_email_with_a_greeting_and_a_sign_off_passes(text):
    assert run(text)[0] == []


def test_an_email_without_a_greeting_or_sign_off_gets_suggestions():
    findings, _ = run("Your refund is on its way.", customer={"name": "Dana Scully"}, agent={"name": "Sam"})
    assert rules(findings) == ["channels.greeting", "channels.sign_off"]
    assert [f.severity for f in findings] == ["suggestion", "suggestion"]
    assert findings[0].suggestions == ["Hi Dana,"] and findings[1].suggestions == ["Kind regards,\nSam"]
    assert run("Your refund is on its way.", channel="chat")[0] == []  # chat expects neither


@pytest.mark.parametrize(
    ("channel", "severity"), [("sms", "suggestion"), ("letter", "warning"), ("email", None), ("social_public", None)]
)
def test_emoji_follow_the_channels_policy(channel, severity):
    text = "Hi Dana,\n\nYour refund is on its way 👍🏽\n\nKind regards,\nSam"
    findings = run(text, channel=channel)[0]
    assert [f.severity for f in findings] == ([severity] if severity else [])
    if severity:
        assert findings[0].excerpt == "👍🏽" and findings[0].rule == "channels.emoji"


def test_symbols_that_are_not_emoji_pass():
    assert run("Hi Dana,\n\nAcme® Widget™ costs £5 © 2026 #1 *\n\nYours sincerely,\nSam", channel="letter")[0] == []


def test_an_empty_draft_is_not_asked_for_a_greeting():
    assert run("")[0] == [] and run("  \n")[0] == []


# --- attachments -------------------------------------------------------------------------


def test_attached_with_nothing_attached(check):
    text = "Hi Dana,\n\nI've attached the returns label.\n\nKind regards,\nSam"
    [finding] = channels(check(text, attachments=[], checks=["channels"]))
    assert finding["rule"] == "channels.attachment" and finding["excerpt"] == "attached"
    assert channels(check(text, attachments=["returns-label.pdf"], checks=["channels"])) == []
    assert channels(check(text, checks=["channels"])) == []  # the client did not say: stay silent


def test_attachment_words_in_quoted_history_do_not_count():
    text = EMAIL + "\n\nOn Mon, 16 Nov 2026, Dana wrote:\n> I attached a photo."
    assert run(text, attachments=[])[0] == []


# --- the guide ---------------------------------------------------------------------------


def test_unknown_rules_and_bad_patterns_fail_at_load(tmp_path):
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "guide.yaml").write_text("channels:\n  sms: {max_segments: 2}\n")
    with pytest.raises(GuideError, match="channels.sms.max_segments: Extra inputs"):
        load_guides(tmp_path, guide_sections())
    (tmp_path / "acme" / "guide.yaml").write_text("channels:\n  greetings: ['(hi']\n")
    with pytest.raises(GuideError, match="not a regular expression"):
        load_guides(tmp_path, guide_sections())


def test_no_warnings_on_the_corpus_email_chat_and_private_social_replies():
    """Real replies in the style agents write get suggestions at most."""
    for line in (PROJECT_ROOT / "bench" / "corpus" / "replies.jsonl").read_text().splitlines():
        reply = json.loads(line)
        if reply["channel"] in ("chat", "social_private", "email"):
            findings, _ = run(reply["text"], reply["channel"], reply["format"])
            assert [f.rule for f in findings if f.severity != "suggestion"] == [], reply["id"]
