"""QA over HTTP: the audit with its filters and cursor, one record in full with its
automatic scorecard, reviews by several reviewers, aggregates, calibration, CSV exports;
and for every route, another organisation's reviewer sees nothing and agents are refused."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from conftest import bearer
from fastapi.testclient import TestClient

CARD_REPLY = (
    "Dear Mr Lee,\n\nI have taken the payment from your card 4111 1111 1111 1111 today, and your account is up "
    "to date. Is there anything else I can help with?\n\nKind regards,\nAmy"
)
CLEAN_REPLY = (
    "Dear Mr Lee,\n\nThank you for your payment. Your account is now up to date and your next bill is due on "
    "1 March.\n\nIs there anything else I can help with?\n\nKind regards,\nAmy"
)
LATE = {
    "ticket": {"created_at": "2026-03-02T09:00:00Z", "last_customer_message_at": "2026-03-02T09:00:00Z"},
    "now": "2026-03-05T15:00:00Z",
}
TEAM = "qa-api-team"
READ_ROUTES = [
    "/v1/audit",
    "/v1/audit/aggregates",
    "/v1/audit/export/records.csv",
    "/v1/audit/export/scores.csv",
]


@pytest.fixture(scope="module")
def sent(client: TestClient) -> dict[str, str]:
    """Four sends of acme's team qa-api-team: a blocked card number (then overridden), a
    late reply, two clean ones on email and chat."""
    since = datetime.now(UTC).isoformat()
    ids = {}
    for name, text, agent, extra in [
        ("card", CARD_REPLY, "qa-amy", {}),
        ("late", CLEAN_REPLY, "qa-amy", LATE),
        ("clean", CLEAN_REPLY, "qa-bo", {}),
        ("chat", CLEAN_REPLY, "qa-bo", {"channel": "chat"}),
    ]:
        body = {"text": text, "channel": "email", "agent": {"id": agent, "name": agent, "team": TEAM}} | extra
        answer = client.post("/v1/sends", json=body)
        assert answer.status_code == 201, answer.text
        ids[name] = answer.json()["id"]
        if name == "card":
            blockers = answer.json()["blockers"]
            reason = "The customer asked us to confirm the card they used; it is their own."
            assert client.post(
                f"/v1/sends/{ids[name]}/override", json={"reason": reason, "findings": blockers}
            ).is_success
    ids["since"] = since
    return ids


def audit(client, keys, **params):
    response = client.get("/v1/audit", params={"team": TEAM} | params, headers=bearer(keys["reviewer"]))
    assert response.status_code == 200, response.text
    return response.json()


def ids_of(page) -> set[str]:
    return {item["id"] for item in page["items"]}


def test_the_audit_filters_by_each_field(client, keys, sent):
    assert ids_of(audit(client, keys)) == {sent["card"], sent["late"], sent["clean"], sent["chat"]}
    assert ids_of(audit(client, keys, agent="qa-amy")) == {sent["card"], sent["late"]}
    assert ids_of(audit(client, keys, channel="chat")) == {sent["chat"]}
    assert ids_of(audit(client, keys, verdict="block")) == {sent["card"]}
    assert ids_of(audit(client, keys, rule="confidentiality.credit_card")) == {sent["card"]}
    assert ids_of(audit(client, keys, overridden="true")) == {sent["card"]}
    assert sent["card"] not in ids_of(audit(client, keys, overridden="false"))
    assert ids_of(audit(client, keys, sla_state="breached")) == {sent["late"]}
    assert ids_of(audit(client, keys, since=sent["since"], until="2000-01-01T00:00:00Z")) == set()
    assert len(ids_of(audit(client, keys, since=sent["since"]))) == 4
    naive = client.get("/v1/audit", params={"since": "2026-03-02T00:00:00"}, headers=bearer(keys["reviewer"]))
    assert naive.status_code == 422 and "time zone" in naive.json()["detail"]


def test_cursor_pagination_walks_every_record_once_newest_first(client, keys, sent):
    seen, cursor = [], None
    while True:
        page = audit(client, keys, limit=1, **({"cursor": cursor} if cursor else {}))
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted({sent["card"], sent["late"], sent["clean"], sent["chat"]}, reverse=True)


def test_one_record_in_full_with_its_automatic_scorecard(client, keys, sent):
    record = client.get(f"/v1/audit/{sent['card']}", headers=bearer(keys["reviewer"])).json()
    assert record["record"]["text_stored"] == "masked" and "4111 1111 1111 1111" not in record["record"]["text"]
    assert record["record"]["override"]["reason"].startswith("The customer asked")
    assert record["record"]["report"]["checks"]["confidentiality"]["status"] == "ok"
    assert record["automatic"]["kind"] == "auto" and record["automatic"]["scores"]["confidentiality"] == 0
    assert record["scorecard"]["items"]["confidentiality"]["criteria"]
    late = client.get(f"/v1/audit/{sent['late']}", headers=bearer(keys["reviewer"])).json()
    assert late["automatic"]["scores"]["sla"] == 0 and late["record"]["sla_state"] == "breached"
    listed = audit(client, keys, agent="qa-bo")["items"]
    assert all(item["automatic"]["total"] == 100.0 for item in listed)  # every recorded send is scored


def test_several_reviewers_score_a_record_beside_the_automatic_scores(client, keys, sent):
    scores = {"accurate": 2, "tone": 2, "clear": 2, "next_steps": 2, "listened": 2, "confidentiality": 0,
              "sla": None, "house_style": 2}  # fmt: skip
    first = client.post(
        f"/v1/sends/{sent['card']}/reviews",
        json={"scores": scores, "comments": {"confidentiality": "Card read back in full."}, "reviewer": "Rita",
              "scorecard_version": "1"},
        headers=bearer(keys["reviewer"]),
    )  # fmt: skip
    assert first.status_code == 201, first.text
    assert first.json()["scorecard"]["version"] == "1" and first.json()["total"] is not None
    second = client.post(
        f"/v1/sends/{sent['card']}/reviews",
        json={"scores": scores | {"confidentiality": 1}, "reviewer": "Sam"},
        headers=bearer(keys["admin"]),
    )
    assert second.status_code == 201, second.text
    listed = client.get(f"/v1/sends/{sent['card']}/reviews", headers=bearer(keys["reviewer"])).json()
    assert [r["reviewer"] for r in listed["reviews"]] == ["Rita", "Sam"]
    assert listed["automatic"]["scores"]["confidentiality"] == 0
    assert listed["reviews"][0]["comments"] == {"confidentiality": "Card read back in full."}

    def refused(body):
        return client.post(f"/v1/sends/{sent['card']}/reviews", json=body, headers=bearer(keys["reviewer"]))

    assert refused({"scores": scores, "scorecard_version": "0"}).status_code == 409
    off_scale = refused({"scores": scores | {"tone": 7}})
    assert off_scale.status_code == 422 and "scores.tone: 7 is off the scale 0-2" in off_scale.json()["detail"]
    assert "missing: house_style" in refused({"scores": {k: v for k, v in scores.items() if k != "house_style"}}).text
    assert refused({"scores": scores | {"colour": 1}}).status_code == 422


def test_aggregates_rules_and_calibration(client, keys, sent):
    client.post(
        f"/v1/sends/{sent['clean']}/reviews",
        json={"scores": {"accurate": 2, "tone": 1, "clear": 2, "next_steps": 2, "listened": 2, "confidentiality": 2,
                         "sla": None, "house_style": 2}, "reviewer": "Rita"},
        headers=bearer(keys["reviewer"]),
    )  # fmt: skip
    found = client.get("/v1/audit/aggregates", params={"team": TEAM, "by": "agent"}, headers=bearer(keys["reviewer"]))
    assert found.status_code == 200, found.text
    body = found.json()
    groups = {g["key"]: g for g in body["groups"]}
    assert set(groups) == {"qa-amy", "qa-bo"}
    amy, bo = groups["qa-amy"], groups["qa-bo"]
    assert (amy["sends"], amy["overridden"], amy["sla_breached"], amy["verdicts"]["block"]) == (2, 1, 1, 1)
    assert bo["human"]["tone"] == 50.0 and bo["automatic"]["tone"] == 100.0 and bo["reviewed"] == 1
    card = next(r for r in body["rules"] if r["rule"] == "confidentiality.credit_card")
    assert (card["fired"], card["blocked"], card["overridden"], card["override_rate"]) == (1, 1, 1, 1.0)
    tone = next(c for c in body["calibration"] if c["item"] == "tone")
    assert (
        tone["automatic_vs_human"]["n"] >= 1 and tone["automatic_vs_human"]["agreed"] < tone["automatic_vs_human"]["n"]
    )
    confidentiality = next(c for c in body["calibration"] if c["item"] == "confidentiality")
    assert confidentiality["between_reviewers"]["n"] >= 1  # Rita and Sam scored the card reply
    weekly = client.get("/v1/audit/aggregates", params={"team": TEAM}, headers=bearer(keys["reviewer"])).json()
    assert weekly["by"] == "week" and sum(g["sends"] for g in weekly["groups"]) == 4


def test_csv_exports_of_records_and_scores_are_streamed(client, keys, sent):
    records = client.get("/v1/audit/export/records.csv", params={"team": TEAM}, headers=bearer(keys["reviewer"]))
    assert records.status_code == 200 and records.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(records.text)))
    assert {row["id"] for row in rows} == {sent["card"], sent["late"], sent["clean"], sent["chat"]}
    assert next(row for row in rows if row["id"] == sent["card"])["status"] == "overridden"
    scores = client.get("/v1/audit/export/scores.csv", params={"team": TEAM}, headers=bearer(keys["reviewer"]))
    lines = list(csv.DictReader(io.StringIO(scores.text)))
    assert {line["kind"] for line in lines} == {"auto", "human"}
    assert any(line["reviewer"] == "Rita" and line["item"] == "confidentiality" for line in lines)


def test_another_organisation_s_reviewer_sees_nothing_on_any_route(client, keys, other_keys, sent):
    other = bearer(other_keys["reviewer"])
    listed = client.get("/v1/audit", params={"limit": 200}, headers=other).json()
    assert not ids_of(listed) & set(sent.values())
    assert client.get("/v1/audit/aggregates", params={"team": TEAM}, headers=other).json()["groups"] == []
    for route in READ_ROUTES[2:]:
        exported = client.get(route, params={"team": TEAM}, headers=other)
        assert exported.status_code == 200 and len(exported.text.splitlines()) == 1  # the header alone
    for path in (f"/v1/audit/{sent['card']}", f"/v1/sends/{sent['card']}/reviews"):
        assert client.get(path, headers=other).status_code == 404
    posted = client.post(f"/v1/sends/{sent['card']}/reviews", json={"scores": {}}, headers=other)
    assert posted.status_code == 404


@pytest.mark.parametrize("path", [*READ_ROUTES, "/v1/audit/snd_x", "/v1/sends/snd_x/reviews"])
def test_agent_keys_cannot_read_the_audit_and_no_key_is_401(client, keys, path):
    refused = client.get(path, headers=bearer(keys["agent"]))
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert client.get(path, headers={"Authorization": ""}).status_code == 401


def test_review_bodies_that_are_malformed_or_oversize_get_problems(client, keys, sent):
    path, headers = f"/v1/sends/{sent['clean']}/reviews", bearer(keys["reviewer"])
    assert client.post(path, json={"scores": {}}, headers=bearer(keys["agent"])).status_code == 403
    malformed = client.post(path, content=b"{not json", headers=headers | {"content-type": "application/json"})
    assert malformed.status_code == 422 and malformed.headers["content-type"] == "application/problem+json"
    wrong_type = client.post(path, json={"scores": {"tone": "great"}}, headers=headers)
    assert wrong_type.status_code == 422
    huge = client.post(path, json={"scores": {}, "comment": "x" * 2_000_000}, headers=headers)
    assert huge.status_code == 413 and huge.headers["content-type"] == "application/problem+json"
