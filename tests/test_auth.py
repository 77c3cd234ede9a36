"""Keys, roles and organisations on every route: no key is 401, the wrong role 403, and
another organisation's key finds nothing of acme's — its sends are as absent as ids that
never existed, its guide and templates as unknown as made-up ones."""

from __future__ import annotations

import json

import pytest
from conftest import bearer
from fastapi.testclient import TestClient

from assistant.api.app import create_app

OPEN = {"/healthz", "/readyz"}  # with the API docs: open to anyone
SEND_ID = "snd_000000000000aaaaaaaaaaaaaaaa"
# The least body each route takes that gets past validation, so an answer is about the key.
BODIES = {
    "/v1/sends/{send_id}/reviews": {"scores": {}},
    "/v1/check": {"text": "Hello.", "channel": "chat"},
    "/v1/triage": {"messages": []},
    "/v1/redact": {"text": "Hello.", "channel": "chat"},
    "/v1/drafts": {"template": "acknowledgement", "channel": "email"},
    "/v1/templates/suggest": {"message": "my bill is too high"},
    "/v1/sends": {"text": "Hello.", "channel": "chat"},
    "/v1/sends/{send_id}/override": {"reason": "a good reason here", "findings": []},
    "/v1/sends/{send_id}/confirm": {},
    "/v1/erasures": {"identifier": "dana@example.com"},
    "/v1/keys": {"role": "agent", "name": "made by the role test"},
}
# Which role each route needs (admin may do everything).
ROLES = {
    "/v1/erasures": {"admin"},
    "/v1/keys": {"admin"},
    "/v1/keys/{key_id}": {"admin"},
    "GET /v1/sends/{send_id}": {"agent", "reviewer"},
    "/v1/rules": {"agent", "reviewer"},
    "/v1/audit": {"reviewer"},
    "/v1/audit/{send_id}": {"reviewer"},
    "/v1/audit/aggregates": {"reviewer"},
    "/v1/audit/export/records.csv": {"reviewer"},
    "/v1/audit/export/scores.csv": {"reviewer"},
    "/v1/sends/{send_id}/reviews": {"reviewer"},
}


def operations() -> list[tuple[str, str]]:
    """Every operation the OpenAPI document declares, but the open ones."""
    paths = create_app().openapi()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() if path not in OPEN for method in ops)


OPERATIONS = operations()


def call(client: TestClient, method: str, path: str, headers: dict[str, str] | None = None, send_id: str = SEND_ID):
    url = (
        path.replace("{send_id}", send_id).replace("{guide_id}", "default").replace("{template_id}", "acknowledgement")
    )
    body = BODIES.get(path)
    return client.request(method, url, json=body if method == "POST" else None, headers=headers or {})


@pytest.fixture(scope="module")
def anonymous(services) -> TestClient:
    with TestClient(create_app(services=services), raise_server_exceptions=False) as test_client:
        yield test_client


def test_every_route_but_health_and_docs_is_behind_a_key():
    assert len(OPERATIONS) >= 14 and all(path.startswith("/v1/") for _, path in OPERATIONS)


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_key_or_a_bad_key_gets_401(anonymous: TestClient, method: str, path: str):
    for headers in ({}, bearer("tf_" + "x" * 43), {"Authorization": "Basic dXNlcjpwYXNz"}, bearer("not a key")):
        response = call(anonymous, method, path, headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_a_key_of_the_wrong_role_gets_403(anonymous: TestClient, keys, method: str, path: str):
    allowed = ROLES.get(f"{method} {path}", ROLES.get(path, {"agent"})) | {"admin"}
    for role in ("agent", "reviewer", "admin"):
        status = call(anonymous, method, path, bearer(keys[role])).status_code
        if role in allowed:
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)


def test_a_revoked_key_stops_working(anonymous: TestClient, services, keys):
    from assistant.store import Role

    info, token = services.store.keys.create("acme", Role.agent, "leaver")
    assert call(anonymous, "GET", "/v1/guides", bearer(token)).status_code == 200
    services.store.keys.revoke(info.id)
    assert call(anonymous, "GET", "/v1/guides", bearer(token)).status_code == 401


# -- one organisation never sees another's ----------------------------------------------
CARD_REPLY = "Hello, your card 4111 1111 1111 1111 is on file. Is there anything else I can help with?"


