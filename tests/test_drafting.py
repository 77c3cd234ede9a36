"""Drafting: the template format and lint (file and line), sandboxed rendering (values
are data, the sandbox holds), missing variables, staleness, locale formatting, and the
routes and CLI over them."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.drafting.library import example_context, lint_library, load_library
from assistant.drafting.render import RenderError, VariableRefused, render_template, variable_values
from assistant.drafting.templates import LibraryError
from assistant.model import Channel, Customer

HEAD = """\
---
id: {id}
title: A test template
intents: [test things]
examples: ["Please test this"]
channels: [{channels}]
{extra}variables:
  due:
    type: date
    example: 2026-12-01
  note:
    type: string
    example: hello
locale: en-GB
owner: Tests
reviewed_on: 2026-10-01
review_every: 6 months
---
"""


def write(folder: Path, body: str, template_id: str = "sample", channels: str = "email", extra: str = "") -> Path:
    (folder / "general").mkdir(parents=True, exist_ok=True)
    path = folder / "general" / f"{template_id}.md"
    path.write_text(
        HEAD.format(id=template_id, channels=channels, extra=extra) + textwrap.dedent(body), encoding="utf-8"
    )
    return path


def render(folder: Path, values: dict, channel: Channel = Channel.email, locale: str | None = None, **kwargs):
    library = load_library(folder)
    template = library.get("sample")
    assert template is not None
    html = channel in template.meta.html
    context = example_context(channel).model_copy(update={"locale": locale})
    return render_template(
        template, library.compiled_for(template, html), channel, variable_values(template, values), context, **kwargs
    )


BODY_LINE = HEAD.count("\n") + 1  # the file line of the body's first line


# -- lint: file and line --------------------------------------------------------
def test_a_syntax_error_is_reported_with_file_and_line(tmp_path):
    path = write(tmp_path, "{% block default %}\nHello,\n{% if note %}\nno endif\n{% endblock %}\n")
    errors = lint_library(tmp_path)
    assert len(errors) == 1
    assert errors[0].file.endswith("general/sample.md") and str(path).endswith(errors[0].file)
    assert errors[0].line == BODY_LINE + 4
    assert "syntax" in errors[0].message


def test_an_undeclared_variable_is_reported_with_its_line(tmp_path):
    write(tmp_path, "{% block default %}\nHello,\n\nYour order {{ order_number }} is late.\n{% endblock %}\n")
    [error] = lint_library(tmp_path)
    assert error.line == BODY_LINE + 3
    assert "undeclared variable 'order_number'" in error.message


def test_front_matter_errors_name_the_field_and_its_line(tmp_path):
    write(tmp_path, "{% block default %}Hi{% endblock %}", extra="html: [fax]\n")
    errors = lint_library(tmp_path)
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [(7, "html.0")]
    with pytest.raises(LibraryError, match="sample.md:7"):
        load_library(tmp_path)


def test_a_channel_without_a_variant_is_a_lint_error(tmp_path):
    write(tmp_path, "{% block chat %}Hi{% endblock %}", channels="email, chat")
    [error] = lint_library(tmp_path)
    assert "no block for channel 'email'" in error.message


def test_the_cli_lints_the_shipped_library(capsys):
    assert main(["templates", "lint"]) == 0
    assert "all templates pass" in capsys.readouterr().out


def test_the_cli_lint_fails_with_file_and_line(tmp_path, capsys):
    write(tmp_path, "{% block default %}\n{{ nope }}\n{% endblock %}\n")
    assert main(["templates", "lint", "--dir", str(tmp_path)]) == 1
    assert f"general/sample.md:{BODY_LINE + 1}: undeclared variable 'nope'" in capsys.readouterr().out


def test_the_cli_lists_the_templates(capsys):
    assert main(["templates", "list"]) == 0
    out = capsys.readouterr().out
    assert "visits/visit-booking  Booking a visit" in out


# -- rendering ------------------------------------------------------------------
BODY = "{% block default %}\nHello {{ customer.name }},\n\n{{ note }} by {{ due | date }}.\n{% endblock %}\n"


@pytest.mark.parametrize("value", ["{{ 7*7 }}", "{{ ''.__class__.__mro__ }}", "{% for x in range(3) %}x{% endfor %}"])
def test_variable_values_are_data_never_template_code(tmp_path, value):
    write(tmp_path, BODY)
    rendered = render(tmp_path, {"note": value, "due": "2026-12-01"})
    assert f"{value} by 1 December 2026." in rendered.text


def test_a_template_reaching_outside_the_sandbox_fails_with_a_clear_error(tmp_path):
    write(tmp_path, "{% block default %}\nHello,\n\n{{ note.__class__.__mro__ }}\n{% endblock %}\n")
    with pytest.raises(RenderError, match=rf"sample.md:{BODY_LINE + 3}: reaches outside the sandbox"):
        render(tmp_path, {"note": "x", "due": "2026-12-01"})
    assert any("outside the sandbox" in e.message for e in lint_library(tmp_path))


def test_the_sandbox_is_immutable(tmp_path):
    write(tmp_path, "{% block default %}{{ customer.update({'name': 'x'}) }}{% endblock %}")
    with pytest.raises(RenderError, match="outside the sandbox"):
        render(tmp_path, {"note": "x", "due": "2026-12-01"})


def test_missing_variables_are_listed_and_marked_in_the_text(tmp_path):
    write(tmp_path, BODY)
    library = load_library(tmp_path)
    template = library.get("sample")
    assert template is not None
    context = example_context(Channel.email).model_copy(update={"customer": Customer()})
    rendered = render_template(
        template, library.compiled_for(template, False), Channel.email, variable_values(template, {}), context
    )
    assert rendered.missing == ["customer.name", "note", "due"]
    assert rendered.text == "Hello [customer.name],\n\n[note] by [due]."


@pytest.mark.parametrize(
    "values, field",
    [
        ({"due": "next week"}, "variables.due"),
        ({"note": 7}, "variables.note"),
        ({"secret_name": "x"}, "variables"),
    ],
)
def test_unusable_values_are_refused_without_echoing_them(tmp_path, values, field):
    write(tmp_path, BODY)
    with pytest.raises(VariableRefused) as refused:
        render(tmp_path, values)
    assert refused.value.field == field
    assert "next week" not in str(refused.value) and "secret_name" not in str(refused.value)


def test_dates_and_money_follow_the_locale(tmp_path):
    write(
        tmp_path,
        "{% block default %}{{ due | date }}; {{ due | date('short') }}; {{ 1234.5 | money }}"
        "; {{ 1234.5 | money('EUR') }}{% endblock %}",
    )
    uk = render(tmp_path, {"note": "x", "due": "2026-12-01"}, currency="GBP")
    us = render(tmp_path, {"note": "x", "due": "2026-12-01"}, locale="en-US", currency="USD")
    assert uk.text == "1 December 2026; 01/12/2026; £1,234.50; €1,234.50"
    assert us.text == "December 1, 2026; 12/1/26; $1,234.50; €1,234.50"


def test_html_variants_are_autoescaped(tmp_path):
    write(
        tmp_path,
        "{% block default %}Hi {{ note }}{% endblock %}{% block email %}<p>Hi {{ note }}</p>{% endblock %}",
        channels="email, chat",
        extra="html: [email]\n",
    )
    values = {"note": "<b>Sam</b> & co", "due": "2026-12-01"}
    html = render(tmp_path, values, Channel.email)
    assert html.format == "html" and html.text == "<p>Hi &lt;b&gt;Sam&lt;/b&gt; &amp; co</p>"
    text = render(tmp_path, values, Channel.chat)
    assert text.format == "text" and text.text == "Hi <b>Sam</b> & co"


def test_a_template_past_its_review_date_is_stale(tmp_path):
    write(tmp_path, BODY)
    template = load_library(tmp_path).get("sample")
    assert template is not None
    assert template.review_due() == date(2027, 4, 1)
    assert not template.is_stale(date(2027, 4, 1)) and template.is_stale(date(2027, 4, 2))


def test_social_channels_fall_back_to_the_social_block(tmp_path):
    write(
        tmp_path,
        "{% block default %}long{% endblock %}{% block social %}short{% endblock %}",
        channels="email, social_public, social_private",
    )
    assert render(tmp_path, {"due": "2026-12-01", "note": "x"}, Channel.social_private).text == "short"
    with pytest.raises(VariableRefused, match="no sms variant"):
        render(tmp_path, {"due": "2026-12-01", "note": "x"}, Channel.sms)


# -- HTTP -----------------------------------------------------------------------
DRAFT = {
    "template": "visit-booking",
    "channel": "email",
    "now": "2026-11-25T10:00:00Z",
    "customer": {"name": "Sam Taylor"},
    "agent": {"name": "Priya"},
    "organisation": {"name": "Example Energy"},
    "variables": {
        "visit_date": "2026-12-03",
        "arrival_window": "8am and 12pm",
        "purpose": "replace your gas meter",
        "duration": "about two hours",
        "engineer_name": "Jordan",
    },
}


def _without_timings(report: dict) -> dict:
    report = {**report, "took_ms": 0}
    report["checks"] = {name: {**run, "ms": 0} for name, run in report["checks"].items()}
    return report


def test_a_draft_is_rendered_and_its_report_is_what_check_says(client):
    response = client.post("/v1/drafts", json=DRAFT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "will visit on Thursday, 3 December 2026, arriving between 8am and 12pm" in body["text"]
    assert body["missing"] == [] and body["stale"] is False and body["format"] == "text"
    context = {k: v for k, v in DRAFT.items() if k not in ("template", "variables", "organisation")}
    checked = client.post("/v1/check", json={"text": body["text"], **context})
    assert _without_timings(body["report"]) == _without_timings(checked.json())
    assert body["report"]["verdict"] != "block"


def test_a_draft_lists_what_is_missing(client):
    response = client.post("/v1/drafts", json={"template": "delay-beyond-sla", "channel": "sms"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["missing"] == ["reply_by"]
    assert "[reply_by]" in body["text"] and body["report"]["text"] == body["text"]


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"template": "no-such-template"}, 422, "template"),
        ({"channel": "social_public"}, 422, "channel"),
        ({"variables": {"visit_date": "soon"}}, 422, "variables.visit_date"),
        ({"variables": {"password123": "x"}}, 422, "variables"),
    ],
)
def test_draft_refusals_are_problems_that_name_the_field(client, change, status, field):
    response = client.post("/v1/drafts", json={**DRAFT, **change})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == field
    assert "soon" not in response.text and "password123" not in response.text


def test_templates_are_listed_and_shown(client):
    listed = client.get("/v1/templates").json()["templates"]
    assert len(listed) >= 30 and {"id", "title", "topic", "channels", "stale", "review_due"} <= set(listed[0])
    shown = client.get("/v1/templates/visit-booking").json()
    assert shown["variables"]["visit_date"] == {
        "type": "date",
        "description": "The day of the visit.",
        "required": True,
        "example": "2026-12-03",
        "default": None,
    }
    assert "{% block sms %}" in shown["source"]
    missing = client.get("/v1/templates/nope")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_suggest_ranks_templates_for_the_message_and_says_why(client):
    response = client.post(
        "/v1/templates/suggest", json={"message": "My meter reading, where do I send it?", "channel": "sms"}
    )
    assert response.status_code == 200, response.text
    suggestions = response.json()["suggestions"]
    assert suggestions[0]["id"] == "meter-reading-request"
    assert "meter" in suggestions[0]["matched"] and suggestions[0]["score"] > 0
    ids = [s["id"] for s in suggestions]
    assert "agreement-summary" not in ids  # not served on sms


# -- CLI ------------------------------------------------------------------------
def test_the_cli_drafts_from_a_context_file(tmp_path, capsys, monkeypatch, languagetool_url):
    monkeypatch.setenv("TACTFUL_LANGUAGETOOL_URL", languagetool_url)
    monkeypatch.setenv("TACTFUL_LANGUAGETOOL_TIMEOUT", "30")
    context = tmp_path / "ctx.json"
    context.write_text(json.dumps({k: v for k, v in DRAFT.items() if k != "template"}), encoding="utf-8")
    assert main(["draft", "visit-booking", "--context", str(context), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["missing"] == [] and "Jordan" in out["text"] and out["report"]["text"] == out["text"]
    assert main(["draft", "nope", "--context", str(context)]) == 2


# -- reload -----------------------------------------------------------------------
def test_a_changed_library_is_reloaded_and_a_broken_one_is_not(tmp_path, monkeypatch):
    import os

    from assistant.drafting import library as library_module

    path = write(tmp_path, "{% block default %}one{% endblock %}")
    live = library_module.LiveLibrary(tmp_path, check_every=1.0)
    first = live.current()
    assert live.current() is first  # nothing changed, and too soon to look
    clock = [library_module.time.monotonic()]
    monkeypatch.setattr(library_module.time, "monotonic", lambda: clock[0])

    write(tmp_path, "{% block default %}two, now with suggestions{% endblock %}", template_id="second")
    clock[0] += 2
    live.current()
    live.join()
    reloaded = live.current()
    assert set(reloaded.templates) == {"sample", "second"} and reloaded.index is not first.index

    path.write_text(path.read_text() + "{% if %}", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    clock[0] += 2
    live.current()
    live.join()
    assert live.current() is reloaded  # the broken file is not taken


def test_an_html_variant_is_escaped_and_checked_as_html(client):
    body = {
        "template": "moving-out",
        "channel": "email",
        "now": "2026-11-25T10:00:00Z",
        "ticket": {"id": "7"},
        "customer": {"name": "<script>alert(1)</script>"},
        "variables": {"move_date": "2026-12-12"},
    }
    response = client.post("/v1/drafts", json=body)
    assert response.status_code == 200, response.text
    drafted = response.json()
    assert drafted["format"] == "html" and "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;,</p>" in drafted["text"]
    context = {"channel": "email", "now": body["now"], "ticket": body["ticket"], "customer": body["customer"]}
    checked = client.post("/v1/check", json={"text": drafted["text"], "format": "html", **context})
    assert _without_timings(drafted["report"]) == _without_timings(checked.json())
    assert "<p>" not in drafted["report"]["text"]  # checked as HTML: offsets refer to the plain text


# -- organisations ------------------------------------------------------------------
def test_an_organisation_sees_its_own_templates_and_never_another_s(tmp_path, client, services, monkeypatch):
    from assistant.drafting.library import LiveLibrary

    write(tmp_path, "{% block default %}Hello,\\n\\nShared wording.\\n\\nKind regards,\\nSam{% endblock %}")
    own = tmp_path / "orgs" / "strict"
    write(own, "{% block default %}Hello,\\n\\nStrict's own wording.\\n\\nKind regards,\\nSam{% endblock %}")
    write(
        own,
        "{% block default %}Hello,\\n\\nOnly strict has this about a boiler.\\n\\nKind regards,\\nSam{% endblock %}",
        template_id="boiler-only",
    )
    assert lint_library(tmp_path) == []
    monkeypatch.setattr(services, "templates", LiveLibrary(tmp_path))

    def ids(guide: str | None = None) -> list[str]:
        response = client.get("/v1/templates", params={"guide": guide} if guide else {})
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["templates"]]

    assert ids() == ids("default") == ["sample"]
    assert ids("strict") == ["boiler-only", "sample"]
    draft = {"template": "sample", "channel": "email", "variables": {"due": "2026-12-01", "note": "x"}}
    assert "Strict's own wording." in client.post("/v1/drafts", json={**draft, "guide": "strict"}).json()["text"]
    assert "Shared wording." in client.post("/v1/drafts", json=draft).json()["text"]
    refused = client.post("/v1/drafts", json={**draft, "template": "boiler-only"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "template"
    assert client.get("/v1/templates/boiler-only").status_code == 404
    assert client.get("/v1/templates/boiler-only", params={"guide": "strict"}).status_code == 200

    def suggested(guide: str | None = None) -> set[str]:
        body = {"message": "Please test this", **({"guide": guide} if guide else {})}
        return {s["id"] for s in client.post("/v1/templates/suggest", json=body).json()["suggestions"]}

    assert suggested() == {"sample"} and suggested("strict") == {"sample", "boiler-only"}
    unknown = client.get("/v1/templates", params={"guide": "nope"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "guide"


def test_an_organisation_folder_must_be_a_guide_id(tmp_path):
    write(tmp_path / "orgs" / "Not An Id", "{% block default %}Hi{% endblock %}")
    [error] = lint_library(tmp_path)
    assert error.file.endswith("orgs/Not An Id") and "guide id" in error.message
