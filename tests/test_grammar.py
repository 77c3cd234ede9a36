"""Grammar against the real LanguageTool server."""

import random

import pytest

from assistant.checks.base import NotApplicable
from assistant.checks.grammar import language_for
from assistant.languagetool_client import (
    CheckOptions,
    LanguageToolClient,
    parse_matches,
    utf16_to_codepoints,
    utf16_units,
)
from assistant.settings import PROJECT_ROOT

EMOJI_DRAFT = "Hi Dana 😀👍 Their is a problem with you're account."
# The worst case of issue "Harden the foundation": 49,999 characters, no sentence end.
_WORDS = [
    "Their",
    "is",
    "a",
    "problem",
    "with",
    "you're",
    "acount",
    "and",
    "teh",
    "order",
    "we",
    "has",
    "recieved",
    "yesterday",
]
RUN_ON = " ".join(random.Random(1).choices(_WORDS, k=12_000))[:49_999]


def grammar(report):
    return [f for f in report["findings"] if f["check"] == "grammar"]


def test_offsets_point_at_the_error_after_emoji(check):
    report = check(EMOJI_DRAFT)
    found = {f["excerpt"]: f for f in grammar(report)}
    assert set(found) >= {"Their", "you're"}
    for finding in found.values():
        assert report["text"][finding["start"] : finding["end"]] == finding["excerpt"]
    assert found["Their"]["suggestions"][0] == "There"
    assert found["you're"]["suggestions"][0] == "your"
    assert found["Their"]["severity"] == "warning"
    assert "DEAL.P12" in found["Their"]["criteria"]


def test_utf16_offsets_convert_to_code_points():
    text = "😀 Their"  # the emoji is two UTF-16 units
    match = {"offset": 3, "length": 5, "message": "m", "replacements": [], "rule": {"id": "X", "category": {"id": "C"}}}
    [converted] = parse_matches([match], text)
    assert text[converted.start : converted.end] == "Their"
    assert utf16_to_codepoints("a😀b") == [0, 1, 1, 2, 3]
    assert list(utf16_to_codepoints("aé€b")) == [0, 1, 2, 3, 4]  # all in the BMP: one unit each
    # Java counts a lone surrogate (hostile input) as one unit, an emoji as two
    assert [utf16_units(t) for t in ("a\ud800b", "a😀b", "")] == [3, 4, 0]


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
    for paragraph, matches in zip(paragraphs[1:], results[1:], strict=True):
        assert matches and all(0 <= m.start < m.end <= len(paragraph) for m in matches)
    assert paragraphs[1][results[1][0].start : results[1][0].end] == "has"


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


# -- one request never degrades another (shared state is a contract) -------------
def test_a_draft_languagetool_refuses_costs_only_that_draft(languagetool_url):
    """A 4xx (here: a language the server does not know) is that draft's problem: the
    shared fail-fast window stays closed for the next agent."""
    from assistant.languagetool_client import LanguageToolRejected

    client = LanguageToolClient(languagetool_url, timeout=30, retry_after=60)
    with pytest.raises(LanguageToolRejected, match="HTTP 400"):
        client.check_paragraphs(["Hello there, this one is refused."], CheckOptions(language="xx-XX"))
    [matches] = client.check_paragraphs(["Their is another agent's draft."], CheckOptions())
    assert [m.rule_id for m in matches] == ["THEIR_IS"]


@pytest.mark.slow
def test_a_refused_draft_is_skipped_with_a_reason_and_the_next_is_checked(settings, keys, tmp_path):
    """Through the grammar check, against a real LanguageTool that takes at most 60
    characters: the long draft's 413 is its own `skipped`, never `unavailable` for the
    next agent."""
    from conftest import RUN_DIR, TEST_PORT, bearer
    from fastapi.testclient import TestClient

    from assistant import languagetool_server
    from assistant.api.app import create_app
    from assistant.services import build_services

    config = tmp_path / "server.properties"
    shipped = (PROJECT_ROOT / "languagetool" / "server.properties").read_text()
    kept = [line for line in shipped.splitlines() if not line.startswith(("maxTextLength", "maxTextHardLength"))]
    config.write_text("\n".join([*kept, "maxTextLength=60", "maxTextHardLength=60", ""]))
    port = TEST_PORT + 2
    server = languagetool_server.start(PROJECT_ROOT / "languagetool", port, "1g", RUN_DIR, config=config)
    settings = settings.model_copy(
        update={"languagetool_url": f"http://127.0.0.1:{port}", "languagetool_retry_after": 60}
    )
    services = build_services(settings)
    try:
        with TestClient(create_app(services=services), headers=bearer(keys["agent"])) as api:
            long_draft = "This reply is much longer than the sixty characters this server takes at once."
            refused = api.post("/v1/check", json={"text": long_draft, "channel": "email"}).json()
            assert refused["checks"]["grammar"]["status"] == "skipped"
            assert "refused" in refused["checks"]["grammar"]["detail"]
            assert refused["checks"]["readability"]["status"] == "ok"
            other = api.post("/v1/check", json={"text": "Their is a problem.", "channel": "email"}).json()
            assert other["checks"]["grammar"]["status"] == "ok"
            assert [f["excerpt"] for f in other["findings"] if f["check"] == "grammar"] == ["Their"]
    finally:
        services.close()
        server.terminate()
        server.wait(timeout=30)


