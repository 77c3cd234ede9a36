"""The HTTP contract: reports, problem+json errors, health, docs."""

import pytest

EMOJI_DRAFT = "Hi Dana 😀 Their is a problem with you're account."


def test_check_returns_a_full_report(check):
    report = check(EMOJI_DRAFT)
    assert report["verdict"] == "warn"
    assert report["text"] == EMOJI_DRAFT
    assert report["guide"] == {"id": "default", "version": "1"}
    assert {name: run["status"] for name, run in report["checks"].items()} == {
        "grammar": "ok", "readability": "ok", "sla": "ok", "channels": "ok"
    }
    assert all(run["ms"] >= 0 for run in report["checks"].values())
    assert report["metrics"]["words"] == 9  # the emoji is no word; "you're" is one
    assert "flesch_reading_ease" in report["metrics"]["readability"]
    starts = [-1 if f["start"] is None else f["start"] for f in report["findings"]]  # whole-draft first
    assert starts == sorted(starts)
    for finding in report["findings"]:
        if finding["start"] is not None:
            assert report["text"][finding["start"]:finding["end"]] == finding["excerpt"]


def test_html_draft_returns_plain_text_and_offsets_into_it(check):
    html = "<div><p>Hi&nbsp;Dana 😀,</p><p>Their is a <b>problem</b> with you're account.</p></div>"
    report = check(html, format="html")
    assert report["text"] == "Hi Dana 😀,\n\nTheir is a problem with you're account."
    grammar = [f for f in report["findings"] if f["check"] == "grammar"]
    assert {f["excerpt"] for f in grammar} >= {"Their", "you're"}
    for finding in grammar:
        assert report["text"][finding["start"]:finding["end"]] == finding["excerpt"]
        assert html[finding["source_start"]:finding["source_end"]] == finding["excerpt"]


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
        ({"text": "Hi", "channel": "email", "guide": "nope"}, "Unknown style guide 'nope'"),
        ({"text": "Hi", "channel": "email", "checks": ["tone"]}, "Unknown check(s) tone"),
        ({"text": "Hi", "channel": "email", "format": "pdf"}, "format"),
        ({"text": "Hi", "channel": "email", "ticket": {"created_at": "yesterday"}}, "ticket.created_at"),
        ({"text": "Hi", "channel": "email", "surprise": 1}, "surprise"),
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
    body = b'{"channel": "email", "text": "' + b"a" * (settings.max_text_chars * 5) + b'"}'
    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "text",
    ["\x00\x01\x02", "\ud800" * 0 + "😀" * 500, "<" * 2000, "\n" * 5000, "a" * 49_999, "Ünïcödé — “quotes” …", "\u202e rtl"],
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
    assert ready["dependencies"]["store"]["status"] == "not_configured"


def test_openapi_documents_the_check_endpoint(client):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/check"]["post"]
    assert {"200", "413", "422"} <= set(operation["responses"])
    assert client.get("/docs").status_code == 200


def test_the_app_builds_its_own_resources_in_the_lifespan(settings):
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    with TestClient(create_app(settings.model_copy(update={"languagetool_warmup": True}))) as own:
        response = own.post("/v1/check", json={"text": "Their is a problem.", "channel": "chat"})
        assert response.status_code == 200
        assert response.json()["checks"]["grammar"]["status"] == "ok"
