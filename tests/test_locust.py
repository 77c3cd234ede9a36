"""The load test (bench/locustfile.py) runs: a few seconds headless against a real
`tactful serve` on loopback, every kind of request answered, none failed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_PORT, wait_until_serving

from assistant.settings import PROJECT_ROOT

PORT = TEST_PORT + 5  # the suite's LanguageTool uses TEST_PORT to TEST_PORT + 2
LOCUST = [
    sys.executable,
    "-m",
    "locust",
    "-f",
    str(PROJECT_ROOT / "bench" / "locustfile.py"),
    "--headless",
    "--only-summary",
]


@pytest.fixture(scope="module")
def served(languagetool_url: str, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("locust")
    env = os.environ | {
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_LANGUAGETOOL_TIMEOUT": "30",  # a busy test machine: grammar must not time out
        "TACTFUL_STORE_URL": f"sqlite:///{folder / 'tactful.db'}",
        "TACTFUL_BOOTSTRAP_KEYS_FILE": str(folder / "keys.json"),
        "TACTFUL_LOG_LEVEL": "warning",
    }
    with (folder / "serve.log").open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--port", str(PORT)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
        )
    url = f"http://127.0.0.1:{PORT}"
    try:
        wait_until_serving(url)
        yield url, json.loads((folder / "keys.json").read_text())["agent"], folder
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_locust(host: str, key: str, prefix: Path, seconds: int) -> subprocess.CompletedProcess:
    command = [*LOCUST, "-u", "2", "-r", "2", "-t", f"{seconds}s", "--host", host, "--csv", str(prefix)]
    env = os.environ | {"TACTFUL_LOCUST_KEY": key}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 90, cwd=prefix.parent)


def test_agents_checking_and_sending_get_every_answer(served):
    url, key, folder = served
    result = run_locust(url, key, folder / "run", seconds=12)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(folder / "run_stats.csv", encoding="utf-8") as rows:
        stats = {row["Name"]: row for row in csv.DictReader(rows)}
    for kind in ("cold", "recheck", "send"):
        assert int(stats[kind]["Request Count"]) > 0, f"no {kind} request in 12 s"
    assert int(stats["Aggregated"]["Failure Count"]) == 0, (folder / "run_failures.csv").read_text()
    # an agent re-checks more often than it starts or sends a reply
    assert int(stats["recheck"]["Request Count"]) > int(stats["cold"]["Request Count"])


def test_it_refuses_a_host_that_is_not_loopback(tmp_path):
    result = run_locust("http://192.0.2.1:9", "unused", tmp_path / "run", seconds=3)
    assert result.returncode != 0
    assert "must be a loopback address" in result.stdout + result.stderr
