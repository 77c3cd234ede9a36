"""Load test: agents writing replies against a `tactful serve` on loopback (issue 18, part 4).

Each locust user is an agent (bench/locust_mix.py): a cold check of a new reply, re-checks
as it is typed, then a send through the gate; conversation after conversation, with
TACTFUL_LOCUST_WAIT seconds between requests (default 0: as fast as answers come).
A request fails on an HTTP status other than 200/201, or when its grammar check did not
run (LanguageTool down or too slow makes the numbers meaningless).

The key: TACTFUL_LOCUST_KEY, else the agent key of the service's first start
(TACTFUL_BOOTSTRAP_KEYS_FILE, default var/bootstrap-keys.json). Loopback hosts only.
bench/locust_run.py starts the service and LanguageTool, runs this headless and adds the
CPU each process spent; by hand:

    .venv/bin/locust -f bench/locustfile.py --headless -u 4 -r 4 -t 60s --host http://127.0.0.1:8000
"""

from __future__ import annotations

import json
import os
import random
import urllib.parse
from pathlib import Path

from locust import FastHttpUser, constant, events, task
from locust_mix import grammar_failure, load_corpus, steps

PROJECT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ITEMS = load_corpus()


def agent_key() -> str:
    key = os.environ.get("TACTFUL_LOCUST_KEY")
    if key:
        return key
    keys_file = Path(os.environ.get("TACTFUL_BOOTSTRAP_KEYS_FILE", PROJECT / "var" / "bootstrap-keys.json"))
    return json.loads(keys_file.read_text())["agent"]


@events.test_start.add_listener
def loopback_only(environment, **_: object) -> None:
    host = urllib.parse.urlsplit(environment.host or "").hostname
    if host not in LOOPBACK:
        raise SystemExit(f"--host must be a loopback address (127.0.0.1), not {host!r}")


class Agent(FastHttpUser):
    wait_time = constant(float(os.environ.get("TACTFUL_LOCUST_WAIT", "0")))

    def on_start(self) -> None:
        self.steps = steps(ITEMS, random.randrange(2**32))
        self.headers = {"Authorization": f"Bearer {agent_key()}"}

    @task
    def next_request(self) -> None:
        step = next(self.steps)
        with self.client.post(
            step.path, json=step.body, headers=self.headers, name=step.kind, catch_response=True
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f"HTTP {response.status_code}")
                return
            failure = grammar_failure(step.kind, response.json())
            if failure:
                response.failure(failure)
