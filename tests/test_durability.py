"""Against a real `tactful serve`: kill -9 during a burst of concurrent sends loses no
acknowledged send and records none twice, on SQLite and on PostgreSQL; the first start
makes the first organisation's keys; the service's log holds no personal data."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from pgserver import free_port
from sqlalchemy import text

from assistant.settings import PROJECT_ROOT
from assistant.store import Store

pytestmark = pytest.mark.slow
CARD, EMAIL, NAME = "4539 1488 0343 6467", "priya.sharma@example.org", "Priya Sharma"
REPLY = (
    f"Hi {NAME},\n\nWe have noted your card {CARD} and will write to {EMAIL} once the refund is made. "
    "Is there anything else I can help with?\n\nKind regards,\nAmy"
)
CLIENTS, SENDS_EACH = 8, 40


class Service:
    """`tactful serve` as an operator runs it, on a free port, logging to a file."""

    def __init__(self, tmp: Path, store_url: str, languagetool_url: str) -> None:
        self.port, self.log = free_port(), tmp / "service.log"
        self.keys_file = tmp / "bootstrap-keys.json"
        self.env = {
            **os.environ,
            "TACTFUL_STORE_URL": store_url,
            "TACTFUL_STORE_SECRET": "durability",
            "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
            "TACTFUL_LANGUAGETOOL_WARMUP": "false",
            "TACTFUL_BOOTSTRAP_KEYS_FILE": str(self.keys_file),
            "TACTFUL_PURGE_EVERY_HOURS": "0",
        }
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Service:
        command = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(self.port)]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, env=self.env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"{self.url}/readyz", timeout=2).json()
                if ready["dependencies"]["store"]["status"] == "up":
                    return self
            except (httpx.HTTPError, ValueError):
                pass
            assert self.process.poll() is None, self.log.read_text()
            time.sleep(0.3)
        raise AssertionError("tactful serve did not become ready: " + self.log.read_text()[-2000:])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def agent_key(self) -> str:
        return json.loads(self.keys_file.read_text())["agent"]


def burst(service: Service, key: str, kill_after: int) -> dict[str, str]:
    """CLIENTS threads sending; kill -9 once `kill_after` sends were acknowledged.
    Returns Idempotency-Key -> send id of every acknowledged send."""
    acknowledged: dict[str, str] = {}
    lock, killed = threading.Lock(), threading.Event()

    def client(number: int) -> None:
        with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {key}"}) as http:
            for i in range(SENDS_EACH):
                idempotency = f"c{number}-s{i}"
                try:
                    answer = http.post(
                        f"{service.url}/v1/sends",
                        json={"text": REPLY, "channel": "email", "customer": {"name": NAME, "email": EMAIL}},
                        headers={"Idempotency-Key": idempotency},
                    )
                except httpx.HTTPError:
                    return  # the server is gone
                if answer.is_success:
                    with lock:
                        acknowledged[idempotency] = answer.json()["id"]
                        if len(acknowledged) >= kill_after and not killed.is_set():
                            killed.set()
                            service.kill()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert killed.is_set(), "the burst ended before the kill"
    return acknowledged


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_kill_9_during_a_burst_of_sends_loses_no_acknowledged_send(engine, tmp_path, languagetool_url, request):
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    if engine == "postgresql":
        store_url = request.getfixturevalue("postgres").create_database(f"durability_{os.getpid()}")
    service = Service(tmp_path, store_url, languagetool_url).start()
    try:
        # The first start made the first organisation, its keys in a file only its owner reads.
        assert stat.S_IMODE(service.keys_file.stat().st_mode) == 0o600
        acknowledged = burst(service, service.agent_key(), kill_after=60)
        service.start()  # the same store, after the crash
        retried = httpx.post(
            f"{service.url}/v1/sends",
            json={"text": REPLY, "channel": "email", "customer": {"name": NAME, "email": EMAIL}},
            headers={"Idempotency-Key": "c0-s0", "Authorization": f"Bearer {service.agent_key()}"},
            timeout=30,
        )
        assert retried.status_code == 200 and retried.json()["id"] == acknowledged["c0-s0"]
    finally:
        service.stop()
    store = Store(store_url)
    store.migrate()
    try:
        with store.db.transaction(write=False) as session:
            rows = session.execute(text("SELECT idempotency_key, id FROM sends")).all()
    finally:
        store.close()
    stored = {key: send_id for key, send_id in rows}
    assert len(stored) == len(rows)  # no key twice
    assert {key: stored.get(key) for key in acknowledged} == acknowledged  # every acknowledged send, as answered
    # Personal data never reaches the service's log, whatever happened to it.
    log = service.log.read_text()
    assert "POST /v1/sends" in log  # the log was written, and read here
    for value in (CARD, CARD.replace(" ", ""), EMAIL, NAME, "Priya", "Sharma"):
        assert value not in log
