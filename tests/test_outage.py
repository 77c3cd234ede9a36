"""LanguageTool going away mid-run: the service keeps answering and recovers by itself."""

import os
import signal
import tempfile
import time
from contextlib import contextmanager

import pytest
from conftest import TEST_PORT, bearer, make_keys, start_languagetool
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.checks import CHECKS
from assistant.services import build_services
from assistant.settings import Settings

pytestmark = pytest.mark.slow
DRAFT = {"text": "Hi Dana, their is a problem with you're account.", "channel": "email"}


@pytest.fixture
def own_server():
    """A LanguageTool server of this test's own, so stopping it disturbs nobody."""
    port = TEST_PORT + 1
    process = start_languagetool(port)
    assert process is not None, f"port {port} is busy"
    state = {"process": process, "port": port}
    yield state
    process = state["process"]
    if process.poll() is None:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def serving(server, timeout):
    """The app, talking to `server`, with a short time-out and a short retry pause."""
    with tempfile.TemporaryDirectory() as store_dir:
        settings = Settings(
            languagetool_url=f"http://127.0.0.1:{server['port']}",
            languagetool_warmup=False,
            languagetool_timeout=timeout,
            languagetool_retry_after=0.5,
            store_url=f"sqlite:///{store_dir}/store.db",
            store_secret="outage",
        )
        services = build_services(settings)
        services.store.migrate()
        agent = make_keys(services.store, "acme")["agent"]
        with TestClient(create_app(services=services), headers=bearer(agent)) as client:
            yield client, settings
        services.close()


OTHERS_OK = {check.name: "ok" for check in CHECKS if check.name != "grammar"}  # every other check answers


def statuses(response):
    assert response.status_code == 200, response.text
    return {name: run["status"] for name, run in response.json()["checks"].items()}


def test_stopping_and_restarting_languagetool(own_server):
    with serving(own_server, timeout=2.0) as (client, settings):
        assert statuses(client.post("/v1/check", json=DRAFT)) == {"grammar": "ok"} | OTHERS_OK

        own_server["process"].terminate()
        own_server["process"].wait(timeout=30)
        for _ in range(3):
            began = time.monotonic()
            response = client.post("/v1/check", json={**DRAFT, "text": DRAFT["text"] + f" Attempt {_}."})
            assert statuses(response) == {"grammar": "unavailable"} | OTHERS_OK
            assert time.monotonic() - began < 5
        assert "did not answer" in response.json()["checks"]["grammar"]["detail"]
        assert response.json()["metrics"]["readability"]["flesch_reading_ease"]
        assert client.get("/readyz").json()["dependencies"]["languagetool"]["status"] == "down"

        own_server["process"] = start_languagetool(own_server["port"])
        time.sleep(settings.languagetool_retry_after)
        response = client.post("/v1/check", json={**DRAFT, "text": DRAFT["text"] + " Back again."})
        assert statuses(response) == {"grammar": "ok"} | OTHERS_OK
        assert {f["excerpt"] for f in response.json()["findings"]} >= {"their", "you're"}


def test_a_hung_languagetool_times_out_as_unavailable(own_server):
    with serving(own_server, timeout=1.0) as (client, settings):
        assert statuses(client.post("/v1/check", json=DRAFT))["grammar"] == "ok"
        os.kill(own_server["process"].pid, signal.SIGSTOP)  # alive but not answering
        try:
            began = time.monotonic()
            response = client.post("/v1/check", json={**DRAFT, "text": "Their is a new paragraph."})
            assert statuses(response) == {"grammar": "unavailable"} | OTHERS_OK
            assert time.monotonic() - began < settings.languagetool_timeout + 2.5
        finally:
            os.kill(own_server["process"].pid, signal.SIGCONT)
        time.sleep(settings.languagetool_retry_after)
        response = client.post("/v1/check", json={**DRAFT, "text": "Their is yet another paragraph."})
        assert statuses(response)["grammar"] == "ok"
