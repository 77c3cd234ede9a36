"""Precision on replies as real agents write them (issue 17; bench/real measures it): a
turn in a running conversation, upset as customers say it, acknowledgement as agents
write it, words and sentences around @handles and links, names the conversation already
introduces. Each change has a text it must not fire on and one it still must. The texts
are written here in the spirit of the real replies, not taken from the benchmark."""

from __future__ import annotations

import json

import pytest
import yaml

from assistant.checks.grammar import GrammarCheck, GrammarOptions
from assistant.model import Context
from assistant.settings import PROJECT_ROOT
from assistant.text import prepare_draft

NOW = "2026-05-06T10:00:00+01:00"


@pytest.fixture
def run(services):
    """The full pipeline in process; returns {rule: severity} of the report's findings."""

    def check(text: str, channel: str = "social_public", thread: list | None = None, **fields) -> dict[str, str]:
        context = Context.model_validate(
            {"channel": channel, "locale": "en-US", "thread": thread or [], "now": NOW, **fields}
        )
        report = services.pipeline.run(prepare_draft(text, channel=channel), context)
        assert {name: run.status for name, run in report.checks.items() if run.status != "ok"} == {}
        return {f.rule: f.severity.value for f in report.findings}

    return check


def customer(text: str) -> dict:
    return {"author": "customer", "text": text}


def agent(text: str) -> dict:
    return {"author": "agent", "text": text}


# -- how a social reply is read: parts, sign-offs --------------------------------------


@pytest.mark.parametrize(
    ("text", "part", "signature"),
    [
        ("@kmorrow (2/2) You can also reset it from the app. ~Tomas", (2, 2), "~Tomas"),
        ("@kmorrow 1/3 Sorry for the wait on this one.", (1, 3), None),
        ("@kmorrow Let us know how it goes. Thanks.^Priya", None, "^Priya"),
        ("@kmorrow Let us know how it goes! -ole 2/2", (2, 2), "-ole 2/2"),
        ("@kmorrow We're on it. _Dani", None, "_Dani"),
        ("@kmorrow We've added 2/3 of the credit back.", None, None),  # a fraction, not a counter
    ],
)
def test_tweet_parts_and_sign_offs_glued_or_counted(text, part, signature):
    draft = prepare_draft(text, channel="social_public")
    assert draft.part == part
    assert [text[s:e] for s, e in draft.signature] == ([signature] if signature else [])


# -- words and sentences around handles and links -----------------------------------------


def test_links_and_handles_are_no_words_and_a_link_ends_a_sentence(run):
    glued = (
        "@jess_porter @acmehelp Thanks for flagging this. The steps are here: "
        "https://help.example.com/articles/1234567-how-to-reset-your-router-to-factory-settings-safely "
        "Once it restarts, sign in again and your saved networks will be back within a few minutes."
    )
    assert "readability.long_sentence" not in run(glued)
    run_on = (
        "@jess_porter Thanks for flagging this, the steps are on our help site and once the router restarts "
        "you will need to sign in again with the password on the sticker and then your saved networks and "
        "devices should all come back within a few minutes of the lights turning green."
    )
    assert run(run_on)["readability.long_sentence"] == "warning"  # 50 words: still far too long


def test_a_sentence_a_little_over_the_limit_is_a_suggestion(run):
    text = (
        "@jess_porter Thanks for flagging this. Once the router restarts you will need to sign in again with the "
        "password on the sticker, and your saved networks should come back in a few minutes."
    )  # 31 words, the social limit is 20
    assert run(text)["readability.long_sentence"] == "suggestion"


def test_hard_text_only_suggests_however_far_over_target(run):
    """A whole text's grade says where to look, not what is wrong (on the tuning half of
    bench/real, right 3 times in 5 as a warning): a suggestion, a few grades over or many."""
    plainish = (
        "@jess_porter Thanks for reaching out. Subscriptions renew automatically on the anniversary of your "
        "purchase, and you can manage renewal preferences from your account settings at any time. "
        "Let us know if anything else comes up!"
    )
    assert run(plainish).get("readability.hard_text") in (None, "suggestion")
    dense = (
        "@jess_porter Notwithstanding the aforementioned contractual stipulations, reimbursement eligibility "
        "necessitates comprehensive documentation substantiating the unauthorised transactional irregularities "
        "identified, accompanied by verification of the associated authentication credentials and "
        "corresponding administrative authorisation, subsequently evaluated by our specialised investigative "
        "department."
    )
    assert run(dense)["readability.hard_text"] == "suggestion"


