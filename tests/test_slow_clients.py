"""Slow and stalled clients against a real `tactful serve`: every connection has a
header deadline and a body deadline, the open connections a cap, and none of it locks
out the agents checking drafts meanwhile."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from conftest import wait_until_serving

from assistant.settings import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
from slow_clients import Agents, Tricklers  # noqa: E402 (bench/slow_clients.py)

HEADER_TIMEOUT, BODY_TIMEOUT, MAX_CONNECTIONS = 3, 3, 300
PATIENCE = 30  # seconds a test waits for the server to close, beyond the deadline


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(languagetool_url, tmp_path_factory):
    """`tactful serve` with short deadlines and a cap below the trickling crowd."""
    folder = tmp_path_factory.mktemp("slow")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_LANGUAGETOOL_TIMEOUT": "30",
        "TACTFUL_LANGUAGETOOL_WARMUP": "false",
        "TACTFUL_LOG_LEVEL": "warning",
        "TACTFUL_STORE_URL": f"sqlite:///{folder / 'store.db'}",
        "TACTFUL_STORE_SECRET": "slow-clients",
        "TACTFUL_BOOTSTRAP_KEYS_FILE": str(folder / "bootstrap-keys.json"),
        "TACTFUL_HTTP_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "TACTFUL_HTTP_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "TACTFUL_HTTP_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    }
    made = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "keys", "create", "--org", "acme", "--role", "agent"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    key = made.stdout.strip()
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base)
        yield base, port, key
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def answer_to(port: int, sent: bytes) -> bytes:
    """Send `sent`, then nothing more; what the server answers before it closes."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(max(HEADER_TIMEOUT, BODY_TIMEOUT) + PATIENCE)
        if sent:
            sock.sendall(sent)
        received = b""
        while chunk := sock.recv(65536):  # b"": closed by the server (a time-out raises)
            received += chunk
        return received


def problem(answer: bytes) -> tuple[int, dict[str, str], dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *fields = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (field.split(":", 1) for field in fields)}
    return int(status_line.split()[1]), headers, json.loads(body)


def test_a_body_that_never_arrives_is_closed_with_408(server):
    base, port, key = server
    head = (
        "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {key}\r\nContent-Length: 1000\r\n\r\n"
    )
    status, headers, body = problem(answer_to(port, head.encode() + b'{"text": "Hello'))
    assert status == 408
    assert headers["content-type"] == "application/problem+json" and headers["connection"] == "close"
    assert body["title"] == "Request timeout" and f"within {BODY_TIMEOUT} s" in body["detail"]


def test_headers_that_never_end_are_closed_with_408(server):
    base, port, key = server
    status, headers, body = problem(answer_to(port, b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sl"))
    assert status == 408 and headers["content-type"] == "application/problem+json"
    assert "headers did not arrive" in body["detail"]


def test_a_connection_that_sends_nothing_is_closed_without_a_word(server):
    base, port, key = server
    assert answer_to(port, b"") == b""


def test_headers_over_the_size_limit_are_431(server):
    base, port, key = server
    status, headers, body = problem(answer_to(port, b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 33_000))
    assert status == 431 and headers["content-type"] == "application/problem+json"


def test_a_framing_error_is_problem_json(server):
    base, port, key = server
    status, headers, body = problem(answer_to(port, b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"))
    assert status == 400 and headers["content-type"] == "application/problem+json"
    assert body["status"] == 400 and "not valid HTTP/1.1" in body["detail"]


def test_500_trickling_connections_lock_out_no_check(server):
    """500 connections trickling headers a byte a second, more than the cap of 300,
    each opened again as soon as the server closes it. Meanwhile every check answers."""
    base, port, key = server
    with Tricklers("127.0.0.1", port, 500) as slow:
        time.sleep(2)  # all open, the cap reached
        with Agents(base, key, agents=2) as agents:
            time.sleep(20)
    assert len(agents.results) >= 4
    assert {(status, grammar) for status, grammar, _ in agents.results} == {(200, "ok")}
    # Each was closed by the server, at its header deadline or to make room under the cap
    # (without a word when not one byte of it had been read).
    closings = {"HTTP/1.1 408 Request Timeout", "HTTP/1.1 503 Service Unavailable", "closed"}
    assert set(slow.answers) <= closings, slow.answers
    assert sum(slow.answers.values()) >= 500
    assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
