"""The pre-send gate over HTTP, as a host calls it: a reply holding a card number is
stopped, overridden with a reason, recorded masked; retries are one record; an erasure
leaves no record naming the customer; a check that cannot run is decided by the guide."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import bearer
from fastapi.testclient import TestClient
from sqlalchemy import text as sql

from assistant.api.app import create_app
from assistant.checks.grammar import GrammarCheck
from assistant.gate import Gate
from assistant.guide import load_guides
from assistant.pipeline import Pipeline
from assistant.resources import Resources
from assistant.sections import guide_sections
from assistant.services import Services
from assistant.settings import PROJECT_ROOT
from assistant.subjects import Subjects

CARD = "4111 1111 1111 1111"
CARD_REPLY = (
    "Dear Mr Lee,\n\nI have taken the payment from your card " + CARD + " today, and your account is up "
    "to date. Is there anything else I can help with?\n\nKind regards,\nAmy"
)
CLEAN_REPLY = (
    "Dear Mr Lee,\n\nThank you for your payment. Your account is now up to date and your next bill is due on "
    "1 March.\n\nIs there anything else I can help with?\n\nKind regards,\nAmy"
)
CUSTOMER = {"name": "Dana Lee", "email": "dana.lee@example.com", "phone": "+44 7700 900123"}
PERSONAL_REPLY = (
    "Hi Dana,\n\nThank you for getting in touch. We have sent the new contract to dana.lee@example.com and "
    "will call you on 07700 900123 tomorrow morning to go through it.\n\nIs there anything else I can help "
    "with?\n\nKind regards,\nAmy"
)


def test_a_card_number_is_stopped_overridden_with_a_reason_and_recorded(client: TestClient):
    body = {"text": CARD_REPLY, "channel": "email", "agent": {"id": "a-17", "name": "Amy", "team": "billing"}}
    sent = client.post("/v1/sends", json=body)
    assert sent.status_code == 201, sent.text
    answer = sent.json()
    assert (answer["allowed"], answer["verdict"], answer["status"]) == (False, "block", "blocked")
    card = next(f for f in answer["report"]["findings"] if f["rule"] == "confidentiality.credit_card")
    assert card["id"] in answer["blockers"]

    refused = client.post(f"/v1/sends/{answer['id']}/override", json={"reason": "Customer asked", "findings": []})
    assert refused.status_code == 422 and card["id"] in refused.json()["detail"]
    too_short = client.post(f"/v1/sends/{answer['id']}/override", json={"reason": "ok", "findings": answer["blockers"]})
    assert too_short.status_code == 422

    reason = "The customer asked us to read back the card they used; it is their own card."
    overridden = client.post(
        f"/v1/sends/{answer['id']}/override", json={"reason": reason, "findings": answer["blockers"]}
    )
    assert overridden.status_code == 200, overridden.text
    record = client.get(f"/v1/sends/{answer['id']}").json()
    assert (record["status"], record["allowed"]) == ("overridden", True)
    assert record["override"]["reason"] == reason and record["override"]["findings"] == answer["blockers"]
    assert record["override"]["by"]["agent"] == {"id": "a-17", "name": "Amy", "team": "billing"}
    assert record["override"]["by"]["key"].startswith("key_") and record["override"]["at"]
    assert record["sent_at"] is not None and record["agent"]["team"] == "billing"
    again = client.post(f"/v1/sends/{answer['id']}/override", json={"reason": reason, "findings": answer["blockers"]})
    assert again.status_code == 409


def test_the_record_is_masked_by_default_and_its_findings_point_into_the_masked_text(client: TestClient):
    answer = client.post("/v1/sends", json={"text": CARD_REPLY, "channel": "email"}).json()
    record = client.get(f"/v1/sends/{answer['id']}").json()
    assert record["text_stored"] == "masked"
    assert CARD not in record["text"] and "1111" in record["text"]  # the last four digits stay
    assert CARD not in json.dumps(record)
    card = next(f for f in record["report"]["findings"] if f["rule"] == "confidentiality.credit_card")
    assert record["text"][card["start"] : card["end"]] == card["excerpt"] and card["suggestions"] == []
    for finding in record["report"]["findings"]:
        if finding["start"] is not None:
            assert record["report"]["text"][finding["start"] : finding["end"]] == finding["excerpt"]


def test_the_customer_s_own_details_are_masked_in_the_record(client: TestClient):
    answer = client.post("/v1/sends", json={"text": PERSONAL_REPLY, "channel": "email", "customer": CUSTOMER})
    assert answer.status_code == 201, answer.text
    stored = json.dumps(client.get(f"/v1/sends/{answer.json()['id']}").json())
    for value in ("Dana", "dana.lee@example.com", "07700 900123", "7700 900123", "Lee"):
        assert value not in stored


def test_an_allowed_send_counts_as_sent_and_the_host_may_confirm_it(client: TestClient):
    answer = client.post("/v1/sends", json={"text": CLEAN_REPLY, "channel": "email"}).json()
    assert (answer["allowed"], answer["status"]) == (True, "allowed"), answer["report"]["findings"]
    assert client.get(f"/v1/sends/{answer['id']}").json()["sent_at"] is not None
    changed = client.post(f"/v1/sends/{answer['id']}/confirm", json={"text": CLEAN_REPLY + " PS."})
    assert changed.status_code == 409 and "gate again" in changed.json()["detail"]
    confirmed = client.post(f"/v1/sends/{answer['id']}/confirm", json={"text": CLEAN_REPLY, "message_id": "m-1"})
    assert confirmed.status_code == 200 and confirmed.json()["message_id"] == "m-1"
    assert confirmed.json()["confirmed_at"] is not None
    not_allowed = client.post("/v1/sends", json={"text": CARD_REPLY, "channel": "email"}).json()
    assert client.post(f"/v1/sends/{not_allowed['id']}/confirm", json={}).status_code == 409


def count_sends(services: Services, key: str) -> int:
    with services.store.db.transaction(write=False) as session:
        return session.execute(sql("SELECT count(*) FROM sends WHERE idempotency_key = :k"), {"k": key}).scalar()


def test_a_retry_with_the_same_idempotency_key_is_one_record_and_the_same_answer(client, services):
    headers = {"Idempotency-Key": "zendesk-ticket-81-reply-3"}
    first = client.post("/v1/sends", json={"text": CARD_REPLY, "channel": "email"}, headers=headers)
    retry = client.post("/v1/sends", json={"text": CARD_REPLY, "channel": "email"}, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert {k: retry.json()[k] for k in ("id", "allowed", "verdict", "blockers")} == {
        k: first.json()[k] for k in ("id", "allowed", "verdict", "blockers")
    }
    assert count_sends(services, headers["Idempotency-Key"]) == 1
    other = client.post("/v1/sends", json={"text": CLEAN_REPLY, "channel": "email"}, headers=headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert count_sends(services, headers["Idempotency-Key"]) == 1


def test_the_gate_runs_every_check(client: TestClient):
    refused = client.post("/v1/sends", json={"text": CARD_REPLY, "channel": "email", "checks": ["grammar"]})
    assert refused.status_code == 422


def test_after_an_erasure_no_record_names_the_customer(client: TestClient, keys: dict[str, str]):
    full = [
        client.post("/v1/sends", json={"text": PERSONAL_REPLY, "channel": "email", "customer": CUSTOMER}).json()["id"]
        for _ in range(2)
    ]
    unrelated = client.post("/v1/sends", json={"text": CLEAN_REPLY, "channel": "email"}).json()["id"]
    assert client.post("/v1/erasures", json={"identifier": CUSTOMER["email"]}).status_code == 403  # agent key
    erased = client.post("/v1/erasures", json={"identifier": "07700 900123"}, headers=bearer(keys["admin"]))
    assert erased.status_code == 201, erased.text
    assert erased.json()["records"] >= 2
    for send_id in full:
        record = client.get(f"/v1/sends/{send_id}").json()
        assert record["text"] is None and record["text_stored"] == "erased"
        assert all(part not in json.dumps(record) for part in ("Dana", "dana.lee", "900123"))
    assert client.get(f"/v1/sends/{unrelated}").json()["text_stored"] == "masked"


# -- guides that store the full text, or block when a check cannot run -------------------
def own_guide(tmp_path: Path, guide_id: str, gate: str) -> Path:
    folder = tmp_path / guide_id
    folder.mkdir()
    (folder / "guide.yaml").write_text(f"extends: default\norganisation: acme\ngate:\n{gate}", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def gated_client(services: Services, keys: dict[str, str], tmp_path_factory) -> Iterator[TestClient]:
    """The same service with two guides of acme's, and LanguageTool unreachable."""
    tmp = tmp_path_factory.mktemp("guides")
    guides = load_guides(
        PROJECT_ROOT / "style_guides",
        guide_sections(),
        [
            own_guide(tmp, "acme-full", "  store_text: full\n"),
            own_guide(tmp, "acme-careful", "  on_unavailable: block\n"),
        ],
    )
    dead = Resources(
        services.settings.model_copy(update={"languagetool_url": "http://127.0.0.1:9", "languagetool_timeout": 1})
    )
    checks = [GrammarCheck.build(dead) if c.name == "grammar" else c for c in services.pipeline.checks]
    pipeline = Pipeline(checks, services.nlp, guides, io_timeout=1.0)
    gate = Gate(
        pipeline, services.store, Subjects(b"test-secret"), services.privacy, max_chars=services.settings.max_text_chars
    )
    app = create_app(services=dataclasses.replace(services, pipeline=pipeline, gate=gate))
    with TestClient(app, raise_server_exceptions=False, headers=bearer(keys["agent"])) as test_client:
        yield test_client


