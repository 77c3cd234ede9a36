"""The HTTP contract: reports, problem+json errors, health, docs."""

import gzip
import json

import pytest

from assistant.checks import CHECKS

EMOJI_DRAFT = "Hi Dana 😀 Their is a problem with you're account."


def test_check_returns_a_full_report(check):
    report = check(EMOJI_DRAFT)
    assert report["verdict"] == "warn"
    assert report["text"] == EMOJI_DRAFT
    assert report["guide"] == {"id": "default", "version": "1"}
    assert {name: run["status"] for name, run in report["checks"].items()} == {check.name: "ok" for check in CHECKS}
    assert all(run["ms"] >= 0 for run in report["checks"].values())
    assert report["metrics"]["words"] == 9  # the emoji is no word; "you're" is one
    assert "flesch_reading_ease" in report["metrics"]["readability"]
    starts = [-1 if f["start"] is None else f["start"] for f in report["findings"]]  # whole-draft ones first
    assert starts == sorted(starts)
    for finding in report["findings"]:
        if finding["start"] is not None:
            assert report["text"][finding["start"] : finding["end"]] == finding["excerpt"]


def test_html_draft_returns_plain_text_and_offsets_into_it(check):
    html = "<div><p>Hi&nbsp;Dana 😀,</p><p>Their is a <b>problem</b> with you're account.</p></div>"
    report = check(html, format="html")
    assert report["text"] == "Hi Dana 😀,\n\nTheir is a problem with you're account."
    grammar = [f for f in report["findings"] if f["check"] == "grammar"]
    assert {f["excerpt"] for f in grammar} >= {"Their", "you're"}
    for finding in grammar:
        assert report["text"][finding["start"] : finding["end"]] == finding["excerpt"]
        assert html[finding["source_start"] : finding["source_end"]] == finding["excerpt"]


def test_checks_selects_a_subset(check):
    report = check(EMOJI_DRAFT, checks=["readability"])
    assert report["checks"]["grammar"]["status"] == "skipped"
    assert not [f for f in report["findings"] if f["check"] == "grammar"]


def test_empty_draft_passes(check):
    report = check("")
    assert report["verdict"] == "pass" and report["findings"] == []


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"text": "Hi", "channel": "fax"}, "channel"),
        ({"channel": "email"}, "text"),
        (
            {"text": "Hi", "channel": "email", "guide": "nope"},
            "guide: Unknown style guide; known guides: default, strict",
        ),
        ({"text": "Hi", "channel": "email", "checks": ["tonality"]}, "checks: Unknown check name; available: grammar"),
        ({"text": "Hi", "channel": "email", "format": "pdf"}, "format"),
        ({"text": "Hi", "channel": "email", "ticket": {"created_at": "yesterday"}}, "ticket.created_at"),
        ({"text": "Hi", "channel": "email", "surprise": 1}, "body: unknown field; the fields allowed here are: agent"),
        (
            {"text": "Hi", "channel": "email", "customer": {"nick": "D"}},
            "customer: unknown field; the fields allowed here are: email, identifiers, name, phone",
        ),
        ({"text": 42, "channel": "email"}, "text"),
        ([], "body"),
    ],
)
def test_malformed_requests_get_422_problem_json(client, body, fragment):
    response = client.post("/v1/check", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] == "Invalid request"
    assert fragment in problem["detail"]


def test_validation_errors_do_not_echo_customer_data(client):
    response = client.post("/v1/check", json={"text": "x", "channel": "email", "customer": {"name": ["Dana Secret"]}})
    assert response.status_code == 422
    assert "Dana Secret" not in response.text


