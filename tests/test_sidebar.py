"""The sidebar in headless Chromium against a running `tactful serve`: what an agent
sees and does, standalone (key pasted into the connect form)."""

from __future__ import annotations

import re

import pytest
import requests
from browser import axe_violations, screenshot
from playwright.sync_api import Page, expect

CARD = "4111 1111 1111 1111"
BLOCKED = re.compile("^Blocked")


@pytest.fixture
def sidebar(page: Page, tactful_server, agent_key: str) -> Page:
    page.goto(f"{tactful_server.url}/sidebar")
    expect(page.locator("#connect")).to_be_visible()
    page.fill("#api-key", agent_key)
    page.press("#api-key", "Enter")
    expect(page.locator("#connection")).to_have_text("Connected.")
    return page


def type_reply(page: Page, text: str) -> None:
    page.fill("#reply", text)


def test_a_card_number_is_a_highlighted_blocker_and_masking_it_clears_the_block(sidebar: Page):
    type_reply(sidebar, f"Hi Dana,\n\nThe card {CARD} is on your account.\n\nKind regards,\nSam")
    expect(sidebar.locator("#verdict")).to_have_text(BLOCKED)
    expect(sidebar.locator("#preview mark.blocker")).to_have_text(CARD)
    screenshot(sidebar, "1-blocker-highlighted")
    blocker = sidebar.locator("#group-blocker + .hint + ul li").first
    expect(blocker.locator(".criteria")).to_contain_text("DEAL.K15")
    blocker.get_by_role("button", name="Mask personal data").click()
    expect(sidebar.locator("#reply")).to_have_value(re.compile(r"\*{4} \*{4} \*{4} 1111"))
    expect(sidebar.locator("#verdict")).not_to_have_text(BLOCKED)
    expect(sidebar.locator("#preview mark.blocker")).to_have_count(0)
    screenshot(sidebar, "2-masked")
    assert not sidebar.problems  # type: ignore[attr-defined]


def test_a_finding_after_an_emoji_and_a_flag_is_highlighted_exactly(sidebar: Page):
    # 😀 and 🇬🇧 (two code points) are one, and two, astral characters: 3 UTF-16 units ahead.
    type_reply(sidebar, f"Hi Dana 😀🇬🇧 your card {CARD} is fine.")
    expect(sidebar.locator("#preview mark.blocker")).to_have_text(CARD)
    sidebar.locator(".finding.blocker button.excerpt").click()
    selected = sidebar.evaluate(
        "() => { const r = document.getElementById('reply'); return r.value.slice(r.selectionStart, r.selectionEnd); }"
    )
    assert selected == CARD


def test_code_point_offsets_convert_to_utf16(sidebar: Page):
    converted = sidebar.evaluate(
        """async () => {
            const { utf16Offsets, withUtf16Spans } = await import('/static/sidebar/offsets.js');
            const text = 'a😀🇬🇧 x';                   // code points: a, 😀, 🇬, 🇧, space, x
            const at = utf16Offsets(text);
            const [f] = withUtf16Spans(text, [{ start: 5, end: 6 }, { start: null, end: null }]);
            return { offsets: [0, 1, 2, 3, 4, 5, 6].map(at), finding: text.slice(f.start16, f.end16),
                     none: withUtf16Spans(text, [{ start: null, end: null }])[0].start16 };
        }"""
    )
    assert converted == {"offsets": [0, 1, 3, 5, 7, 8, 9], "finding": "x", "none": None}


def test_a_suggested_template_is_inserted_with_its_variables_filled(sidebar: Page):
    sidebar.fill("#customer-name", "Dana Smith")
    sidebar.fill("#customer-message", "Can you explain what the charges on my bill are?")
    sidebar.dispatch_event("#customer-message", "change")
    template = sidebar.locator("button.template", has_text="Explaining a bill")
    template.click()
    expect(sidebar.locator("#variables")).to_be_visible()
    screenshot(sidebar, "3-template-variables")
    sidebar.get_by_label("The billing period").fill("1 to 30 November")
    sidebar.get_by_label("The bill total").fill("87.40")
    sidebar.get_by_label("What the bill is made of").fill("it covers the energy you used and a standing charge")
    sidebar.get_by_role("button", name="Insert reply").click()
    reply = sidebar.locator("#reply")
    expect(reply).to_have_value(re.compile("1 to 30 November"))
    expect(reply).to_have_value(re.compile("Dana"))
    expect(sidebar.locator("#check-status")).to_have_text(re.compile("^Checked"))
    screenshot(sidebar, "4-template-inserted")


def test_fixes_work_from_the_keyboard(sidebar: Page):
    type_reply(sidebar, "Hi Dana,\n\nTheir is a problem with your bill.")
    fix = sidebar.get_by_role("button", name="Replace with “There”")
    expect(fix).to_be_visible()
    for _ in range(60):  # tab through the page, as an agent without a mouse would
        sidebar.keyboard.press("Tab")
        if sidebar.evaluate("document.activeElement.textContent") == "Replace with “There”":
            break
    else:
        pytest.fail("the fix button is not reachable with Tab")
    sidebar.keyboard.press("Enter")
    expect(sidebar.locator("#reply")).to_have_value(re.compile("^Hi Dana,\n\nThere is a problem"))


