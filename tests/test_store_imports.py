"""A bulk audit's rows written a batch per transaction, on SQLite and a real PostgreSQL: one
commit per batch, nothing of a batch that fails half-way, and each row stored once however
often (and however concurrently) its batch is written."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import StatementError

from assistant.store import FindingRef, NewImport, NewSend, Store
from assistant.store import imports as imports_module

SCORECARD = {"id": "default", "version": "1", "digest": "d1"}


def imported(line: int, **scores) -> NewImport:
    send = NewSend(
        organisation="acme",
        request_hash=f"h{line}",
        channel="email",
        guide_id="default",
        guide_version="1",
        verdict="warn",
        allowed=True,
        text="Hi [customer], thanks for waiting.",
        text_stored="masked",
        text_sha256=f"t{line}",
        report={"findings": [], "text": "Hi [customer], thanks for waiting."},
        context={"channel": "email"},
        findings=[FindingRef(f"f{line}", "tone", "tone.blame", "warning")],
        subjects=[f"s{line}"],
        idempotency_key=f"audit:run1:{line}",
        source="import",
    )
    return NewImport(send, SCORECARD, scores or {"greeting": 2}, 80.0)


def count(store: Store, query: str) -> int:
    with store.db.transaction(write=False) as session:
        return session.execute(text(query)).scalar_one()


def stored(store: Store) -> tuple[int, int, int]:
    """(sends, distinct keys, automatic reviews)."""
    return (
        count(store, "select count(*) from sends"),
        count(store, "select count(distinct idempotency_key) from sends"),
        count(store, "select count(*) from reviews where kind = 'auto'"),
    )


@pytest.fixture
def store(fresh_store: Store) -> Store:
    fresh_store.keys.create_organisation("acme")
    return fresh_store


def test_a_batch_is_one_commit_holding_every_row_with_its_findings_and_review(store: Store):
    commits: list[int] = []
    event.listen(store.db.engine, "commit", lambda _connection: commits.append(1))
    assert store.imports.record_many("acme", [imported(line) for line in range(10)]) == 10
    assert len(commits) == 1
    assert stored(store) == (10, 10, 10)
    assert count(store, "select count(*) from send_findings") == 10
    assert count(store, "select count(*) from send_subjects") == 10
    assert len(store.audit.scored_keys("acme", "audit:run1:")) == 10  # what a resumed run skips


def test_a_batch_that_fails_half_way_leaves_nothing_of_it(store: Store):
    store.imports.record_many("acme", [imported(line) for line in range(3)])
    batch = [imported(line) for line in range(3, 9)]
    batch[4] = imported(7, greeting={1, 2})  # not JSON: fails after the batch's sends went in
    with pytest.raises((StatementError, TypeError)):  # as SQLAlchemy wraps it, or psycopg raises it
        store.imports.record_many("acme", batch)
    assert stored(store) == (3, 3, 3)  # the earlier batch, and nothing of this one
    assert count(store, "select count(*) from send_findings") == 3


def test_a_batch_written_again_stores_only_its_new_rows(store: Store):
    assert store.imports.record_many("acme", [imported(line) for line in range(10)]) == 10
    # a Dask partition retried, or a resumed run, overlapping what is stored
    assert store.imports.record_many("acme", [imported(line) for line in range(5, 15)]) == 5
    assert stored(store) == (15, 15, 15)


def test_a_row_stored_without_its_review_gets_only_the_review(store: Store):
    store.sends.record(imported(1).send)  # a run before batches, killed between its two commits
    assert store.audit.scored_keys("acme", "audit:run1:") == []
    assert store.imports.record_many("acme", [imported(1), imported(2)]) == 1
    assert stored(store) == (2, 2, 2)


def test_a_writer_that_missed_a_racing_writers_rows_writes_its_batch_again(store: Store, monkeypatch):
    store.imports.record_many("acme", [imported(line) for line in range(4)])
    real = imports_module._stored_sends
    calls: list[int] = []

    def blind_once(session, organisation, keys):  # the racing writer committed after this look
        calls.append(1)
        return {} if len(calls) == 1 else real(session, organisation, keys)

    monkeypatch.setattr(imports_module, "_stored_sends", blind_once)
    assert store.imports.record_many("acme", [imported(line) for line in range(8)]) == 4
    assert len(calls) == 2  # the first transaction failed whole on the unique key
    assert stored(store) == (8, 8, 8)


def test_two_writers_of_the_same_batch_store_each_row_once(store: Store):
    batch = [imported(line) for line in range(20)]
    start = threading.Barrier(2)
    new: list[int] = []

    def write() -> None:
        start.wait()
        new.append(store.imports.record_many("acme", batch))

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert sorted(new) == [0, 20]
    assert stored(store) == (20, 20, 20)


def test_a_row_without_a_key_or_of_another_organisation_is_refused(store: Store):
    keyless = dataclasses.replace(imported(1), send=dataclasses.replace(imported(1).send, idempotency_key=None))
    with pytest.raises(ValueError, match="idempotency key"):
        store.imports.record_many("acme", [keyless])
    with pytest.raises(ValueError, match="organisation"):
        store.imports.record_many("globex", [imported(2)])
    assert stored(store) == (0, 0, 0)