def test_broken_json_gets_422(client):
    response = client.post("/v1/check", content=b'{"text": "Hi", ', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("body: not valid JSON")


def test_oversize_draft_gets_413(client, settings):
    response = client.post("/v1/check", json={"text": "a" * (settings.max_text_chars + 1), "channel": "email"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert str(settings.max_text_chars) in response.json()["detail"]


def test_huge_body_is_refused_before_parsing(client, settings):
    body = b'{"channel": "email", "text": "' + b"a" * (settings.max_text_chars * 12 + (1 << 20)) + b'"}'
    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is over")  # the middleware, not the route


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02",
        "\ud800" * 0 + "😀" * 500,
        "<" * 2000,
        "\n" * 5000,
        "a" * 49_999,
        "Ünïcödé — “quotes” …",
        "\u202e rtl",
    ],
)
def test_odd_input_never_fails_the_request(check, text):
    report = check(text)
    assert report["verdict"] in {"pass", "warn", "block"}
    assert {run["status"] for run in report["checks"].values()} <= {"ok", "skipped"}


@pytest.mark.parametrize("html", ["<p>Unclosed <b>bold", "</div></p>stray", "<<<>>>", "<p>&bogus; &#99999999;</p>"])
def test_broken_html_is_checked_not_refused(check, html):
    report = check(html, format="html")
    assert report["checks"]["readability"]["status"] == "ok"


def test_health_and_readiness(client, languagetool_url):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["ready"] is True
    assert ready["dependencies"]["languagetool"] == {"status": "up", "detail": languagetool_url}
    assert ready["dependencies"]["spacy"]["status"] == "up"
    assert ready["dependencies"]["store"]["status"] == "up"


def test_openapi_documents_the_check_endpoint(client):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/check"]["post"]
    assert {"200", "413", "422"} <= set(operation["responses"])
    assert client.get("/docs").status_code == 200


def test_the_app_builds_its_own_resources_in_the_lifespan(settings, keys):
    from conftest import bearer
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    app = create_app(settings.model_copy(update={"languagetool_warmup": True}))
    with TestClient(app, headers=bearer(keys["agent"])) as own:
        response = own.post("/v1/check", json={"text": "Their is a problem.", "channel": "chat"})
        assert response.status_code == 200
        assert response.json()["checks"]["grammar"]["status"] == "ok"


# -- limits on every body -------------------------------------------------------
def _post_raw(app, headers: list[tuple[bytes, bytes]], chunks, method: str = "POST", path: str = "/v1/check"):
    """Call the ASGI app directly, feeding the body chunk by chunk; returns
    (status, headers, body, chunks the app pulled)."""
    import anyio

    pulled, sent = 0, []
    chunks = iter(chunks)

    async def receive():
        nonlocal pulled
        try:
            chunk = next(chunks)
        except StopIteration:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body, pulled


def test_a_chunked_body_over_the_limit_is_refused_before_the_rest_is_read(client):
    megabyte = b"a" * (1 << 20)
    status, headers, body, pulled = _post_raw(
        client.app,
        [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
        (megabyte for _ in range(100)),  # 100 MB, no Content-Length
    )
    assert status == 413
    assert headers[b"content-type"] == b"application/problem+json"
    assert pulled <= 3  # the limit is 1.6 MB: the other 97 MB are never read
    assert json.loads(body)["title"] == "Request too large"


def test_the_draft_limit_counts_characters_not_bytes(client, services, settings, monkeypatch):
    """50,000 emoji, each escaped as \\ud83d\\ude00 (12 bytes), are 50,000 characters."""
    from assistant.model import GuideRef, Report

    def report(draft, context, only=None):  # the limits are the point; spaCy takes minutes on 50,000 emoji
        return Report(
            verdict="pass",
            findings=[],
            metrics={},
            checks={},
            guide=GuideRef(id="default", version="1"),
            text=draft.text,
            took_ms=0,
        )

    monkeypatch.setattr(services.pipeline, "run", report)
    text = "😀" * settings.max_text_chars
    body = json.dumps({"text": text, "channel": "chat"})  # ASCII: every emoji a surrogate-pair escape
    assert len(body) > 12 * settings.max_text_chars
    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text[:300]
    assert response.json()["text"] == text
    one_more = json.dumps({"text": text + "😀", "channel": "chat"})
    response = client.post("/v1/check", content=one_more, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "50001 characters" in response.json()["detail"]


def test_too_large_has_one_title(client, settings):
    too_long = client.post("/v1/check", json={"text": "a" * (settings.max_text_chars + 1), "channel": "email"})
    huge = client.post(
        "/v1/check",
        content=b"[" + b" " * (13 * settings.max_text_chars + (1 << 20)) + b"]",
        headers={"content-type": "application/json"},
    )
    assert too_long.status_code == huge.status_code == 413
    assert too_long.json()["title"] == huge.json()["title"] == "Request too large"
    assert "characters" in too_long.json()["detail"] and "characters" in huge.json()["detail"]


CAPPED = [
    ({"customer": {"name": "D" * 201}}, "customer.name"),
    ({"customer": {"identifiers": ["A1"] * 51}}, "customer.identifiers"),
    ({"customer": {"identifiers": ["A" * 101]}}, "customer.identifiers.0"),
    ({"customer": {"email": "d" * 321}}, "customer.email"),
    ({"customer": {"phone": "1" * 51}}, "customer.phone"),
    ({"ticket": {"id": "T" * 101}}, "ticket.id"),
    ({"thread": [{"author": "customer", "text": "Hi"}] * 21}, "thread"),
    ({"thread": [{"author": "customer", "text": "x" * 10_001}]}, "thread.0.text"),
    ({"agent": {"name": "S" * 201}}, "agent.name"),
    ({"guide": "g" * 101}, "guide"),
    ({"checks": ["grammar"] * 21}, "checks"),
    ({"checks": ["c" * 51]}, "checks.0"),
    ({"locale": "en-" + "a" * 500}, "locale"),
]


@pytest.mark.parametrize("fields, field", CAPPED, ids=[f for _, f in CAPPED])
def test_every_string_and_list_has_a_cap(client, fields, field):
    response = client.post("/v1/check", json={"text": "Hi", "channel": "email", **fields})
    assert response.status_code == 422, response.text[:300]
    assert field in [error["field"] for error in response.json()["errors"]]


# -- text that is not Unicode -----------------------------------------------------
UNENCODABLE = [
    ({"text": "Hi \ud800 there"}, "text"),
    ({"text": "Hi", "customer": {"name": "Dana \udfff"}}, "customer.name"),
    ({"text": "Hi", "customer": {"identifiers": ["ok", "A\ud83d"]}}, "customer.identifiers.1"),
    ({"text": "Hi", "ticket": {"id": "\ud800"}}, "ticket.id"),
    ({"text": "Hi", "thread": [{"author": "customer", "text": "Where \ud800 is it?"}]}, "thread.0.text"),
    ({"text": "Hi", "agent": {"team": "\udc00"}}, "agent.team"),
    ({"text": "Hi", "checks": ["grammar\ud800"]}, "checks.0"),
]


@pytest.mark.parametrize("fields, field", UNENCODABLE, ids=[f for _, f in UNENCODABLE])
def test_lone_surrogates_are_422_before_any_check_runs(client, services, monkeypatch, fields, field):
    def no_checks(*args, **kwargs):
        raise AssertionError("a check ran")

    monkeypatch.setattr(services.pipeline, "run", no_checks)
    body = json.dumps({"channel": "email", **fields})  # ensure_ascii: "\ud800" as an escape, as a client sends it
    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": field, "message": response.json()["errors"][0]["message"]}]
    assert "UTF-8" in response.json()["detail"]


# -- errors that leak nothing and match the docs --------------------------------
SECRET = "jane.doe@example.com 4111 1111 1111 1111"


@pytest.mark.parametrize(
    "fields, known",
    [
        ({"guide": SECRET}, "default, strict"),
        ({"checks": ["grammar", SECRET]}, "grammar, readability"),
        ({SECRET: 1}, "agent, attachments, audience"),
        ({"customer": {SECRET: "x"}}, "email, identifiers"),
        ({"locale": SECRET}, "en-GB"),
        ({"channel": SECRET}, "email"),
        ({"format": SECRET}, "html"),
        ({"thread": [{"author": SECRET, "text": "x"}]}, "customer"),
        ({"ticket": {"created_at": SECRET}}, "datetime"),
    ],
)
def test_no_error_repeats_a_submitted_value(client, fields, known):
    response = client.post("/v1/check", json={"text": "Hi", "channel": "email", **fields})
    assert response.status_code == 422
    assert "jane" not in response.text and "4111" not in response.text
    assert known in response.json()["detail"]


@pytest.mark.parametrize(
    "headers, body, status",
    [
        (
            {"content-type": "application/json", "content-encoding": "gzip"},
            gzip.compress(b'{"text": "Hi", "channel": "email"}'),
            415,
        ),
        ({"content-type": "text/plain"}, b'{"text": "Hi", "channel": "email"}', 415),
        ({"content-type": "application/x-www-form-urlencoded"}, b"text=Hi&channel=email", 415),
        ({}, b'{"text": "Hi", "channel": "email"}', 415),
        ({"content-type": "application/json; charset=latin-1"}, b'{"text": "Hi", "channel": "email"}', 415),
        ({"content-type": "application/json"}, b'{"text": "Caf\xe9", "channel": "email"}', 422),  # Latin-1 bytes
        (
            {"content-type": "application/json"},
            b'{"text": "\xed\xa0\x80", "channel": "email"}',
            422,
        ),  # a surrogate, UTF-8-encoded
        ({"content-type": "application/json"}, b'\x00{"text": "Hi", "channel": "email"}', 422),
        ({"content-type": "application/json"}, '{"text": "Hi", "channel": "email"}'.encode("utf-16"), 422),
        ({"content-type": "application/json"}, b'{"text": "Hi", ', 422),
        ({"content-type": "application/json"}, b"[" * 100_000 + b"]" * 100_000, 422),
    ],
    ids=[
        "gzip",
        "text-plain",
        "form",
        "no-content-type",
        "latin-1-charset",
        "invalid-utf-8",
        "cesu-surrogate",
        "nul-bytes",
        "utf-16",
        "broken-json",
        "deep-nesting",
    ],
)
def test_each_body_fault_gets_one_documented_status(client, headers, body, status):
    response = client.post("/v1/check", content=body, headers=headers)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == {415: "Unsupported media type", 422: "Invalid request"}[status]
    assert problem["detail"]
    documented = client.get("/openapi.json").json()["paths"]["/v1/check"]["post"]["responses"]
    assert "application/problem+json" in documented[str(status)]["content"]


def test_405_says_which_methods_are_allowed(client):
    response = client.get("/v1/check")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["content-type"] == "application/problem+json"
    assert "POST" in response.json()["detail"]
    assert client.post("/healthz").headers["allow"] == "GET"
    missing = client.get("/v1/nowhere")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_openapi_declares_problem_json_for_every_error_a_route_returns(client):
    spec = client.get("/openapi.json").json()
    check = spec["paths"]["/v1/check"]["post"]["responses"]
    assert {"200", "405", "413", "415", "422", "500", "503"} <= set(check)
    assert "Retry-After" in check["503"]["headers"] and "Allow" in check["405"]["headers"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "405" in operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                if status >= "400":
                    assert list(response["content"]) == ["application/problem+json"], (path, method, status)


@pytest.mark.parametrize("locale", ["en GB!!", "en_GB", "x" * 500, "", "en-", "12-GB"])
def test_malformed_locales_are_422(client, locale):
    response = client.post("/v1/check", json={"text": "Hi", "channel": "email", "locale": locale})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "locale"
    assert "BCP 47" in response.json()["detail"]


@pytest.mark.parametrize("locale", ["pt-BR", "zh-Hant-TW", "de"])
def test_well_formed_other_languages_skip_grammar_with_the_reason(check, locale):
    report = check("Olá, obrigado pela sua mensagem.", locale=locale)
    assert report["checks"]["grammar"]["status"] == "skipped"
    assert "English only" in report["checks"]["grammar"]["detail"]


@pytest.mark.parametrize("locale", ["en-GB", "en", "en-US", "EN-us"])
def test_english_locales_are_checked(check, locale):
    assert check("Their is a problem.", locale=locale)["checks"]["grammar"]["status"] == "ok"


def test_times_and_flags_are_what_the_schema_says(client):
    """The schema asks for an ISO 8601 string and true/false: 0 is neither."""
    for fields in (
        {"now": 0},
        {"ticket": {"created_at": 1700000000}},
        {"reading_support": 0},
        {"thread": [{"author": "customer", "text": "Hi", "public": 0}]},
        {"ticket": {"closing": "yes"}},
    ):
        response = client.post("/v1/check", json={"text": "Hello.", "channel": "chat", **fields})
        assert response.status_code == 422, fields
    ok = client.post("/v1/check", json={"text": "Hello.", "channel": "chat", "now": "2026-11-20T17:00:00Z"})
    assert ok.status_code == 200


def test_a_405_lists_every_method_of_the_path(client):
    response = client.options("/v1/templates/suggest")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"
    assert client.request("TRACE", "/v1/check").headers["Allow"] == "POST"
