"""`tactful audit` end to end: real worker processes, the real LanguageTool; stopped by
Ctrl-C and by a kill, then run again, it ends with every row recorded exactly once. And
one worker's batch: checked whole, then recorded in one transaction, counted only once
committed."""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from interrupts import interruptible
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from assistant.model import Channel, Context
from assistant.qa.audit_worker import AuditWorker
from assistant.qa.history import BadRow, HistoryRow
from assistant.qa.results import StoreSpec
from assistant.settings import PROJECT_ROOT
from assistant.store import Store

ROWS = 24


def export(path):
    replies = [json.loads(line) for line in (PROJECT_ROOT / "bench/corpus/replies.jsonl").open()]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["text", "format", "channel", "sent_at", "agent_id", "team", "ticket_id"])
        writer.writeheader()
        for number in range(ROWS):
            reply = replies[number % len(replies)]
            week = 1 + number % 3
            writer.writerow(
                {
                    "text": reply["text"],
                    "format": reply["format"],
                    "channel": reply["channel"],
                    "sent_at": f"2026-03-{week * 7:02d}T10:00:00Z",
                    "agent_id": f"agent-{number % 4}",
                    "team": "billing",
                    "ticket_id": f"T{number}",
                }
            )
        writer.writerow({"text": "A reply on a channel we do not know.", "channel": "fax"})


def recorded(results) -> int:
    if not results.exists():
        return 0
    with sqlite3.connect(results) as db:
        try:
            query = "select count(distinct send_id) from reviews where kind = 'auto'"  # recorded and scored
            return db.execute(query).fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            return 0


def audit(tmp_path, languagetool_url, stop=None):
    """Run the command; with `stop`, send that signal to its process group (as a
    terminal's Ctrl-C does, or a kill of the job) once a few rows are recorded."""
    results = tmp_path / "store.db"
    command = [sys.executable, "-m", "assistant.cli", "audit", str(tmp_path / "export.csv"), "--org", "acme",
               "--workers", "2", "--quiet"]  # fmt: skip
    env = os.environ | {
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_STORE_URL": f"sqlite:///{results}",
        "TACTFUL_STORE_SECRET": "test-secret",
    }
    with interruptible():
        process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    if stop is not None:
        before = recorded(results)
        while recorded(results) < before + 3 and process.poll() is None:
            time.sleep(0.02)  # a run's last rows can follow its first within a few tenths of a second
        assert process.poll() is None, "the run ended before the signal"
        os.killpg(process.pid, stop)
    _, stderr = process.communicate(timeout=600)
    return process.returncode, stderr, recorded(results)


def test_an_interrupted_and_killed_audit_resumes_to_exactly_every_row(tmp_path, languagetool_url):
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    store.migrate()
    store.keys.create_organisation("acme")
    store.close()
    export(tmp_path / "export.csv")
    bad_line = (tmp_path / "export.csv").read_text().count("\n")  # the last row; replies span several lines
    code, stderr, first = audit(tmp_path, languagetool_url, stop=signal.SIGINT)
    assert code == 130, stderr
    assert "interrupted: run the same command again" in stderr
    assert f"export.csv:{bad_line}: skipped: channel:" in stderr
    assert 3 <= first < ROWS

    code, _, second = audit(tmp_path, languagetool_url, stop=signal.SIGKILL)
    assert code == -signal.SIGKILL and first <= second <= ROWS

    code, stderr, final = audit(tmp_path, languagetool_url)
    assert code == 0, stderr
    assert final == ROWS
    assert f"{ROWS} of {ROWS + 1} rows checked ({ROWS - second} now, {second} earlier), 1 bad" in stderr
    with sqlite3.connect(tmp_path / "store.db") as db:
        keys = db.execute("select count(distinct idempotency_key) from sends where source = 'import'").fetchone()
        assert keys[0] == ROWS  # one record per row
        scored = db.execute("select count(distinct send_id) from reviews where kind = 'auto'").fetchone()
        assert scored[0] == ROWS  # each with its automatic scorecard
        masked = db.execute("select count(*) from sends where text_stored = 'masked'").fetchone()
        assert masked[0] == ROWS

    page = (tmp_path / "export.audit.html").read_text()
    assert f'<th scope="row">Replies checked</th><td>{ROWS}</td>' in page
    assert "<svg id='verdicts'" in page and "<svg id='weeks'" in page
    assert f"<td>{bad_line}</td><td>channel: Input should be" in page  # the bad row, by line
    assert "<mark id='at-" in page  # the worst replies, findings marked in the text


def history_rows(count: int, first: int = 2) -> list[HistoryRow]:
    replies = [json.loads(line) for line in (PROJECT_ROOT / "bench/corpus/replies.jsonl").open()]
    return [
        HistoryRow(line, reply["text"], reply["format"], Context(channel=Channel(reply["channel"])), None, None)
        for line, reply in zip(range(first, first + count), replies, strict=False)
    ]


def test_a_worker_records_its_batch_in_one_commit_once_every_row_is_checked(services, keys):  # keys: acme exists
    worker = AuditWorker(services, StoreSpec(services.settings.store_url, "acme").open(services))
    refused = HistoryRow(9, "Hello.", "text", Context(channel=Channel.email, guide="no-such-guide"), None, None)
    commits: list[object] = []
    count = commits.append  # one bound method, so that it can be removed
    event.listen(services.store.db.engine, "commit", count)
    try:
        result = worker.check_batch("batch-run", [*history_rows(3), refused])
    finally:
        event.remove(services.store.db.engine, "commit", count)
    assert len(commits) == 1
    assert result.checked == 3 and [bad.line for bad in result.bad] == [9]
    assert list(result.rows()) == [BadRow(9, result.bad[0].reason), None, None, None]
    assert worker.results.finished("batch-run") == {2, 3, 4}


def test_a_batch_the_store_refuses_counts_none_of_its_rows(services):
    worker = AuditWorker(services, StoreSpec(services.settings.store_url, "no-such-org").open(services))
    with pytest.raises(IntegrityError):  # the organisation does not exist: the whole batch is refused
        worker.check_batch("refused-run", history_rows(3))
    assert worker.results.finished("refused-run") == set()
