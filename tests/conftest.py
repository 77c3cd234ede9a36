"""Shared fixtures: a real LanguageTool server and the real spaCy model, started once.

The suite starts its own LanguageTool on TACTFUL_TEST_LT_PORT (default 8091) from the
jars that scripts/setup.sh fetched, or reuses one already answering there."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import httpx
import pytest
from browser import agent_key, chromium, page, playwright, tactful_server  # noqa: F401 - shared page fixtures
from fastapi.testclient import TestClient
from pgserver import PostgresServer  # noqa: E402 (tests/ is on sys.path)

from assistant import languagetool_server
from assistant.api.app import create_app
from assistant.services import Services, build_services
from assistant.settings import PROJECT_ROOT, Settings
from assistant.store import Role, Store

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
def settings(languagetool_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    store = tmp_path_factory.mktemp("store") / "tactful.db"
    return Settings(
        languagetool_url=languagetool_url,
        languagetool_warmup=False,
        languagetool_timeout=30.0,
        store_url=f"sqlite:///{store}",
        store_secret="test-secret",
    )


@pytest.fixture(scope="session")
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    built.store.migrate()
    yield built
    built.close()


ORG, OTHER_ORG = "acme", "globex"


def make_keys(store: Store, org: str) -> dict[str, str]:
    """A key of each role for `org` (made if new): role -> token."""
    store.keys.create_organisation(org, org.title())
    return {role.value: store.keys.create(org, role, f"test {role.value}")[1] for role in Role}


@pytest.fixture(scope="session")
def keys(services: Services) -> dict[str, str]:
    """Organisation acme's keys, by role."""
    return make_keys(services.store, ORG)


@pytest.fixture(scope="session")
def other_keys(services: Services) -> dict[str, str]:
    """Organisation globex's keys, by role: it must never see acme's data."""
    return make_keys(services.store, OTHER_ORG)


@pytest.fixture(scope="session")
def utilities_keys(services: Services) -> dict[str, str]:
    """The keys of organisation utilities-uk, which owns the utilities-uk guide and templates."""
    return make_keys(services.store, "utilities-uk")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def client(services: Services, keys: dict[str, str]) -> Iterator[TestClient]:
    """The API in-process, calling as acme's agent."""
    app = create_app(services=services)
    with TestClient(app, raise_server_exceptions=False, headers=bearer(keys["agent"])) as test_client:
        yield test_client


@pytest.fixture
def check(client: TestClient):
    """POST /v1/check and return the Report, asserting a 200."""

    def post(text: str, channel: str = "email", **fields) -> dict:
        response = client.post("/v1/check", json={"text": text, "channel": channel, **fields})
        assert response.status_code == 200, response.text
        return response.json()

    return post


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on a loopback port, for the whole session."""
    server = PostgresServer().start()
    yield server
    server.remove()


_databases = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A new, empty database: a SQLite file, or a database on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(f"t{next(_databases)}")


@pytest.fixture
def fresh_store(store_url: str) -> Iterator[Store]:
    """A migrated, empty store on each engine."""
    store = Store(store_url)
    store.migrate()
    yield store
    store.close()


def wait_until_serving(url: str) -> None:
    """Until a `tactful serve` started by a test answers /healthz."""
    for _ in range(600):  # up to a minute for spaCy to load on a busy machine
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("tactful serve did not answer")