def test_a_lone_surrogate_is_checked_and_opens_no_window(languagetool_url):
    client = LanguageToolClient(languagetool_url, timeout=30, retry_after=60)
    [matches] = client.check_paragraphs(["Hi \ud800 Dana, their is a problem."], CheckOptions())
    assert "their" in {"Hi \ud800 Dana, their is a problem."[m.start : m.end] for m in matches}
    assert client.check_paragraphs(["Their is another draft."], CheckOptions())[0]


def test_a_match_over_the_joiner_is_mapped_back_not_dropped():
    # LanguageTool sees "First part.\n\nSecond part." and reports a match from "part."
    # into "Second": it belongs to the paragraph it starts in.
    from assistant.languagetool_client import LtMatch, _map_back, _pieces

    batch = _pieces(0, "First part.") + _pieces(1, "Second part.")
    match = LtMatch(start=6, end=15, rule_id="X", category="C", issue_type="grammar", message="m", replacements=())
    [(paragraph, mapped)] = _map_back([match], batch)
    assert (paragraph, mapped.start, mapped.end) == (0, 6, 11)


def test_long_drafts_reach_languagetool_in_pieces_within_its_limit(languagetool_url):
    from assistant import languagetool_client

    emoji = "😀" * 50_000  # 100,000 UTF-16 units
    run_on = RUN_ON
    client = LanguageToolClient(languagetool_url, timeout=30, retry_after=60)
    for paragraph in (emoji, run_on):
        [matches] = client.check_paragraphs([paragraph], CheckOptions())
        assert all(0 <= m.start <= m.end <= len(paragraph) for m in matches)
    assert {run_on[m.start : m.end] for m in matches} >= {"Their", "acount", "teh", "recieved"}
    for paragraph in (emoji, run_on, "Short. " * 3000):
        for start, end, _ in languagetool_client.split_paragraph(paragraph):
            assert languagetool_client.utf16_units(paragraph[start:end]) <= languagetool_client.PIECE_UNITS


PARTED = (
    "Hi Mrs. Okafor,\n\n"
    "Thank you for your patience while we looked into this. We have checked the order and it left our "
    "warehouse on Monday (it was held back by the weather. Sorry for that). The courier has it now. "
    "You should see it by Friday, e.g. Friday morning. If it does not arrive by then, reply here and I "
    "will send a replacement the same day.\n\n"
    "Kind regards,\nSam"
)


def test_a_draft_is_cut_for_parts_at_sentence_ends_only():
    from assistant.languagetool_client import MIN_PART_UNITS, _parts, _pieces, _sentence_cuts

    body = PARTED.split("\n\n")[1]
    cut_after = [body[:at].rsplit(" ", 1)[-1] for at in _sentence_cuts(body)]
    # not inside the brackets, not after "e.g.", not before a lower-case word
    assert cut_after == ["this.", "now.", "morning."]
    pieces = [piece for index, paragraph in enumerate(PARTED.split("\n\n")) for piece in _pieces(index, paragraph)]
    two = _parts(pieces, 2)
    assert len(two) == 2 and all(sum(len(piece.text) for piece in part) >= MIN_PART_UNITS for part in two)
    assert two[0][-1].text.endswith("The courier has it now.")  # the sentence end nearest the middle
    assert two[1][0].text.startswith("You should see it") and two[1][0].paragraph == 1
    short = pieces[:1] + pieces[2:]  # "Hi Mrs. Okafor," and "Kind regards,\nSam"
    assert _parts(short, 2) == [short]  # no part would be long enough: one request
    assert _parts(pieces, 1) == [pieces]


def test_a_draft_goes_in_parts_at_once_only_while_no_other_is_checked(languagetool_url):
    from assistant import handoff

    paragraphs = PARTED.replace("patience", "patiance").split("\n\n")
    whole = LanguageToolClient(languagetool_url, timeout=30, cache_size=0).check_paragraphs(paragraphs, CheckOptions())
    client = LanguageToolClient(languagetool_url, timeout=30, cache_size=0, parallel=2)
    assert client.check_paragraphs(paragraphs, CheckOptions()) == whole
    assert client.stats["requests"] == 2
    assert "patiance" in {paragraphs[1][m.start : m.end] for m in whole[1]}
    busy = client.pool.choose()  # another draft's request in flight
    assert busy is not None
    try:
        assert client.check_paragraphs(paragraphs, CheckOptions()) == whole
    finally:
        client.pool.done(busy)
    assert client.stats["requests"] == 3  # one request: the pool was not idle
    with handoff.on_sent(lambda: None, alone=False):  # the pipeline is checking another draft
        assert client.check_paragraphs(paragraphs, CheckOptions()) == whole
    assert client.stats["requests"] == 4


