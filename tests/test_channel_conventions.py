"""Channel conventions in how a draft is read (issue 9, item 7).

Social replies open with the customer's @handle and close with the agent's initials or
first name after ^ or a dash; chat turns start in lower case. A polite, correct reply on
any channel comes back with no warning and no blocker from the full pipeline: the good
replies in tests/data/good_replies/<channel>.yaml are that promise, 40 or more a channel.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.checks.grammar import ChannelGrammar, GrammarOptions
from assistant.checks.readability import _without_closing
from assistant.model import Channel, Severity
from assistant.text import prepare_draft

DATA = Path(__file__).parent / "data" / "good_replies"
# Dates in the replies ("Friday 15 May") are read against this moment, so the promise and
# authority rules see the same days ahead whenever the suite runs.
NOW = "2026-05-06T10:00:00+01:00"
MIN_REPLIES = 40


def _load(channel: Channel) -> list[dict]:
    data = yaml.safe_load((DATA / f"{channel.value}.yaml").read_text(encoding="utf-8"))
    assert data["channel"] == channel.value
    return data["replies"]


GOOD = {channel: _load(channel) for channel in Channel}
CASES = [
    pytest.param(channel, reply, id=f"{channel.value}-{index}")
    for channel, replies in GOOD.items()
    for index, reply in enumerate(replies)
]


@pytest.mark.parametrize("channel", list(Channel), ids=lambda c: c.value)
def test_every_channel_has_enough_distinct_good_replies(channel):
    texts = [reply["text"] for reply in GOOD[channel]]
    assert len(set(texts)) == len(texts) >= MIN_REPLIES


@pytest.mark.parametrize(("channel", "reply"), CASES)
def test_a_good_reply_gets_no_warning_or_blocker(check, channel, reply):
    report = check(reply["text"], channel=channel.value, now=NOW, **reply.get("context", {}))
    ran = {name: run["status"] for name, run in report["checks"].items()}
    assert all(status == "ok" for status in ran.values()), ran  # every check really looked
    serious = [(f["rule"], f["excerpt"], f["message"]) for f in report["findings"] if f["severity"] != "suggestion"]
    assert serious == []
    assert report["verdict"] == "pass"


# -- how a social draft is read ---------------------------------------------------------

SOCIAL = "@dana_whitfeild Thanks for waiting, your refund is on its way. ^KJW"


@pytest.mark.parametrize("channel", ["social_public", "social_private"])
def test_social_handles_are_addressing_and_the_sign_off_is_the_signature(channel):
    draft = prepare_draft(SOCIAL, channel=channel)
    assert draft.text == SOCIAL and len(draft.own_text) == len(SOCIAL)
    assert draft.overlaps_protected(0, len("@dana_whitfeild"))
    assert [SOCIAL[s:e] for s, e in draft.signature] == ["^KJW"]
    assert draft.kind_at(SOCIAL.index("^"), len(SOCIAL)) == "signature"
    assert "KJW" not in draft.own_text and "refund" in draft.own_text


@pytest.mark.parametrize(
    ("text", "sign_off"),
    [
        ("@dana Sorted! -Becky", "-Becky"),
        ("@dana @acmehelp Thanks for your patience.\n^Sam", "^Sam"),
        ("@dana Thanks for your patience – Priya", "– Priya"),
        ("@dana Thanks, it's fixed. ^JK\n\nOn Monday, Dana wrote:\n> still broken", "^JK"),
        ("@dana Thanks for your patience, our team is on it", None),
        ("@dana The code is 12-AB. We'll text you at 5pm - thanks", None),  # not a name
        ("@dana Please use the well-Known route", None),
    ],
)
def test_which_trailing_words_are_a_social_sign_off(text, sign_off):
    draft = prepare_draft(text, channel=Channel.social_public)
    assert [text[s:e] for s, e in draft.signature] == ([sign_off] if sign_off else [])


@pytest.mark.parametrize("channel", [None, "email", "chat", "sms", "letter", "web_portal"])
def test_without_a_social_channel_the_draft_is_read_as_before(channel):
    draft, before = prepare_draft(SOCIAL, "text", channel), prepare_draft(SOCIAL)
    assert draft == before
    assert draft.signature == [] and not draft.overlaps_protected(0, 5)


def test_an_email_address_is_not_a_handle_and_a_handle_may_hold_dots():
    text = "@the.real.gemma Write to help@acme.example and we'll reply. ^JK"
    draft = prepare_draft(text, channel="social_public")
    assert [text[s:e] for s, e in draft.protected] == ["@the.real.gemma", "help@acme.example"]


def test_no_spelling_findings_on_handles_or_sign_offs(check):
    on_email = {f["excerpt"] for f in check(SOCIAL, channel="email", checks=["grammar"])["findings"]}
    assert {"whitfeild", "KJW"} <= on_email  # LanguageTool reads them as words...
    for channel in ("social_public", "social_private"):
        report = check(SOCIAL, channel=channel, checks=["grammar"])
        assert report["findings"] == [], channel  # ...on social they are addressing and a signature


# -- grammar relaxed per channel ------------------------------------------------------------


def test_lower_case_chat_turns_are_no_finding_and_a_suggestion_at_most_elsewhere(check):
    text = "thanks, that's all sorted now. Is there anything else I can help with?"
    assert check(text, channel="chat", checks=["grammar"])["findings"] == []
    assert check(text, channel="social_private", checks=["grammar"])["findings"] == []
    for channel in ("sms", "social_public", "email"):
        [finding] = check(text, channel=channel, checks=["grammar"])["findings"]
        assert finding["rule"] == "grammar.UPPERCASE_SENTENCE_START" and finding["severity"] == "suggestion"


def test_a_channels_grammar_adds_to_the_guides_and_its_severity_wins():
    options = GrammarOptions(
        disabled_rules=["WHITESPACE_RULE"],
        severity={"CASING": Severity.blocker, "TYPOS": Severity.blocker},
        channels={
            Channel.chat: ChannelGrammar(
                disabled_rules=["UPPERCASE_SENTENCE_START"], severity={"CASING": Severity.suggestion}
            )
        },
    )
    chat = options.for_channel(Channel.chat)
    assert chat.disabled_rules == ["WHITESPACE_RULE", "UPPERCASE_SENTENCE_START"]
    assert chat.severity == {"CASING": Severity.suggestion, "TYPOS": Severity.blocker}
    email = options.for_channel(Channel.email)
    assert email.disabled_rules == ["WHITESPACE_RULE"] and email.severity["CASING"] == Severity.blocker


def test_a_guides_channel_grammar_must_name_a_channel():
    with pytest.raises(ValueError, match="carrier_pigeon"):
        GrammarOptions.model_validate({"channels": {"carrier_pigeon": {"disabled_rules": ["X"]}}})


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("I'm sorry your booking was moved.", False),  # "your booking" is the subject
        ("I'm sorry your billing was wrong.", False),
        ("I'm sorry your leaving us.", True),  # "you're leaving": still found
        ("I'm sorry your booking a new date.", True),
    ],
)
def test_your_before_a_noun_and_a_verb_is_not_youre(check, text, flagged):
    rules = {f["rule"] for f in check(text, checks=["grammar"])["findings"]}
    assert ("grammar.YOUR" in rules) is flagged


# -- the precision fixes the good replies needed -------------------------------------------


@pytest.mark.parametrize(
    ("text", "channel", "rule"),
    [
        ("sure, one moment while I check that for you", "chat", "tone.curt"),
        ("yes, you can change it until it ships. What address would you like us to use?", "chat", "tone.curt"),
        ("I can help with that. Your contract ends on 12 March.", "chat", "tone.curt"),
        (
            "@rob We understand how frustrating this must be. Our team will call you by Friday. ^MT",
            "social_public",
            "tone.curt",
        ),
        (
            "good news, your refund has been approved! It will reach your card within 5 days.",
            "social_private",
            "tone.curt",
        ),
        (
            "great, I've put it on hold under your name. Just show this message at the till.",
            "social_private",
            "tone.curt",
        ),
        (
            "perfect, thanks for confirming. I've changed your tariff, and the new rate starts from your next bill.",
            "chat",
            "structure.next_steps_missing",
        ),
        (
            "@kp Sorry about the missed delivery. We've sent you a DM so we can rebook it. ^MT",
            "social_public",
            "structure.next_steps_missing",
        ),
        (
            "Hi Ann,\n\nWe've removed the fee. If you aren't happy, you can refer it to the Ombudsman.\n\nThanks,\nSam",
            "email",
            "structure.next_steps_missing",
        ),
        (
            "Hi Ann,\n\nThank you for your kind feedback! I've passed your kind words on to him.\n\nBest wishes,\nSam",
            "email",
            "structure.next_steps_missing",
        ),
        (
            "Hi Ann,\n\nYour sofa arrives on Saturday.\n\nThanks for shopping with us,\nJo",
            "web_portal",
            "structure.sign_off_missing",
        ),
        ("Thank you, your appointment is on Thu 14 May at 10am.", "sms", "grammar.MORFOLOGIK_RULE_EN_GB"),
    ],
)
def test_what_a_good_reply_says_is_not_taken_for_a_fault(check, text, channel, rule):
    report = check(text, channel=channel, now=NOW)
    assert rule not in {f["rule"] for f in report["findings"]}


@pytest.mark.parametrize(
    ("text", "channel", "rule"),
    [
        ("Your bill is correct. Payment is due on Friday.", "chat", "tone.curt"),  # still curt
        ("Hi Ann,\n\nI've cancelled the order.\n\nKind regards,\nSam", "email", "structure.next_steps_missing"),
        (
            "Hi Ann,\n\nI've passed your complaint to our billing team.\n\nKind regards,\nSam",
            "email",
            "structure.next_steps_missing",
        ),
    ],
)
def test_the_rules_still_find_what_they_are_for(check, text, channel, rule):
    assert rule in {f["rule"] for f in check(text, channel=channel, now=NOW)["findings"]}


def test_readability_scores_the_prose_above_the_closing():
    letter = "Dear Mr Hall,\n\nThank you.\n\nPlease find it enclosed.\n\nYours sincerely,\n\nBecky Hart\nBilling"
    assert _without_closing(letter) == "Dear Mr Hall,\n\nThank you.\n\nPlease find it enclosed.\n\n"
    assert _without_closing("Hi,\nIt is done.\nThanks for your patience,\nJo") == "Hi,\nIt is done.\n"
    assert _without_closing("Thanks, it is done. Thank you.") == "Thanks, it is done. Thank you."