def test_a_guide_may_store_the_full_text(gated_client: TestClient):
    answer = gated_client.post("/v1/sends", json={"text": PERSONAL_REPLY, "channel": "email", "guide": "acme-full"})
    record = gated_client.get(f"/v1/sends/{answer.json()['id']}").json()
    assert record["text_stored"] == "full" and record["text"] == PERSONAL_REPLY


def test_with_languagetool_down_the_guide_decides_whether_the_send_goes_out(gated_client: TestClient):
    default = gated_client.post("/v1/sends", json={"text": CLEAN_REPLY, "channel": "email"}).json()
    assert default["unavailable"] == ["grammar"] and default["allowed"] is True
    assert default["report"]["checks"]["grammar"]["status"] == "unavailable"
    careful = gated_client.post("/v1/sends", json={"text": CLEAN_REPLY, "channel": "email", "guide": "acme-careful"})
    answer = careful.json()
    assert (answer["allowed"], answer["status"], answer["blockers"]) == (False, "blocked", [])
    reason = "LanguageTool is down and the customer is waiting for this answer."
    overridden = gated_client.post(f"/v1/sends/{answer['id']}/override", json={"reason": reason, "findings": []})
    assert overridden.status_code == 200 and overridden.json()["allowed"] is True


def test_a_database_that_goes_down_gets_a_clear_503_and_the_gate_recovers(services: Services):
    """On a real PostgreSQL stopped under the service: 503 with Retry-After (never a 500),
    nothing recorded; started again, the next send is recorded."""
    from pgserver import PostgresServer

    from assistant.store import Store

    server = PostgresServer().start()
    store = Store(server.create_database("gate"), key_cache_seconds=60)
    try:
        store.migrate()
        from conftest import make_keys

        agent = make_keys(store, "acme")["agent"]
        gate = Gate(
            services.pipeline, store, Subjects(b"s"), services.privacy, max_chars=services.settings.max_text_chars
        )
        app = create_app(services=dataclasses.replace(services, store=store, gate=gate))
        with TestClient(app, raise_server_exceptions=False, headers=bearer(agent)) as api:
            assert api.post("/v1/sends", json={"text": CLEAN_REPLY, "channel": "email"}).status_code == 201
            server.stop("immediate")
            down = api.post("/v1/sends", json={"text": CLEAN_REPLY, "channel": "email"})
            assert down.status_code == 503 and down.headers["Retry-After"].isdigit()
            assert down.headers["content-type"] == "application/problem+json"
            assert api.get("/readyz").json()["dependencies"]["store"]["status"] == "down"
            server.start()
            again = api.post("/v1/sends", json={"text": CLEAN_REPLY, "channel": "email"})
            assert again.status_code == 201, again.text
            assert api.get(f"/v1/sends/{again.json()['id']}").status_code == 200
    finally:
        store.close()
        server.remove()


def test_the_gate_refuses_oversize_and_malformed_bodies_without_echoing_them(client: TestClient):
    big = client.post("/v1/sends", json={"text": "x" * 50_001, "channel": "email"})
    assert big.status_code == 413 and big.headers["content-type"] == "application/problem+json"
    broken = client.post("/v1/sends", content=b'{"text": "card 4111 1111', headers={"content-type": "application/json"})
    assert broken.status_code == 422 and "4111" not in broken.text
    answer = client.post("/v1/sends", json={"text": CARD_REPLY, "channel": "email"}).json()
    secret = "Dana's card is 4111111111111111"
    refused = client.post(f"/v1/sends/{answer['id']}/override", json={"reason": "her own card", "findings": [secret]})
    assert refused.status_code == 422 and secret not in refused.text and answer["blockers"][0] in refused.text
