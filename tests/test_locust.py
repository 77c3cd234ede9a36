"""The load test (bench/locustfile.py) runs: a few seconds headless against a real
`tactful serve` on loopback, every kind of request answered, none failed."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from assistant.settings import PROJECT_ROOT

LOCUST = [
    sys.executable,
    "-m",
    "locust",
    "-f",
    str(PROJECT_ROOT / "bench" / "locustfile.py"),
    "--headless",
    "--only-summary",
]


def run_locust(host: str, key: str, prefix: Path, seconds: int) -> subprocess.CompletedProcess:
    command = [*LOCUST, "-u", "2", "-r", "2", "-t", f"{seconds}s", "--host", host, "--csv", str(prefix)]
    env = os.environ | {"TACTFUL_LOCUST_KEY": key}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 90, cwd=prefix.parent)


def test_agents_checking_and_sending_get_every_answer(tactful_server, agent_key, tmp_path):
    """Against the suite's served instance (tests/browser.py), with an agent key of its store."""
    folder = tmp_path
    result = run_locust(tactful_server.url, agent_key, folder / "run", seconds=12)
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
