"""The reviewers' pages in a real browser: Debian's Chromium driven by Playwright against
a real `tactful serve` (its own store in a temporary folder, the suite's LanguageTool).
Log in, filter, open a record, score it, see it in the aggregates and the CSV; the
session cookie's flags, CSRF, logout; axe-core finds no serious or critical violation.
Screenshots of the list, a record and the aggregates go to var/screenshots/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from assistant.settings import PROJECT_ROOT
from assistant.store import Role, Store

CHROMIUM = os.environ.get("TACTFUL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CARD_REPLY = (
    "Dear Mr Lee,\n\nI have taken the payment from your card 4111 1111 1111 1111 today, and your account is up "
    "to date. Is there anything else I can help with?\n\nKind regards,\nAmy"
)
CLEAN_REPLY = (
    "Dear Mr Lee,\n\nThank you for your payment. Your account is now up to date and your next bill is due on "
    "1 March.\n\nIs there anything else I can help with?\n\nKind regards,\nBo"
)
LATE = {
    "ticket": {
        "id": "T-late",
        "created_at": "2026-03-02T09:00:00Z",
        "last_customer_message_at": "2026-03-02T09:00:00Z",
    },
    "now": "2026-03-05T15:00:00Z",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(languagetool_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`tactful serve` on a free port with its own store, acme's keys and four sends."""
    folder = tmp_path_factory.mktemp("qa-served")
    store_url = f"sqlite:///{folder / 'tactful.db'}"
    store = Store(store_url)
    store.migrate()
    keys = {}
    for org in ("acme", "globex"):
        store.keys.create_organisation(org)
        keys[org] = {role.value: store.keys.create(org, role, f"{org} {role.value}")[1] for role in Role}
    store.close()
    port = free_port()
    env = os.environ | {
        "TACTFUL_STORE_URL": store_url,
        "TACTFUL_STORE_SECRET": "test-secret",
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_LANGUAGETOOL_TIMEOUT": "30",
        "TACTFUL_LANGUAGETOOL_WARMUP": "false",
        "TACTFUL_BOOTSTRAP_KEYS_FILE": str(folder / "bootstrap-keys.json"),
    }
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=folder,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        agent = {"Authorization": f"Bearer {keys['acme']['agent']}"}
        for text, who, extra in [
            (CARD_REPLY, "amy", {}),
            (CLEAN_REPLY, "amy", LATE),
            (CLEAN_REPLY, "bo", {}),
            (CLEAN_REPLY, "bo", {"channel": "chat"}),
        ]:
            body = {"text": text, "channel": "email", "agent": {"id": who, "name": who.title(), "team": "billing"}}
            answer = requests.post(f"{url}/v1/sends", json=body | extra, headers=agent, timeout=60)
            assert answer.status_code == 201, answer.text
            if answer.json()["blockers"]:
                reason = {
                    "reason": "The customer asked us to confirm their own card.",
                    "findings": answer.json()["blockers"],
                }
                assert requests.post(f"{url}/v1/sends/{answer.json()['id']}/override", json=reason, headers=agent).ok
        yield {"url": url, "keys": keys}
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tactful serve exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/readyz", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"tactful serve did not get ready:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium (or set TACTFUL_CHROMIUM)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def serious_violations(page: Page) -> list[dict]:
    """axe-core (installed from npm) run in the page as it is now: serious and critical only."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through the driver, as an extension would: not the page's CSP
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page: Page, url: str, key: str) -> None:
    page.goto(f"{url}/qa")
    assert page.url.endswith("/qa/login")  # no session: the login page
    page.get_by_label("Reviewer key").fill(key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/qa")


def test_a_reviewer_logs_in_filters_opens_scores_and_sees_it_in_the_aggregates_and_csv(served, page):
    url = served["url"]
    page.goto(f"{url}/qa/login")
    assert serious_violations(page) == []
    log_in(page, url, served["keys"]["acme"]["reviewer"])
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "tactful_qa"]
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"], cookie["path"]) == (True, True, "Strict", "/qa")
    assert cookie["expires"] > time.time()

    assert page.locator("table.records tbody tr").count() == 4
    screenshot(page, "qa-list")
    assert serious_violations(page) == []
    page.get_by_label("Verdict").select_option("block")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.records tbody tr")
    assert rows.count() == 1 and "block" in rows.inner_text()

    rows.get_by_role("link").click()
    assert page.locator("#reply-text mark").count() >= 1  # the masked card number, marked
    assert "4111 1111 1111 1111" not in page.locator("#reply-text").inner_text()
    assert "the risks associated with the confidentiality" in page.locator("ol.findings").inner_text()
    confidentiality = page.get_by_role("group", name="Confidentiality")
    assert confidentiality.get_by_label("Fails the standard").is_checked()  # prefilled with the automatic score
    screenshot(page, "qa-record")
    assert serious_violations(page) == []

    page.get_by_role("group", name="Tone and empathy").get_by_label("Needs work").check()
    page.get_by_label("Comment on tone and empathy").fill("A little abrupt for a payment query.")
    page.get_by_label("Your name").fill("Rita")
    page.get_by_role("button", name="Save scores").click()
    assert page.get_by_role("status").inner_text() == "Your scores are saved."
    reviews = page.locator("#reviews + table").inner_text()
    assert "Rita" in reviews and "Automatic" in reviews and "A little abrupt" in reviews

    page.get_by_role("navigation").get_by_role("link", name="Aggregates").click()
    amy = page.locator("#items tbody tr", has_text="amy").locator("td").nth(1)  # tone
    assert amy.inner_text() == "100.0% / 50.0%"  # automatic beside Rita's (1 of 2)
    assert page.locator("svg.chart").count() == 5
    assert "confidentiality.credit_card" in page.locator("#rules").inner_text()
    screenshot(page, "qa-aggregates")
    assert serious_violations(page) == []

    scores = page.request.get(f"{url}/qa/export/scores.csv")
    assert scores.ok and "Rita" in scores.text() and "A little abrupt" in scores.text()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{url}/qa/login")
    page.goto(f"{url}/qa")
    assert page.url.endswith("/qa/login")


def test_another_organisation_s_reviewer_sees_none_of_it_and_agents_cannot_log_in(served, page):
    url = served["url"]
    page.goto(f"{url}/qa/login")
    page.get_by_label("Reviewer key").fill(served["keys"]["acme"]["agent"])
    page.get_by_role("button", name="Log in").click()
    assert "not a reviewer key" in page.get_by_role("alert").inner_text()
    log_in(page, url, served["keys"]["globex"]["reviewer"])
    assert "No record matches" in page.locator("main").inner_text()
    page.goto(f"{url}/qa/aggregates")
    assert page.locator("#groups tbody tr").count() == 0


def test_a_form_without_its_csrf_token_is_refused(served, page):
    url = served["url"]
    log_in(page, url, served["keys"]["acme"]["reviewer"])
    first = page.locator("table.records tbody tr a").first.get_attribute("href")
    forged = page.request.post(f"{url}{first}/reviews", form={"score-tone": "0"})
    assert forged.status == 400
    logout = page.request.post(f"{url}/qa/logout", form={"csrf": "wrong"})
    assert logout.status == 400