def test_the_sidebar_fits_320_px_and_axe_finds_no_serious_violation(sidebar: Page):
    assert axe_violations(sidebar) == []
    type_reply(sidebar, f"hi, card {CARD}. Their is a problem!!!")
    expect(sidebar.locator("#verdict")).to_have_text(BLOCKED)
    assert axe_violations(sidebar) == []
    assert sidebar.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_live_check_keeps_one_check_in_flight_and_drops_stale_answers(sidebar: Page):
    in_flight = {"now": 0, "most": 0, "asked": []}

    def slow_check(route):
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        in_flight["asked"].append(route.request.post_data_json["text"])
        sidebar.wait_for_timeout(900)  # a slow answer: the agent types on meanwhile
        in_flight["now"] -= 1
        route.continue_()

    sidebar.route("**/v1/check", slow_check)
    for text in ("Hello", "Hello Dana", "Hello Dana, thanks", "Hello Dana, thanks for waiting"):
        type_reply(sidebar, text)
        sidebar.wait_for_timeout(450)  # past the pause that starts a check
    expect(sidebar.locator("#preview")).to_have_text("Hello Dana, thanks for waiting", timeout=15000)
    assert in_flight["most"] == 1
    assert in_flight["asked"][-1] == "Hello Dana, thanks for waiting"
    assert len(in_flight["asked"]) < 5  # pauses during a check collapse into one re-check


def test_pages_carry_strict_security_headers(tactful_server):
    for path in ("/sidebar", "/docs", "/redoc"):
        headers = requests.get(tactful_server.url + path, timeout=10).headers
        policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'", path
        assert policy["frame-ancestors"].startswith("'self'")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
    assert (
        "'unsafe-inline'"
        not in requests.get(tactful_server.url + "/sidebar", timeout=10).headers["Content-Security-Policy"]
    )


@pytest.mark.parametrize("path, shows", [("/docs", "POST/v1/check"), ("/redoc", "Tactful")])
def test_api_docs_load_offline_from_tactful_alone(page: Page, tactful_server, path: str, shows: str):
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(tactful_server.url) or r.url.startswith("data:") or r.url.startswith("blob:")
            else elsewhere.append(r.url)
        ),
    )
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page.goto(tactful_server.url + path)
    expect(page.locator("body")).to_contain_text(shows.replace("POST", "POST"), timeout=15000)
    screenshot(page, f"docs{path.replace('/', '-')}")
    assert [url for url in elsewhere if "redoc.ly" not in url] == []


def test_unlisted_files_are_not_served(tactful_server):
    for path in (
        "/static/vendor/../package.json",
        "/static/vendor/office/../../../../package.json",
        "/static/vendor/axe-core/package.json",
        "/hosts/zendesk/manifest.json",
        "/hosts/nope/adapter.js",
        "/static/sidebar/../pages.py",
    ):
        assert requests.get(tactful_server.url + path, timeout=10).status_code == 404, path


def test_a_blocked_send_is_overridden_with_a_reason_and_the_record_shows_it(sidebar: Page):
    type_reply(sidebar, f"Hi Dana,\n\nYour card {CARD} is on file.\n\nKind regards,\nSam")
    expect(sidebar.locator("#verdict")).to_have_text(BLOCKED)
    sidebar.get_by_role("button", name="Check and send").click()
    expect(sidebar.locator("#gate-result")).to_contain_text("Blocked: this reply would not be sent.")
    expect(sidebar.locator("#override")).to_be_visible()
    expect(sidebar.locator("#override-reason")).to_be_focused()
    screenshot(sidebar, "5-send-blocked")
    assert axe_violations(sidebar) == []
    sidebar.get_by_role("button", name="Override and send").click()  # no reason yet: the form refuses
    expect(sidebar.locator("#record")).to_be_empty()
    sidebar.get_by_label("Why this reply must go as it is (recorded)").fill(
        "The customer asked us to read back the full card on file; approved by the team lead."
    )
    sidebar.get_by_role("button", name="Override and send").click()
    record = sidebar.locator("#record")
    expect(record).to_contain_text("overridden")
    expect(record).to_contain_text("approved by the team lead")
    expect(record).to_contain_text(re.compile(r"snd_\w+"))
    screenshot(sidebar, "6-send-overridden")


def test_a_clean_send_is_allowed_and_recorded(sidebar: Page):
    type_reply(sidebar, "Hi Dana,\n\nYour new bill is attached; it covers November.\n\nKind regards,\nSam")
    sidebar.get_by_role("button", name="Check and send").click()
    expect(sidebar.locator("#gate-result")).to_contain_text("Allowed")
    expect(sidebar.locator("#record")).to_contain_text("allowed")
    expect(sidebar.locator("#override")).to_be_hidden()