# -- curtness: the opening of a contact vs a turn in a running conversation ---------------------

CHAT_SO_FAR = [
    customer("Hi, I'd like to change the delivery address on my order please"),
    agent("Hi there, thanks for reaching out! I'd be glad to help with that."),
    customer("Great, thank you"),
]


def test_a_short_turn_in_a_running_chat_is_not_curt(run):
    assert "tone.curt" not in run("Can I have the postcode of the new address?", channel="chat", thread=CHAT_SO_FAR)
    assert "tone.curt" in run("Can I have the postcode of the new address?", channel="chat")  # an opening: curt


def test_a_later_part_of_a_reply_is_not_curt_but_a_bare_opening_is(run):
    thread = [customer("@acmehelp where do I find my invoices?")]
    assert "tone.curt" not in run("@kmorrow (2/2) Invoices are under Billing > History.", thread=thread)
    assert "tone.curt" not in run("@kmorrow Also, invoices are under Billing > History.", thread=thread)
    assert "tone.curt" in run("@kmorrow Invoices are under Billing > History.", thread=thread)


@pytest.mark.parametrize(
    "text",
    [
        "@kmorrow Let's get this sorted: which app version are you on?",
        "@kmorrow We'd like to take a look. Which app version are you on?",
        "@kmorrow Mind sharing which app version you are on? Keep us posted.",
        "@kmorrow Appreciate the details. Which app version are you on?",
    ],
)
def test_friendly_words_social_agents_use_are_courtesy(run, text):
    assert "tone.curt" not in run(text, thread=[customer("@acmehelp the app keeps logging me out")])


# -- empathy: what counts as upset, and acknowledgement as agents write it ------------------


@pytest.mark.parametrize(
    "message",
    [
        "@acmehelp my printer won't connect to the wifi, please help",
        "@acmehelp HELP! How do I move my photos to the new phone?",
        "@acmehelp Thanks for all the help!! Nearly there now",
        "@acmehelp is there a way to export ALL my contacts at once?",
        "Does anyone know if Chase branches are open on Saturday?",  # a bank, not chasing
        "@acmehelp the app crashed several times while I was editing, any idea?",  # retries, not contacts
    ],
)
def test_asking_for_help_is_not_being_upset(run, message):
    reply = "@kmorrow Here's how to do it: https://help.example.com/a/123 Let us know if that works!"
    assert "tone.empathy_missing" not in run(reply, thread=[customer(message)])


@pytest.mark.parametrize(
    "message",
    [
        "@acmehelp this is a disgrace, my money has been on hold for three weeks",
        "@acmehelp I have called you four times about this and nobody has got back to me",
        "@acmehelp my bill went up AGAIN. Sort it out",
        "@acmehelp the WORST update ever, everything is gone",
    ],
)
def test_upset_in_the_customers_own_words_still_needs_acknowledging(run, message):
    reply = "@kmorrow Here's how to do it: https://help.example.com/a/123 Let us know if that works!"
    assert run(reply, thread=[customer(message)])["tone.empathy_missing"] == "warning"


@pytest.mark.parametrize(
    "opening",
    [
        "That's not what we want to hear!",
        "Oh no!",
        "That doesn't sound right.",
        "Thanks for sharing your concerns with us.",
        "We want your account to work as it should.",
        "That sounds frustrating.",
    ],
)
def test_acknowledgement_in_the_words_agents_use(run, opening):
    thread = [customer("@acmehelp this is ridiculous, the app deleted my notes")]
    reply = f"@kmorrow {opening} Could you DM us the app version so we can look into it?"
    assert "tone.empathy_missing" not in run(reply, thread=thread)


