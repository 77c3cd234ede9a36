"""`tactful check`: what an agent or a script sees, and its exit codes."""

import json
import subprocess

import pytest

from assistant.cli import main
from assistant.settings import PROJECT_ROOT

DRAFT = "Hi Dana,\n\nThanks for waiting 😀 Their is a problem with you're account.\n\nKind regards,\nSam\n"


@pytest.fixture(autouse=True)
def _languagetool(monkeypatch, languagetool_url):
    monkeypatch.setenv("TACTFUL_LANGUAGETOOL_URL", languagetool_url)
    monkeypatch.setenv("TACTFUL_LANGUAGETOOL_TIMEOUT", "30")


@pytest.fixture
def draft_file(tmp_path):
    path = tmp_path / "reply.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def test_human_output_shows_where_what_and_the_fix(draft_file, capsys):
    assert main(["check", str(draft_file)]) == 0
    out = capsys.readouterr().out
    assert f"{draft_file}:3:22: warning [grammar.THEIR_IS]" in out
    lines = out.splitlines()
    index = lines.index("    Thanks for waiting 😀 Their is a problem with you're account.")
    assert lines[index + 1] == "    " + " " * 21 + "^^^^^"
    assert lines[index + 2] == "    suggestion: There"
    assert out.strip().splitlines()[-1].startswith("verdict: warn (2 warnings; 15 words")


def test_json_output_is_the_report(draft_file, capsys, tmp_path):
    context = tmp_path / "ctx.json"
    context.write_text(json.dumps({"channel": "chat", "customer": {"name": "Dana"}}))
    assert main(["check", str(draft_file), "--json", "--context", str(context), "--checks", "grammar"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["checks"]["readability"]["status"] == "skipped"
    assert {f["rule"] for f in report["findings"]} == {"grammar.THEIR_IS", "grammar.IN_YOU_RE_NN"}


def test_a_blocking_verdict_exits_1(draft_file, capsys):
    assert main(["check", str(draft_file), "--guide", "strict"]) == 1
    assert "blocker" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "/no/such/reply.txt"], "cannot read /no/such/reply.txt"),
        (["check", "{draft}", "--channel", "fax"], "invalid context: channel"),
        (["check", "{draft}", "--guide", "ghost"], "guide: Unknown style guide; known guides: default, strict"),
        (["check", "{draft}", "--checks", "tonality"], "checks: Unknown check name; available: grammar"),
        (["check", "{draft}", "--locale", "en GB!!"], "invalid context: locale"),
        (["check", "{draft}", "--context", "/no/ctx.json"], "cannot read context"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(draft_file, capsys, args, message):
    args = [a.replace("{draft}", str(draft_file)) for a in args]
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_the_installed_command_reads_standard_input(languagetool_url):
    result = subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "tactful"), "check", "-", "--channel", "sms"],
        input="Your parcel arrives on Friday. Reply STOP to opt out.",
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "TACTFUL_LANGUAGETOOL_URL": languagetool_url},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("verdict: pass")


def test_a_finding_about_the_whole_draft_is_shown_without_a_position():
    from findings import make_finding

    from assistant.cli import render
    from assistant.model import GuideRef, Report, Severity
    from assistant.text import prepare_draft

    draft = prepare_draft("Your bill is correct.\nPayment is due on Friday.")
    whole = make_finding(draft, check="sla", rule="sla.breached", severity=Severity.warning, message="Overdue.")
    spot = make_finding(
        draft, check="tone", rule="tone.curt", severity=Severity.suggestion, message="Curt.", span=(22, 29)
    )
    report = Report(
        verdict="warn",
        findings=[whole, spot],
        metrics={},
        checks={},
        guide=GuideRef(id="default", version="1"),
        text=draft.text,
        took_ms=1.0,
    )
    lines = render(report, "reply.txt").splitlines()
    assert lines[0] == "reply.txt: warning [sla.breached] Overdue."
    assert lines[1:4] == ["reply.txt:2:1: suggestion [tone.curt] Curt.", "    Payment is due on Friday.", "    ^^^^^^^"]


@pytest.mark.parametrize(
    "draft, context, status",
    [
        ("a" * 50_001, {}, 413),
        ("Hi Dana, your refund is on its way.", {"customer": {"name": "Dana \ud800"}}, 422),
        ("Hi Dana, your refund is on its way.", {"thread": [{"author": "customer", "text": "\udfff?"}]}, 422),
        ("Hi Dana, your refund is on its way.", {"guide": "dana@example.com"}, 422),
    ],
    ids=["too-long", "surrogate-in-name", "surrogate-in-thread", "unknown-guide"],
)
def test_both_doors_refuse_a_draft_alike(client, utilities_keys, tmp_path, capsys, draft, context, status):
    """`tactful check` and POST /v1/check run one use case: the same refusal, the same words.
    (The CLI, an operator's tool, sees every guide: so does the organisation owning the only
    guide that is not shared.)"""
    body = json.dumps({"text": draft, "channel": "email", **context})  # "\ud800" stays a JSON escape
    headers = {"content-type": "application/json", "Authorization": f"Bearer {utilities_keys['agent']}"}
    response = client.post("/v1/check", content=body, headers=headers)
    assert response.status_code == status
    (tmp_path / "reply.txt").write_text(draft, encoding="utf-8")
    (tmp_path / "ctx.json").write_text(json.dumps({"channel": "email", **context}), encoding="utf-8")
    assert main(["check", str(tmp_path / "reply.txt"), "--context", str(tmp_path / "ctx.json")]) == 2
    assert capsys.readouterr().err.strip() == f"tactful: {response.json()['detail']}"
