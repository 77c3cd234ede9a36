"""The store on both engines, SQLite and a real PostgreSQL: keys kept only as hashes,
one organisation never reaching another's records, idempotent records, overrides,
erasure and purge, timezone-aware times."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from assistant.store import FindingRef, NewSend, OverrideRefused, Role, SendConflict, Store
from assistant.store.keys import hash_token


def new_send(org: str = "acme", **changes) -> NewSend:
    fields = dict(
        organisation=org,
        request_hash="h1",
        channel="email",
        guide_id="default",
        guide_version="1",
        verdict="block",
        allowed=False,
        text="Hi [customer], your card ************1111 is on file.",
        text_stored="masked",
        text_sha256="t1",
        report={"findings": [], "text": "Hi [customer], ..."},
        context={"channel": "email"},
        findings=[FindingRef("f1", "confidentiality", "confidentiality.payment_card", "blocker")],
        blockers=["f1"],
        subjects=["s-sarah"],
    )
    fields.update(changes)
    return NewSend(**fields)


@pytest.fixture
def store(fresh_store: Store) -> Store:
    for org in ("acme", "globex"):
        fresh_store.keys.create_organisation(org)
    return fresh_store


def test_a_key_is_stored_only_as_its_hash_and_works_until_revoked(store: Store):
    info, token = store.keys.create("acme", Role.agent, "sidebar")
    assert token.startswith("tf_") and len(token) == 46
    with store.db.transaction(write=False) as session:
        stored = session.execute(text("SELECT token_hash FROM api_keys")).scalars().all()
    assert stored == [hash_token(token)] and token not in stored
    principal = store.keys.authenticate(token)
    assert principal is not None and (principal.organisation, principal.role) == ("acme", Role.agent)
    assert store.keys.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    store.keys.revoke(info.id)
    assert store.keys.authenticate(token) is None
    assert [k.revoked_at is not None for k in store.keys.list("acme")] == [True]


def test_times_come_back_timezone_aware(store: Store):
    record, _ = store.sends.record(new_send())
    assert record.created_at.tzinfo is not None
    again = store.sends.get("acme", record.id)
    assert again is not None and again.created_at.utcoffset() == timedelta(0)
    assert abs((again.created_at - datetime.now(UTC)).total_seconds()) < 60


def test_another_organisation_cannot_read_override_confirm_or_erase_a_send(store: Store):
    record, _ = store.sends.record(new_send())
    assert store.sends.get("globex", record.id) is None
    assert (
        store.sends.override("globex", record.id, reason="x" * 12, finding_ids=["f1"], by_key_id="k", by_agent={})
        is None
    )
    assert store.sends.confirm("globex", record.id, text_sha256=None, message_id=None) is None
    assert store.sends.erase("globex", ["s-sarah"], ["card"], identifier_hash="i", by_key_id="k")[1] == 0
    assert store.sends.get("acme", record.id).text_stored == "masked"


def test_an_override_must_name_every_blocker_and_is_recorded_with_who_and_when(store: Store):
    record, _ = store.sends.record(new_send())
    with pytest.raises(OverrideRefused) as refused:
        store.sends.override("acme", record.id, reason="the customer asked", finding_ids=[], by_key_id="k", by_agent={})
    assert refused.value.missing == ["f1"]
    with pytest.raises(OverrideRefused) as unknown:
        store.sends.override(
            "acme", record.id, reason="the customer asked", finding_ids=["f1", "nope"], by_key_id="k", by_agent={}
        )
    assert unknown.value.unknown == ["f1"]  # the send's own findings, never the ids sent
    done = store.sends.override(
        "acme",
        record.id,
        reason="The customer asked us to repeat it",
        finding_ids=["f1"],
        by_key_id="key_1",
        by_agent={"id": "a7", "name": "Sam"},
    )
    assert done is not None and (done.status, done.allowed) == ("overridden", True)
    assert done.override is not None and done.override.by_agent["name"] == "Sam" and done.override.at.tzinfo
    with pytest.raises(SendConflict):
        store.sends.override(
            "acme", record.id, reason="again and again", finding_ids=["f1"], by_key_id="k", by_agent={}
        )


def test_one_idempotency_key_makes_one_record_even_when_two_arrive_at_once(store: Store):
    results = []

    def record() -> None:
        results.append(store.sends.record(new_send(idempotency_key="retry-1")))

    threads = [threading.Thread(target=record) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.id for r, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with store.db.transaction(write=False) as session:
        assert session.execute(text("SELECT count(*) FROM sends")).scalar() == 1
    # The same key in another organisation is another send.
    other, created = store.sends.record(new_send("globex", idempotency_key="retry-1"))
    assert created and other.id != results[0][0].id


def test_erasure_anonymises_every_linked_record_and_keeps_only_a_hash(store: Store):
    linked, _ = store.sends.record(new_send())
    named, _ = store.sends.record(new_send(subjects=[], text="Sarah Jones called", text_stored="full"))
    other, _ = store.sends.record(new_send(subjects=["s-other"], text="Nothing personal"))
    store.sends.override(
        "acme", linked.id, reason="Sarah Jones asked for it", finding_ids=["f1"], by_key_id="k", by_agent={}
    )
    erasure_id, count = store.sends.erase("acme", ["s-sarah"], ["Sarah Jones"], identifier_hash="hash", by_key_id="k")
    assert count == 2 and erasure_id.startswith("era_")
    for send_id in (linked.id, named.id):
        record = store.sends.get("acme", send_id)
        assert record.text is None and record.text_stored == "erased" and record.report["text"] == ""
    assert "Sarah" not in store.sends.get("acme", linked.id).override.reason
    assert store.sends.get("acme", other.id).text == "Nothing personal"
    with store.db.transaction(write=False) as session:
        row = session.execute(text("SELECT identifier_hash, records FROM erasures")).one()
        subjects = session.execute(text("SELECT count(*) FROM send_subjects")).scalar()
    assert tuple(row) == ("hash", 2) and subjects == 1  # only the unrelated send's subject is left


def test_purge_drops_old_text_and_keeps_the_findings(store: Store):
    old, _ = store.sends.record(new_send(created_at=datetime.now(UTC) - timedelta(days=400)))
    new, _ = store.sends.record(new_send())
    assert store.sends.purge("default", datetime.now(UTC) - timedelta(days=365)) == 1
    purged = store.sends.get("acme", old.id)
    assert purged.text is None and purged.text_stored == "purged" and purged.blockers == ["f1"]
    assert store.sends.get("acme", new.id).text_stored == "masked"
    assert store.sends.purge("default", datetime.now(UTC) - timedelta(days=365)) == 0
