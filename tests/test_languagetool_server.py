"""The bundled LanguageTool server: its limits, its supervisor, and a stop that only
ever signals what we started. Also the contract of LanguageTool's HTTP API that
languagetool_client relies on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import RUN_DIR, TEST_PORT

from assistant import languagetool_client, languagetool_server
from assistant.settings import PROJECT_ROOT


def server_properties() -> dict[str, str]:
    path = PROJECT_ROOT / "languagetool" / "server.properties"
    lines = [line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and not line.startswith("#")]
    return {key.strip(): value.strip() for key, value in lines}


# -- the HTTP API contract -------------------------------------------------------
def test_languagetool_answers_what_the_client_reads(languagetool_url):
    """Fails loudly if LanguageTool's /v2/check changes the fields we read."""
    response = requests.post(
        f"{languagetool_url}/v2/check",
        data={"language": "en-GB", "text": "😀 Their is a problem.", "disabledRules": "EN_QUOTES", "level": "picky"},
        timeout=30,
    )
    assert response.status_code == 200
    [match, *_] = response.json()["matches"]
    assert isinstance(match["offset"], int) and isinstance(match["length"], int)
    assert match["offset"] == 3  # UTF-16 units: the emoji counts two
    assert {"id", "category", "issueType"} <= set(match["rule"]) and "id" in match["rule"]["category"]
    assert isinstance(match["message"], str) and match["replacements"][0]["value"] == "There"
    [converted] = [m for m in languagetool_client.parse_matches([match], "😀 Their is a problem.")]
    assert (converted.start, converted.end) == (2, 7)


