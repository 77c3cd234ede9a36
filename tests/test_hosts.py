"""The host adapters in headless Chromium against a running `tactful serve`.

Zendesk and Outlook cannot run here, so each is stood in for by a page that follows the
host's published contract: for Zendesk, the ZAF SDK's postMessage protocol (the real
SDK, from npm, runs inside the sidebar) with a server-side request proxy that fills in
secure settings; for Outlook, Office.js's documented objects and the OnMessageSend event
(`event.completed({allowEvent, errorMessage, ...})`), replacing office.js itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from browser import screenshot
from playwright.sync_api import Page, Route, expect

HOSTS = Path(__file__).parent / "hosts"
ZENDESK = "http://acme.zendesk.test"
CARD = "4111 1111 1111 1111"


def zendesk_proxy(route: Route, settings: dict[str, str]) -> None:
    """Zendesk's request proxy: with `secure: true`, {{setting.x}} placeholders in the
    URL and headers become the app's secure settings, server side."""
    options = json.loads(route.request.post_data or "{}")

    def fill(value: str) -> str:
        if not options.get("secure"):
            return value
        return re.sub(r"\{\{setting\.(\w+)\}\}", lambda m: settings[m.group(1)], value)

    response = requests.request(
        options.get("type", "GET"),
        fill(options["url"]),
        headers={k: fill(v) for k, v in (options.get("headers") or {}).items()} | {"Content-Type": "application/json"},
        data=options.get("data"),
        timeout=60,
    )
    body = {"status": response.status_code, "responseText": response.text, "headers": dict(response.headers)}
    if response.headers.get("content-type", "").endswith("json"):
        body["responseJSON"] = response.json()
    route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


@pytest.fixture(scope="module", autouse=True)
def host_origins(tactful_server, agent_key: str) -> None:
    """acme's Zendesk is the only host origin acme lists."""
    tactful_server.cli("orgs", "origins", "acme", ZENDESK)


@pytest.fixture
def zendesk(page: Page, tactful_server, agent_key: str):
    """Zendesk's agent workspace on its own origin, with Tactful in the ticket sidebar."""
    settings = {"service_url": tactful_server.url, "api_key": agent_key}
    page.route(f"{ZENDESK}/agent/**", lambda r: r.fulfill(path=HOSTS / "zendesk_host.html"))
    page.route(f"{ZENDESK}/zendesk_host.js", lambda r: r.fulfill(path=HOSTS / "zendesk_host.js"))
    page.route(f"{ZENDESK}/zaf-proxy", lambda r: zendesk_proxy(r, settings))
    page.set_viewport_size({"width": 360, "height": 1500})
    sidebar = f"{tactful_server.url}/sidebar?host=zendesk&org=acme"
    page.goto(f"{ZENDESK}/agent/tickets/1?sidebar={requests.utils.quote(sidebar, safe='')}")
    return page, page.frame_locator("#app")


def test_zendesk_sidebar_reads_the_ticket_checks_the_editor_and_writes_back(zendesk):
    page, app = zendesk
    expect(app.locator("#connection")).to_have_text("Connected to zendesk.", timeout=20000)
    expect(app.locator("#connect")).to_be_hidden()  # the key is a secure setting, never asked for
    expect(app.locator("button.template", has_text="Explaining a bill")).to_be_visible()
    page.evaluate(f"zendesk.type('<p>Hi Dana,</p><p>Your card {CARD} is on file.</p>')")
    expect(app.locator("#preview mark.blocker")).to_have_text(CARD, timeout=20000)
    app.get_by_role("button", name="Mask personal data").click()
    expect(app.locator("#reply")).to_have_value(re.compile(r"\*{4} 1111"))
    assert re.search(r"\*{4} 1111", page.evaluate("ticket['comment.text']"))
    screenshot(page, "5-zendesk-masked")


def test_zendesk_save_hook_cancels_a_blocked_reply_with_the_gates_message(zendesk):
    page, app = zendesk
    expect(app.locator("#connection")).to_have_text("Connected to zendesk.", timeout=20000)
    page.wait_for_function("zendesk.subscribers['ticket.save'] >= 1")
    page.evaluate(f"zendesk.type('Hi Dana, your card {CARD} is on file. Kind regards, Sam')")
    saved = page.evaluate("zendesk.save()")
    assert saved["saved"] is False
    assert "card number" in saved["message"]
    expect(app.locator("#override")).to_be_visible()
    screenshot(page, "6-zendesk-save-blocked")
    app.get_by_label("Why this reply must go as it is (recorded)").fill(
        "The customer asked us to confirm the full card on file; approved by team lead."
    )
    app.get_by_role("button", name="Override and send").click()
    expect(app.locator("#record")).to_contain_text("overridden", timeout=20000)
    assert page.evaluate("zendesk.save()") == {"saved": True}
    screenshot(page, "7-zendesk-overridden")


def test_zendesk_save_hook_lets_a_clean_reply_through(zendesk):
    page, app = zendesk
    expect(app.locator("#connection")).to_have_text("Connected to zendesk.", timeout=20000)
    page.wait_for_function("zendesk.subscribers['ticket.save'] >= 1")
    page.evaluate("zendesk.type('Hi Dana,<br><br>Your bill covers the energy you used. Kind regards, Sam')")
    assert page.evaluate("zendesk.save()") == {"saved": True}


# -- Outlook ---------------------------------------------------------------------------
OFFICE_STAND_IN = HOSTS / "office_stand_in.js"


@pytest.fixture
def outlook(page: Page, tactful_server, agent_key: str):
    """The add-in's send-check runtime (commands.html) with Office.js replaced by a
    stand-in of its documented objects; the key in the user's roaming settings."""
    page.route("**/static/vendor/office/office.js", lambda r: r.fulfill(path=OFFICE_STAND_IN))
    page.goto(f"{tactful_server.url}/hosts/outlook/commands.html")
    page.evaluate(
        "([url, key]) => { Office.context.roamingSettings.set('tactful.url', url);"
        " Office.context.roamingSettings.set('tactful.key', key); }",
        [tactful_server.url, agent_key],
    )
    return page


def on_send(page: Page, body: str) -> dict:
    """Compose `body`, press Send: what the handler passed to event.completed()."""
    return page.evaluate("(body) => outlook.send(body)", body)


def test_outlook_on_message_send_soft_blocks_a_reply_with_a_blocker(outlook: Page):
    completed = on_send(outlook, f"Hi Dana,\n\nYour card {CARD} is on file.\n\nKind regards,\nSam")
    assert completed["allowEvent"] is False
    assert "card number" in completed["errorMessage"]
    assert completed["commandId"] == "OpenTactful"  # "Override in Tactful" opens the task pane
    assert completed["cancelLabel"] == "Override in Tactful"


def test_outlook_on_message_send_allows_a_clean_reply(outlook: Page):
    completed = on_send(outlook, "Hi Dana,\n\nYour bill covers the energy you used.\n\nKind regards,\nSam")
    assert completed == {"allowEvent": True}


def test_outlook_without_a_key_asks_the_agent_to_connect(outlook: Page):
    outlook.evaluate("Office.context.roamingSettings.remove('tactful.key')")
    completed = on_send(outlook, "Hi Dana, all sorted. Kind regards, Sam")
    assert completed["allowEvent"] is False
    assert "Connect Tactful" in completed["errorMessage"]