def test_a_conversation_acknowledges_once_not_at_every_turn(run):
    thread = [
        customer("this is unacceptable, I was charged twice for the same order"),
        agent("I'm so sorry about the double charge, I can see how annoying that is. Let me look."),
        customer("it's order 55812, still unacceptable"),
    ]
    assert "tone.empathy_missing" not in run("Thanks, could you confirm the email on the account?", "chat", thread)
    assert "tone.empathy_missing" in run("Thanks, could you confirm the email on the account?", "chat", thread[-1:])


def test_upset_read_only_from_negative_wording_is_a_suggestion(run):
    thread = [customer("@acmehelp the sync failed again and I lost everything, nothing works :(")]
    reply = "@kmorrow Please reinstall the app from https://example.com/download and sign in again."
    assert run(reply, thread=thread).get("tone.empathy_missing") == "suggestion"


# -- shouting -----------------------------------------------------------------------------------


def test_a_list_of_initialisms_is_not_shouting(run):
    reply = "@kmorrow Sorry about this! Could you share your system details (OS, CPU, RAM, GPU)?"
    assert "tone.shouting" not in run(reply, thread=[customer("@acmehelp it crashes on export")])
    assert "tone.shouting" in run("@kmorrow PLEASE READ THE GUIDE BEFORE WRITING.")


# -- spelling: names and words the conversation or the guide already introduce -----------------


def test_the_customers_name_from_the_thread_or_handle_is_no_misspelling(run):
    def spelling(findings: dict) -> list[str]:
        return [rule for rule in findings if "MORFOLOGIK" in rule]

    thread = [customer("Hi, I need to update my card"), agent("May I have your full name?"), customer("Ngozika Eze")]
    assert spelling(run("Thank you Ngozika. One moment please.", "chat")) != []  # unknown to the dictionary
    assert spelling(run("Thank you Ngozika. One moment please.", "chat", thread)) == []
    assert spelling(run("Thank you Ngozkia. One moment please.", "chat", thread)) != []  # misspelt: still a slip
    assert spelling(run("@ngozika_e Hi Ngozika, thanks for waiting! Your refund is on its way.")) == []
    assert spelling(run("@tunde_k Hi Ngozika, thanks for waiting! Your refund is on its way.")) != []


def test_product_names_of_the_guide_are_no_misspelling(services):
    grammar = GrammarCheck(services.languagetool)
    draft = prepare_draft("You can add a Zorblet from the menu and reinstal it later.", channel="chat")
    context = Context(channel="chat", locale="en-US")
    plain = {f.excerpt for f in grammar.run(draft, context, GrammarOptions()).findings}
    named = {f.excerpt for f in grammar.run(draft, context, GrammarOptions(product_names=["Zorblet"])).findings}
    assert {"Zorblet", "reinstal"} <= plain
    assert "Zorblet" not in named and "reinstal" in named


def test_units_file_types_and_drawn_out_words_are_not_spelling_slips(run):
    findings = run("@kmorrow Sooo sorry! Plans start at $4/mo and the .dmg file is on the page. We recieve it daily.")
    spelling = [r for r in findings if "MORFOLOGIK" in r]
    assert spelling == ["grammar.MORFOLOGIK_RULE_EN_US"]  # "recieve" only, see below
    report = run("@kmorrow Sooo sorry! Plans start at $4/mo and the .dmg file is on the page.")
    assert not [r for r in report if "MORFOLOGIK" in r]


def test_a_hyphen_preference_suggests_and_a_word_error_warns(run):
    assert run("@kmorrow Could you double check the address on the order? ^Tom").get("grammar.DOUBLE_HYPHEN") in (
        None,
        "suggestion",
    )
    assert run("Do you have anymore questions?", "chat")["grammar.ANYMORE_ADVERB"] == "warning"


def test_a_long_paragraph_does_not_hide_the_grammar_slip_inside_it(run):
    long_paragraph = " ".join(["We checked the settings on your account and everything looks fine."] * 6)
    text = f"Hi Ana,\n\n{long_paragraph} Does it crashes when you open the app?\n\nThanks,\nJo"
    assert "grammar.DOES_X_HAS" in run(text, "email")


def test_a_percentage_is_a_quantity_and_100_percent_sure_a_promise(run):
    assert "tone.promise" not in run("@kmorrow Thanks! Does the app use 100% of the CPU while exporting?")
    assert "tone.promise" in run("@kmorrow Thanks! Your engineer will 100% arrive tomorrow morning.")


