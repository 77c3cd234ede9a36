"""Browser fixtures for page tests: a running `tactful serve` and Debian's Chromium
driven by Playwright. Used by the sidebar's tests and the QA pages' tests alike:
`from browser import *` in a test module's conftest, or import the fixtures by name.

- `tactful_server`: a real `tactful serve` on a free loopback port, with its own store
  in a temporary folder, sharing the suite's LanguageTool; yields a `Served` (url, store
  url, environment to run the CLI against the same store).
- `chromium`: one headless Chromium per session (TACTFUL_CHROMIUM, default
  /usr/bin/chromium: Playwright never downloads a browser here).
- `page`: a fresh 320 px wide page per test; console errors and failed page loads are
  collected in `page.problems`.
- `screenshot(page, name)`: saves var/screenshots/<name>.png (not committed).
- `axe_violations(page)`: axe-core's serious and critical violations on the page.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from assistant.settings import PROJECT_ROOT

CHROMIUM = os.environ.get("TACTFUL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
START_SECONDS = 120  # spaCy, Presidio and the template library load first


@dataclass
class Served:
    url: str
    store_url: str
    env: dict[str, str] = field(repr=False)
    log: Path

    def cli(self, *args: str) -> str:
        """Run `tactful ...` against the served store; its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "assistant.cli", *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def tactful_server(languagetool_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served")
    port = free_port()
    store_url = f"sqlite:///{folder / 'tactful.db'}"
    env = os.environ | {
        "TACTFUL_STORE_URL": store_url,
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_LANGUAGETOOL_TIMEOUT": "30",
        "TACTFUL_LANGUAGETOOL_WARMUP": "false",
        "TACTFUL_BOOTSTRAP_KEYS_FILE": str(folder / "bootstrap-keys.json"),
        "TACTFUL_KEY_CACHE_SECONDS": "0",  # a test's change to keys or origins counts at once
    }
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Served(url, store_url, env, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tactful serve exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"tactful serve did not answer within {START_SECONDS} s:\n{log.read_text()[-3000:]}")


# Per module, not per session: Playwright's sync API keeps an event loop running in this
# thread, and a later module's TestClient cannot start its own while it does.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium (or set TACTFUL_CHROMIUM)")
    # Host stand-ins (acme.zendesk.test, fulfilled by Playwright) count as public pages, and
    # Chromium's Local Network Access would stop them framing Tactful on 127.0.0.1: an
    # artefact of testing on one machine, not something a real host meets.
    args = ["--no-sandbox", "--disable-features=LocalNetworkAccessChecks"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 320, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: problems.append(str(e)))
    opened.problems = problems  # type: ignore[attr-defined]
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core (from npm, served by Tactful) on the page as it is now."""
    origin = page.evaluate("location.origin")
    page.add_script_tag(url=f"{origin}/static/vendor/axe-core/axe.min.js")
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in found
        if v["impact"] in impacts
    ]


@pytest.fixture(scope="session")
def agent_key(tactful_server: Served) -> str:
    """An agent key of organisation acme in the served store (made with the CLI)."""
    return tactful_server.cli("keys", "create", "--org", "acme", "--role", "agent", "--name", "browser tests")