def test_a_part_whose_server_is_gone_is_sent_to_another(languagetool_url):
    from pgserver import free_port

    gone = f"http://127.0.0.1:{free_port()}"  # nothing listens there: refused
    paragraphs = PARTED.split("\n\n")
    whole = LanguageToolClient(languagetool_url, timeout=30, cache_size=0).check_paragraphs(paragraphs, CheckOptions())
    client = LanguageToolClient([gone, languagetool_url], timeout=30, cache_size=0, parallel=2, retry_after=60)
    assert client.check_paragraphs(paragraphs, CheckOptions()) == whole
    assert client.stats["requests"] == 3  # two parts, one of them again
    [down] = [server for server in client.pool.servers if not server.up]
    assert down.url == gone and all(server.in_flight == 0 for server in client.pool.servers)


def test_parts_a_lone_busy_server_turns_away_say_so_and_open_no_window():
    """LanguageTool answers 503 when its queue is full (maxWorkQueueSize): with no other
    server to try, the draft's grammar is unavailable with that reason, and the server
    is not marked down (it answered)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from assistant.languagetool_client import LanguageToolUnavailable

    class Busy(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = LanguageToolClient(f"http://127.0.0.1:{server.server_port}", timeout=5, cache_size=0, parallel=2)
        with pytest.raises(LanguageToolUnavailable, match="HTTP 503"):
            client.check_paragraphs(PARTED.split("\n\n"), CheckOptions())
        assert client.stats["requests"] == 2 and all(s.up and s.in_flight == 0 for s in client.pool.servers)
    finally:
        server.shutdown()
        server.server_close()


def max_text_length() -> int:
    """maxTextLength of languagetool/server.properties: UTF-16 units, as Java counts."""
    from assistant.settings import PROJECT_ROOT

    lines = (PROJECT_ROOT / "languagetool" / "server.properties").read_text().splitlines()
    return int(next(line.split("=", 1)[1] for line in lines if line.startswith("maxTextLength=")))


def test_no_request_exceeds_the_limit_in_utf16_units(languagetool_url):
    """The real server refuses (413) any request over its maxTextLength, counted in UTF-16
    units: drafts far over it are checked in pieces, none refused."""
    client = LanguageToolClient(languagetool_url, timeout=120)
    drafts = [["😀" * 50_000], [RUN_ON], ["Short one. " * 2_000, "😀 " * 20_000, "Tail."]]
    for paragraphs in drafts:
        assert len(client.check_paragraphs(paragraphs, CheckOptions())) == len(paragraphs)
    assert client.stats["requests"] * max_text_length() >= 100_000 + 49_999  # it took many requests


def corpus_paragraphs():
    import json

    from assistant.settings import PROJECT_ROOT
    from assistant.text import prepare_draft

    with open(PROJECT_ROOT / "bench" / "corpus" / "replies.jsonl", encoding="utf-8") as lines:
        items = [json.loads(line) for line in lines if line.strip()]
    return [[p for _, p in prepare_draft(item["text"], item["format"]).paragraphs] for item in items]


@pytest.mark.parametrize("picky", [False, True], ids=["default", "picky"])
def test_the_paragraph_cache_never_changes_results(languagetool_url, picky):
    """Cold, warm, warmed by other combinations of the same paragraphs, and sent in parts
    at once (cut between paragraphs and at sentence ends): one answer."""
    options = CheckOptions(picky=picky, disabled_rules=("WHITESPACE_RULE", "EN_QUOTES"))
    in_two, in_three = (LanguageToolClient(languagetool_url, timeout=30, cache_size=0, parallel=n) for n in (2, 3))
    differences = []
    for paragraphs in corpus_paragraphs():
        cold = LanguageToolClient(languagetool_url, timeout=30, cache_size=0).check_paragraphs(paragraphs, options)
        warm_client = LanguageToolClient(languagetool_url, timeout=30)
        for p in paragraphs[1::2]:  # every other paragraph alone first
            warm_client.check_paragraphs([p], options)
        partly_warm = warm_client.check_paragraphs(paragraphs, options)
        warm = warm_client.check_paragraphs(paragraphs, options)
        reversed_cold = LanguageToolClient(languagetool_url, timeout=30, cache_size=0).check_paragraphs(
            paragraphs[::-1], options
        )[::-1]
        in_parts = [parted.check_paragraphs(paragraphs, options) for parted in (in_two, in_three)]
        for name, result in (
            ("partly warm", partly_warm),
            ("warm", warm),
            ("reversed", reversed_cold),
            ("in two parts at once", in_parts[0]),
            ("in three parts at once", in_parts[1]),
        ):
            if result != cold:
                differences.append((name, paragraphs[0][:30]))
    assert differences == []
    drafts = len(corpus_paragraphs())
    assert in_two.stats["requests"] > drafts + 20 and in_three.stats["requests"] > in_two.stats["requests"]


def test_a_burst_with_monster_drafts_degrades_no_one_else(services, keys, languagetool_url):
    """Twelve drafts at once through the API; three are the worst one request can send
    (50,000 emoji, the 49,999-character run-on, a lone surrogate). Every other draft
    gets its grammar checked, and LanguageTool is still there afterwards. Admission is
    opened wide so that all twelve reach LanguageTool at once (by default the API
    checks two and refuses what would wait long: that is its test, not this one)."""
    import dataclasses
    import json
    from concurrent.futures import ThreadPoolExecutor

    from conftest import bearer
    from fastapi.testclient import TestClient

    from assistant import languagetool_server
    from assistant.api.app import create_app

    wide = services.settings.model_copy(update={"checks_at_once": 12, "checks_queued": 12, "check_max_wait": 300})
    app = create_app(services=dataclasses.replace(services, settings=wide))
    with TestClient(app, raise_server_exceptions=False, headers=bearer(keys["agent"])) as client:
        corpus = [" ".join(p) for p in corpus_paragraphs()[:9]]
        monsters = {"emoji": "😀" * 50_000, "run-on": RUN_ON, "surrogate": "Hi Dana, \ud800 their is a problem."}
        drafts = [(f"normal {i}", text) for i, text in enumerate(corpus)] + list(monsters.items())

        def post(item):
            name, text = item
            # UTF-8 keeps 50,000 emoji under the body limit; a lone surrogate fits only as \ud800.
            body = json.dumps({"text": text, "channel": "email"}, ensure_ascii=name == "surrogate")
            return name, client.post("/v1/check", content=body.encode(), headers={"Content-Type": "application/json"})

        with ThreadPoolExecutor(len(drafts)) as pool:
            responses = dict(pool.map(post, drafts))
        for name, response in responses.items():
            if name.startswith("normal"):
                assert response.status_code == 200 and response.json()["checks"]["grammar"]["status"] == "ok", name
        for name in ("emoji", "run-on"):
            assert responses[name].status_code == 200, name
            assert responses[name].json()["checks"]["grammar"]["status"] in {"ok", "unavailable", "skipped", "error"}
        assert responses["surrogate"].status_code in (200, 422), responses["surrogate"].status_code
        assert languagetool_server.is_up(languagetool_url, timeout=10)
        after = client.post("/v1/check", json={"text": "Their is one more draft.", "channel": "email"})
        assert after.json()["checks"]["grammar"]["status"] == "ok"


def test_a_burst_through_one_client_degrades_no_one_else(languagetool_url):
    """The same through the shared LanguageToolClient, where the shared state lives."""
    from concurrent.futures import ThreadPoolExecutor

    from assistant import languagetool_server
    from assistant.languagetool_client import LanguageToolDown

    client = LanguageToolClient(languagetool_url, timeout=30, retry_after=60)
    options = CheckOptions(disabled_rules=("WHITESPACE_RULE",))
    monsters = [["😀" * 50_000], [RUN_ON], ["Hi Dana, \ud800 their is a problem."]]
    drafts = corpus_paragraphs()[:9] + monsters

    def check(paragraphs):
        try:
            return client.check_paragraphs(paragraphs, options)
        except Exception as exc:  # noqa: BLE001 - which one is the point
            return exc

    with ThreadPoolExecutor(len(drafts)) as pool:
        results = list(pool.map(check, drafts))
    for paragraphs, result in zip(drafts[:9], results[:9], strict=True):
        assert isinstance(result, list) and len(result) == len(paragraphs), result
    assert not any(isinstance(result, LanguageToolDown) for result in results), results
    assert isinstance(results[-1], list) and results[-1][0]  # the surrogate draft was checked
    assert languagetool_server.is_up(languagetool_url, timeout=10)
    assert client.check_paragraphs(["Their is one more draft."], options)[0]


def test_crlf_mail_gets_the_same_findings_as_lf(check):
    lines = ["Hi Dana,", "Their is a problem with you're account.", "I has checked it.", "Kind regards,", "Sam"]
    lf, crlf = check("\n".join(lines)), check("\r\n".join(lines))
    assert [(f["rule"], f["excerpt"]) for f in grammar(crlf)] == [(f["rule"], f["excerpt"]) for f in grammar(lf)]
    assert {f["excerpt"] for f in grammar(lf)} >= {"has", "you're"}