def test_no_request_can_be_longer_than_the_server_takes(languagetool_url):
    limit = int(server_properties()["maxTextLength"])
    assert languagetool_client.REQUEST_UNITS + 1000 <= limit  # room for joiners
    assert {"maxCheckTimeMillis", "maxCheckThreads", "maxWorkQueueSize"} <= set(server_properties())
    too_long = "Hello there. " * (limit // 13 + 1)
    response = requests.post(f"{languagetool_url}/v2/check", data={"language": "en-GB", "text": too_long}, timeout=30)
    assert response.status_code == 413  # refused, not checked: no one request exhausts the heap


# -- stop: only ever what we started ---------------------------------------------
def run_stop(port: int, run_dir: Path) -> subprocess.CompletedProcess:
    """`stop` in a process group of its own: if it ever signalled pid 0, it would end
    only itself, and the test would see it."""
    code = (
        "import sys; from pathlib import Path; from assistant import languagetool_server as s; "
        f"r = s.stop({port}, Path({str(run_dir)!r}), wait=5); print(getattr(r, 'message', r))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )


@pytest.mark.parametrize("content", ["", "0", "   ", "not-a-pid", "999999999"])
def test_stop_with_an_empty_or_stale_pid_file_signals_nothing(tmp_path, content):
    pid_file = tmp_path / "languagetool-8099.pid"
    pid_file.write_text(content)
    result = run_stop(8099, tmp_path)
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert "stopped" not in result.stdout.split(":", 1)[-1]
    assert not pid_file.exists()


def test_stop_never_signals_an_unrelated_process(tmp_path):
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        (tmp_path / "languagetool-8099.pid").write_text(str(bystander.pid))
        result = run_stop(8099, tmp_path)
        assert result.returncode == 0, result.stderr
        time.sleep(0.5)
        assert bystander.poll() is None, "stop signalled a process it did not start"
        assert "not a LanguageTool" in result.stdout
    finally:
        bystander.kill()
        bystander.wait()


# -- the supervisor --------------------------------------------------------------
def tactful(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "languagetool", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )


def java_pid(port: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and languagetool_server._ours(int(entry.name), port) == "server":
            return int(entry.name)
    return None


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(1)
    return False


def supervisor_state(run_dir: Path, port: int) -> str | None:
    try:
        return json.loads(languagetool_server.state_file(run_dir, port).read_text())["state"]
    except (OSError, ValueError, KeyError):
        return None


@pytest.mark.slow
def test_a_killed_server_comes_back_by_itself():
    port = TEST_PORT + 1
    url = f"http://127.0.0.1:{port}"
    assert not languagetool_server.is_up(url), f"port {port} is busy"
    run_dir = RUN_DIR / "supervised"
    started = tactful("start", "--port", str(port), "--heap", "1g", "--run-dir", str(run_dir))
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert "up" in tactful("status", "--port", str(port), "--run-dir", str(run_dir)).stdout
        first = java_pid(port)
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert wait_for(lambda: not languagetool_server.is_up(url), 10)
        assert wait_for(lambda: languagetool_server.is_up(url), 180), "LanguageTool did not come back"
        assert java_pid(port) not in (None, first)
        status = tactful("status", "--port", str(port), "--run-dir", str(run_dir)).stdout
        assert "up" in status and "1 restart" in status
    finally:
        stopped = tactful("stop", "--port", str(port), "--run-dir", str(run_dir))
    assert "stopped" in stopped.stdout
    assert wait_for(lambda: java_pid(port) is None and not languagetool_server.is_up(url), 30)


@pytest.mark.slow
def test_a_hung_server_is_restarted(tmp_path):
    """SIGSTOP: alive but silent. The supervisor kills it and starts another."""
    port = TEST_PORT + 1
    url = f"http://127.0.0.1:{port}"
    assert not languagetool_server.is_up(url), f"port {port} is busy"
    code = (
        "from pathlib import Path; from assistant import languagetool_server as s; "
        f"s.supervise(Path({str(PROJECT_ROOT / 'languagetool')!r}), {port}, '1g', Path({str(tmp_path)!r}), "
        "supervision=s.Supervision(probe_every=1, unresponsive_after=5, backoff_first=1))"
    )
    supervisor = subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: supervisor_state(tmp_path, port) == "up", 240)  # started and warmed up
        first = java_pid(port)
        os.kill(first, signal.SIGSTOP)
        assert wait_for(lambda: java_pid(port) not in (None, first), 60), "the hung server was not replaced"
        assert wait_for(lambda: languagetool_server.is_up(url), 180)
        state, line = languagetool_server.status(port, tmp_path)
        assert state == "up", line
    finally:
        supervisor.terminate()
        supervisor.wait(timeout=60)
    assert wait_for(lambda: java_pid(port) is None, 30)


def supervisor(run_dir: Path, port: int, **policy: object) -> subprocess.Popen:
    """`supervise` in a process of its own, watching every second, with `policy`."""
    fields = ", ".join(f"{name}={value!r}" for name, value in policy.items())
    code = (
        "from pathlib import Path; from assistant import languagetool_server as s; "
        f"s.supervise(Path({str(PROJECT_ROOT / 'languagetool')!r}), {port}, '1g', Path({str(run_dir)!r}), "
        f"supervision=s.Supervision(probe_every=1, backoff_first=1, {fields}))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def supervisor_restarts(run_dir: Path, port: int) -> int:
    try:
        return json.loads(languagetool_server.state_file(run_dir, port).read_text()).get("restarts", 0)
    except (OSError, ValueError):
        return 0


@pytest.mark.slow
def test_a_server_past_its_memory_limit_is_restarted_and_its_log_rotated(tmp_path, settings):
    """A tiny RSS limit: the supervisor restarts the server as soon as it is up. With a
    pool of one, checks meanwhile answer, grammar `unavailable` at worst."""
    from conftest import bearer, make_keys
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.services import build_services

    port = TEST_PORT + 1
    url = f"http://127.0.0.1:{port}"
    assert not languagetool_server.is_up(url), f"port {port} is busy"
    watcher = supervisor(tmp_path, port, max_rss_mb=64, log_max_bytes=4096, log_backups=2, unresponsive_after=60)
    store = tmp_path / "store.db"
    lone = settings.model_copy(
        update={"languagetool_url": url, "languagetool_retry_after": 0.5, "store_url": f"sqlite:///{store}"}
    )
    services = build_services(lone)
    services.store.migrate()
    try:
        assert wait_for(lambda: supervisor_state(tmp_path, port) == "up", 240)
        first = java_pid(port)
        agent = make_keys(services.store, "acme")["agent"]
        answers, after_restart = [], 0
        with TestClient(create_app(services=services), headers=bearer(agent)) as api:
            while after_restart < 10 and len(answers) < 300:  # on through the restart
                text = f"Their is a problem, case {len(answers)}."
                response = api.post("/v1/check", json={"text": text, "channel": "email"})
                answers.append((response.status_code, response.json()["checks"]["grammar"]["status"]))
                after_restart += supervisor_restarts(tmp_path, port) > 0
        assert supervisor_restarts(tmp_path, port) >= 1
        logs = "".join(path.read_text() for path in tmp_path.glob(f"languagetool-{port}.log*"))
        assert "over its maximum of 64 MB; restarting it" in logs
        assert wait_for(lambda: java_pid(port) not in (None, first), 60), "not restarted"
        assert {status for status, _ in answers} == {200}
        assert {grammar for _, grammar in answers} <= {"ok", "unavailable"}
        rotated = languagetool_server.log_file(tmp_path, port).with_suffix(".log.1")
        assert wait_for(rotated.exists, 60)  # the new server's start-up output passes the 4 KB limit
        assert languagetool_server.log_file(tmp_path, port).stat().st_size < 4096 + 1024
    finally:
        services.close()
        watcher.terminate()
        watcher.wait(timeout=60)
    assert wait_for(lambda: java_pid(port) is None, 30)
