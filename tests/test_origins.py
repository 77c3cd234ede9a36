"""Only an organisation's host origins may call the API from a browser (CORS) or frame
the sidebar (frame-ancestors): tested over HTTP and in Chromium."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page

ACME = "http://acme.zendesk.test"
EVIL = "http://evil.test"
DRAFT = {"text": "Hi Dana, your bill is ready. Kind regards, Sam", "channel": "email"}


@pytest.fixture(scope="module", autouse=True)
def acme_origins(tactful_server, agent_key: str) -> None:
    tactful_server.cli("orgs", "origins", "acme", ACME)


@pytest.fixture(scope="module")
def globex_key(tactful_server) -> str:
    return tactful_server.cli("keys", "create", "--org", "globex", "--role", "agent")


def preflight(url: str, origin: str) -> requests.Response:
    return requests.options(
        f"{url}/v1/check",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
        timeout=10,
    )


def test_a_preflight_is_answered_only_for_a_listed_origin(tactful_server):
    allowed = preflight(tactful_server.url, ACME)
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == ACME
    assert "Authorization" in allowed.headers["Access-Control-Allow-Headers"]
    refused = preflight(tactful_server.url, EVIL)
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused.headers


@pytest.mark.parametrize(
    "origin, key_of, status, cors",
    [
        (ACME, "acme", 200, True),
        (EVIL, "acme", 403, False),
        (ACME, "globex", 403, False),  # acme's origin is not globex's
        (None, "globex", 200, False),  # no Origin: a server or a host's proxy
    ],
)
def test_a_call_from_a_browser_needs_the_keys_organisation_to_list_its_origin(
    tactful_server, agent_key, globex_key, origin, key_of, status, cors
):
    key = agent_key if key_of == "acme" else globex_key
    headers = {"Authorization": f"Bearer {key}"} | ({"Origin": origin} if origin else {})
    response = requests.post(f"{tactful_server.url}/v1/check", json=DRAFT, headers=headers, timeout=60)
    assert response.status_code == status, response.text
    assert ("Access-Control-Allow-Origin" in response.headers) is cors
    if status == 403:
        assert response.headers["Content-Type"] == "application/problem+json"
        assert "tactful orgs origins" in response.json()["detail"]


def test_a_listed_origin_reads_a_401_for_a_bad_key(tactful_server):
    response = requests.post(
        f"{tactful_server.url}/v1/check",
        json=DRAFT,
        timeout=10,
        headers={"Origin": ACME, "Authorization": "Bearer tf_" + "x" * 43},
    )
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == ACME


def page_on(page: Page, origin: str) -> None:
    page.route(f"{origin}/**", lambda r: r.fulfill(content_type="text/html", body="<!doctype html><title>x</title>"))
    page.goto(f"{origin}/")


FETCH = """async ([url, key]) => {
  try {
    const r = await fetch(url + '/v1/check', { method: 'POST', headers: { Authorization: 'Bearer ' + key,
      'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'Hi Dana', channel: 'chat' }) });
    return 'status ' + r.status;
  } catch (e) { return 'blocked'; }
}"""


def test_in_the_browser_only_the_organisations_host_can_call_the_api(page: Page, tactful_server, agent_key):
    page_on(page, ACME)
    assert page.evaluate(FETCH, [tactful_server.url, agent_key]) == "status 200"
    page_on(page, EVIL)
    assert page.evaluate(FETCH, [tactful_server.url, agent_key]) == "blocked"


FRAME = """(url) => new Promise((resolve) => {
  const frame = document.createElement('iframe');
  frame.src = url;
  frame.onload = () => { try { resolve(frame.contentDocument ? 'readable' : 'loaded'); } catch { resolve('loaded'); } };
  document.body.append(frame);
})"""


@pytest.mark.parametrize("origin, shown", [(ACME, True), (EVIL, False)])
def test_only_the_organisations_host_can_frame_the_sidebar(page: Page, tactful_server, origin, shown):
    page_on(page, origin)
    page.evaluate(FRAME, f"{tactful_server.url}/sidebar?host=standalone&org=acme")
    frame = next(f for f in page.frames if f != page.main_frame)
    page.wait_for_timeout(500)
    assert frame.url.startswith(tactful_server.url) is shown, frame.url  # chrome-error:// when refused
    if shown:
        assert frame.locator("h1").inner_text() == "Tactful"


def test_an_unknown_organisation_frames_nowhere_but_tactful(tactful_server):
    policy = requests.get(f"{tactful_server.url}/sidebar?org=nobody", timeout=10).headers["Content-Security-Policy"]
    assert policy.endswith("frame-ancestors 'self'")