# -- warnings a rule earns: names, casing slips, register, interjections --------------------------


def test_an_unknown_name_inside_a_sentence_suggests_a_casing_slip_or_a_misspelt_customer_warns(run):
    def spelling(findings: dict) -> set[str]:
        return {severity for rule, severity in findings.items() if "MORFOLOGIK" in rule}

    # a surname the dictionary lacks, introduced by a title: a name to check, not a slip
    assert spelling(run("@kmorrow Please read the note from our CEO Darla Wexmoorby about the changes.")) == {
        "suggestion"
    }
    assert spelling(run("@kmorrow You can sync it with your Ipad from the settings.")) == {"warning"}  # iPad
    thread = [customer("Hi, it's Ngozika here, my card was declined")]
    assert spelling(run("Thanks for waiting, Ngozkia. I have reset the card.", "chat", thread)) == {"warning"}
    assert spelling(run("@kmorrow Thanks for waiting. We recieve these daily.")) == {"warning"}  # lower case


def test_interjections_are_no_misspellings(run):
    assert not [
        r for r in run("@kmorrow Arg. Sorry the update crashed on you. Which version are you on?") if "MORFOLOGIK" in r
    ]


def test_a_reinstall_is_a_noun_agents_use(run):
    assert run("@kmorrow We'd recommend an Advanced Reinstall of the app. ^Al").get("grammar.A_INSTALL") in (
        None,
        "suggestion",
    )


def test_punctuation_closing_a_link_ends_the_sentence_before_the_next(run):
    text = (
        "@kmorrow Hi Sam, I think you mean this issue (https://forum.example.com/t/sync-stops-after-update-on-"
        "large-folders-with-many-small-files-123456). If yes, please vote for it and add your comment so the "
        "team sees how many of you it affects, or else share a few more details and we'll be happy to help."
    )
    assert run(text).get("readability.long_sentence") in (None, "suggestion")  # 37 words after the link, not 47


# -- second pass (2026-12-06): the held-out half's false alarms, by mechanism ------------------


@pytest.mark.parametrize(
    "message",
    [
        "@acmehelp is there a way to unlock my disabled tablet without wiping my files?",  # a device, not a person
        "@acmehelp comments are disabled on my new uploads even when I turn them on. Thanks",
        "@acmehelp got an odd email trying to scam me out of my login, where do I forward it?",  # a scam reported
        "@acmehelp surprised you never sent an alert like “this is the fourth time your card was used today, "
        "was it you?” anyway, time change is killing me",  # the quoted words are not the customer's
    ],
)
def test_a_device_disabled_a_scam_reported_or_words_quoted_are_no_upset(run, message):
    reply = "@kmorrow Here's how to do it: https://help.example.com/a/123 Let us know if that works!"
    assert "tone.empathy_missing" not in run(reply, thread=[customer(message)])


@pytest.mark.parametrize(
    "message",
    [
        "@acmehelp my disabled son can't get into his account and I can't fix it",
        "@acmehelp I lost the photos of my recently deceased father when the phone reset",
        "@acmehelp what a scam company, still charging me after I cancelled",
        "@acmehelp this is the fourth time I have asked and nobody has answered",
    ],
)
def test_a_disabled_person_a_bereavement_or_the_company_called_a_scam_still_need_acknowledging(run, message):
    reply = "@kmorrow Here's how to do it: https://help.example.com/a/123 Let us know if that works!"
    assert run(reply, thread=[customer(message)])["tone.empathy_missing"] == "warning"


def test_naming_the_customers_concerns_acknowledges_them(run):
    thread = [customer("@acmehelp disgusting to see these listings allowed on your site")]
    reply = "@kmorrow Thanks for reaching out and letting us know of your concerns. Here's what we do: https://e.com/a"
    assert "tone.empathy_missing" not in run(reply, thread=thread)
    assert (
        run("@kmorrow Thanks for reaching out. Here's what we do: https://e.com/a", thread=thread)[
            "tone.empathy_missing"
        ]
        == "warning"
    )


