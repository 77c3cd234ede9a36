"""Shared fixtures: a real LanguageTool server and the real spaCy model, started once.

The suite starts its own LanguageTool on TACTFUL_TEST_LT_PORT (default 8091) from the
jars that scripts/setup.sh fetched, or reuses one already answering there."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant import languagetool_server
from browser import agent_key, chromium, page, playwright, tactful_server  # noqa: F401 - shared page fixtures
from assistant.api.app import create_app
from assistant.services import Services, build_services
from assistant.settings import PROJECT_ROOT, Settings

TEST_PORT = int(os.environ.get("TACTFUL_TEST_LT_PORT", "8091"))
RUN_DIR = PROJECT_ROOT / "var" / "test"


def start_languagetool(port: int):
    """A real server on `port` (None if one was already there)."""
    if languagetool_server.is_up(f"http://127.0.0.1:{port}"):
        return None
    home = PROJECT_ROOT / "languagetool"
    return languagetool_server.start(home, port, heap="1g", run_dir=RUN_DIR)


@pytest.fixture(scope="session")
def languagetool_url() -> Iterator[str]:
    process = start_languagetool(TEST_PORT)
    yield f"http://127.0.0.1:{TEST_PORT}"
    if process is not None:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def settings(languagetool_url: str) -> Settings:
    return Settings(languagetool_url=languagetool_url, languagetool_warmup=False, languagetool_timeout=30.0)


@pytest.fixture(scope="session")
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    yield built
    built.close()


@pytest.fixture(scope="session")
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=services), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def check(client: TestClient):
    """POST /v1/check and return the Report, asserting a 200."""

    def post(text: str, channel: str = "email", **fields) -> dict:
        response = client.post("/v1/check", json={"text": text, "channel": channel, **fields})
        assert response.status_code == 200, response.text
        return response.json()

    return post