@pytest.fixture(scope="module")
def acme_send(anonymous: TestClient, keys) -> str:
    answer = anonymous.post("/v1/sends", json={"text": CARD_REPLY, "channel": "chat"}, headers=bearer(keys["agent"]))
    assert answer.status_code == 201
    return answer.json()["id"]


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/v1/sends/{send_id}"), ("POST", "/v1/sends/{send_id}/override"), ("POST", "/v1/sends/{send_id}/confirm")],
)
def test_another_organisation_s_send_is_exactly_as_absent_as_an_unknown_one(
    anonymous: TestClient, keys, other_keys, acme_send: str, method: str, path: str
):
    for role in ("agent", "admin"):
        theirs = call(anonymous, method, path, bearer(other_keys[role]), send_id=acme_send)
        unknown = call(anonymous, method, path, bearer(other_keys[role]), send_id=SEND_ID)
        assert theirs.status_code == unknown.status_code == 404
        assert theirs.json() == unknown.json()
    mine = anonymous.get(f"/v1/sends/{acme_send}", headers=bearer(keys["reviewer"])).json()
    assert mine["status"] == "blocked" and mine["override"] is None  # nothing above changed it


def test_another_organisation_cannot_erase_acme_s_records(anonymous: TestClient, keys, other_keys, acme_send: str):
    erased = anonymous.post(
        "/v1/erasures", json={"identifier": "4111 1111 1111 1111"}, headers=bearer(other_keys["admin"])
    )
    assert erased.status_code == 201 and erased.json()["records"] == 0
    assert anonymous.get(f"/v1/sends/{acme_send}", headers=bearer(keys["agent"])).json()["text_stored"] == "masked"


def test_a_guide_of_another_organisation_is_refused_as_an_unknown_one(anonymous: TestClient, keys):
    agent = bearer(keys["agent"])
    names = [g["id"] for g in anonymous.get("/v1/guides", headers=agent).json()]
    assert "utilities-uk" not in names and "default" in names
    for guide in ("utilities-uk", "no-such-guide"):
        checked = anonymous.post("/v1/check", json={"text": "Hi.", "channel": "chat", "guide": guide}, headers=agent)
        assert checked.status_code == 422 and "utilities-uk" not in checked.json()["detail"]
        got = anonymous.get(f"/v1/guides/{guide}", headers=agent)
        assert got.status_code == 404 and "utilities-uk" not in got.json()["detail"]
        sent = anonymous.post("/v1/sends", json={"text": "Hi.", "channel": "chat", "guide": guide}, headers=agent)
        assert sent.status_code == 422
    same = [
        anonymous.post("/v1/check", json={"text": "Hi.", "channel": "chat", "guide": g}, headers=agent).json()
        for g in ("utilities-uk", "no-such-guide")
    ]
    assert same[0] == same[1]


def test_an_organisation_sees_its_own_templates_and_no_one_else_does(anonymous: TestClient, keys, utilities_keys):
    own = anonymous.get("/v1/templates?guide=utilities-uk", headers=bearer(utilities_keys["agent"]))
    assert own.status_code == 200
    assert "smart-meter-appointment" in {t["id"] for t in own.json()["templates"]}
    assert anonymous.get("/v1/guides/utilities-uk", headers=bearer(utilities_keys["agent"])).status_code == 200
    shared = anonymous.get("/v1/templates", headers=bearer(keys["agent"])).json()["templates"]
    assert "smart-meter-appointment" not in {t["id"] for t in shared}
    for url in ("/v1/templates?guide=utilities-uk", "/v1/templates/smart-meter-appointment?guide=utilities-uk"):
        assert anonymous.get(url, headers=bearer(keys["agent"])).status_code == 422
    assert anonymous.get("/v1/templates/smart-meter-appointment", headers=bearer(keys["agent"])).status_code == 404
    suggested = anonymous.post(
        "/v1/templates/suggest", json={"message": "when can you install my smart meter"}, headers=bearer(keys["agent"])
    )
    assert "smart-meter-appointment" not in json.dumps(suggested.json())
    drafted = anonymous.post(
        "/v1/drafts", json={"template": "smart-meter-appointment", "channel": "email"}, headers=bearer(keys["agent"])
    )
    assert drafted.status_code == 422


def test_an_admin_manages_only_its_own_organisation_s_keys(anonymous: TestClient, keys, other_keys):
    admin, other = bearer(keys["admin"]), bearer(other_keys["admin"])
    made = anonymous.post("/v1/keys", json={"role": "reviewer", "name": "QA lead"}, headers=admin)
    assert made.status_code == 201 and made.json()["token"].startswith("tf_")
    key_id, token = made.json()["id"], made.json()["token"]
    assert anonymous.get("/v1/sends/" + SEND_ID, headers=bearer(token)).status_code == 404  # it works
    listed = anonymous.get("/v1/keys", headers=admin).json()
    assert key_id in {k["id"] for k in listed} and all("token" not in k for k in listed)
    assert key_id not in {k["id"] for k in anonymous.get("/v1/keys", headers=other).json()}
    assert anonymous.delete(f"/v1/keys/{key_id}", headers=other).status_code == 404
    assert anonymous.post("/v1/keys", json={"role": "admin"}, headers=bearer(keys["agent"])).status_code == 403
    revoked = anonymous.delete(f"/v1/keys/{key_id}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert anonymous.get("/v1/sends/" + SEND_ID, headers=bearer(token)).status_code == 401