def test_a_list_of_initialisms_missing_a_comma_is_still_no_shouting(run):
    reply = "@kmorrow Sorry about this! Could you share your system details (OS, CPU, RAM GPU)?"
    assert "tone.shouting" not in run(reply, thread=[customer("@acmehelp it crashes on export")])
    assert "tone.shouting" in run("@kmorrow STOP THIS, NOW PLEASE READ THE GUIDE.")


def test_an_abbreviated_closing_before_the_sign_off_is_a_convention_a_slip_there_is_not(run):
    assert run("@kmorrow Let us know how it goes. Take care. Thx, ^KM").get("grammar.MORFOLOGIK_RULE_EN_US") == (
        "suggestion"
    )
    assert run("@kmorrow Let us know how it goes. Thnaks, ^KM")["grammar.MORFOLOGIK_RULE_EN_US"] == "warning"
    assert (
        run("@kmorrow Let us know how it goes, we recieve them daily. ^KM")["grammar.MORFOLOGIK_RULE_EN_US"]
        == "warning"
    )


def test_a_compound_the_thread_hyphenates_written_as_one_word_is_the_same_term(run):
    thread = [customer("@acmehelp the multi-cam view freezes on playback")]
    reply = "@kmorrow Sorry about that! Please file multicam bugs here: https://example.com/bugs ^KM"
    assert run(reply, thread=thread).get("grammar.MORFOLOGIK_RULE_EN_US") == "suggestion"
    assert run(reply)["grammar.MORFOLOGIK_RULE_EN_US"] == "warning"  # no thread: an unknown word


def test_how_to_write_a_compound_or_a_plural_modifier_suggests(run):
    findings = run(
        "@kmorrow You can enable live streaming once verified, and our returns policy is here: https://e.com"
    )
    assert findings.get("grammar.EN_COMPOUNDS_LIVE_STREAMING") in (None, "suggestion")
    assert findings.get("grammar.POSSESSIVE_APOSTROPHE") in (None, "suggestion")
    assert run("Do you have anymore questions?", "chat")["grammar.ANYMORE_ADVERB"] == "warning"
    assert run("@kmorrow Please checkout the article for the steps. ^KM")["grammar.NOUN_VERB_CONFUSION"] == "warning"


def test_a_bare_value_answering_a_question_for_another_detail_is_that_detail(run):
    asked_ids = [
        agent("Can I have your account ID and order ID?"),
        customer("LTKOYPMLPU"),
        customer("0913902565"),
        agent("Thanks, one moment."),
    ]
    assert "structure.repeat_request" not in run("Can I have a phone number?", "chat", asked_ids)
    gave_phone = [agent("Can I have a phone number?"), customer("0913902565"), agent("Thanks.")]
    assert run("Can I have a phone number?", "chat", gave_phone)["structure.repeat_request"] == "warning"
    volunteered = [customer("My order is 4412, call me on 07700 900123 please")]
    assert run("Can I have a phone number?", "chat", volunteered)["structure.repeat_request"] == "warning"


def test_every_judged_warning_names_a_reply_of_the_benchmark_and_its_words():
    here = PROJECT_ROOT / "bench" / "real"
    replies = {}
    for line in (here / "replies.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        replies[row["source"]] = row["text"]
    judged = yaml.safe_load((here / "judged.yaml").read_text(encoding="utf-8"))["judged"]
    assert len({(j["source"], j["rule"], j["excerpt"]) for j in judged}) == len(judged)  # none judged twice
    for entry in judged:
        assert entry["excerpt"] in replies[entry["source"]], entry
        assert isinstance(entry["right"], bool) and entry["why"].strip(), entry


def test_a_lower_case_i_suggests_in_a_chat_turn_and_warns_in_an_email(run):
    """The default guide's chat register: a turn typed as people chat shows the slip, as a
    suggestion; an e-mail or a public post still warns."""
    text = "Thanks for waiting, i have checked the order and it is on its way."
    assert run(text, channel="chat").get("grammar.I_LOWERCASE") == "suggestion"
    assert run(text, channel="social_private").get("grammar.I_LOWERCASE") == "suggestion"
    assert run(text, channel="email").get("grammar.I_LOWERCASE") == "warning"
    assert run(text, channel="social_public").get("grammar.I_LOWERCASE") == "warning"
