"""A pool of LanguageTool servers: requests spread over them, a server that goes away
costs no request, and it is used again once it is back."""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import TEST_PORT, bearer, make_keys, start_languagetool
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.languagetool_pool import ServerPool
from assistant.services import Services, build_services
from assistant.settings import Settings


def test_the_next_request_goes_to_the_least_busy_server_up():
    probed = []
    pool = ServerPool(["http://a:1", "http://b:1", "http://c:1"], retry_after=60, probe=probed.append)
    a, b, c = pool.servers
    first, second, third = pool.choose(), pool.choose(), pool.choose()
    assert {first, second, third} == {a, b, c}  # ties taken in turn: one each
    pool.done(a)
    assert pool.choose() is a  # the only one with nothing in flight
    pool.mark_down(b, "LanguageTool at http://b:1 did not answer: ConnectionRefusedError")
    for server in (a, b, c):
        while server.in_flight:
            pool.done(server)
    assert {pool.choose() for _ in range(6)} == {a, c}  # never b while it is marked down
    assert probed == []  # its time is not up yet
    assert pool.last_error() == "LanguageTool at http://b:1 did not answer: ConnectionRefusedError"


def test_a_server_whose_time_is_up_is_probed_and_used_only_when_none_is_up():
    answers = {"http://a:1": False, "http://b:1": True}
    pool = ServerPool(list(answers), retry_after=0, probe=answers.__getitem__)
    a, b = pool.servers
    pool.mark_down(a, "down")
    pool.mark_down(b, "down")
    assert pool.choose() in (a, b)  # none up: a lone server recovers as it always has
    deadline = time.monotonic() + 10
    while (b.probing or a.probing or not b.up) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert b.up and not a.up  # b answered its probe, a did not
    assert pool.choose() is b


def test_the_single_url_setting_is_a_pool_of_one():
    assert Settings(languagetool_url="http://lt:8081").languagetool_servers == ["http://lt:8081"]
    pool = Settings(languagetool_urls="http://a:8081, http://b:8081")  # type: ignore[arg-type]
    assert pool.languagetool_servers == ["http://a:8081", "http://b:8081"]


# -- two real servers ---------------------------------------------------------------
@pytest.fixture
def two_servers():
    """Two LanguageTool servers of this test's own, so killing one disturbs nobody."""
    ports = [TEST_PORT + 1, TEST_PORT + 2]
    with ThreadPoolExecutor(2) as starting:
        processes = list(starting.map(start_languagetool, ports))
    servers = {"ports": ports, "processes": processes}
    try:
        if None in processes:
            pytest.fail(f"ports {ports} are busy")
        yield servers
    finally:
        for process in servers["processes"]:
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def pool_services(ports: list[int], tmp_path) -> tuple[Services, str]:
    """The services over a pool of the servers on `ports`, and an agent's key."""
    settings = Settings(
        languagetool_urls=[f"http://127.0.0.1:{port}" for port in ports],
        languagetool_warmup=False,
        languagetool_timeout=30.0,
        languagetool_retry_after=0.5,
        # Admission wide open: every draft must reach LanguageTool (its own test is elsewhere).
        checks_at_once=3,
        checks_queued=16,
        check_max_wait=300,
        store_url=f"sqlite:///{tmp_path / 'store.db'}",
        store_secret="pool",
    )
    services = build_services(settings)
    services.store.migrate()
    return services, make_keys(services.store, "acme")["agent"]


class Load:
    """Agents checking distinct drafts (new to every cache) until stopped."""

    def __init__(self, client: TestClient, agents: int = 3) -> None:
        self.client, self.results, self.stop = client, [], threading.Event()
        self._count = iter(range(10**9))
        self._threads = [threading.Thread(target=self._agent) for _ in range(agents)]

    def __enter__(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def _agent(self) -> None:
        while not self.stop.is_set():
            n = next(self._count)
            text = f"Hi Dana, their is a problem with you're account. Reference {n}, line {n % 7}."
            response = self.client.post("/v1/check", json={"text": text, "channel": "email"})
            grammar = response.json()["checks"]["grammar"] if response.status_code == 200 else None
            self.results.append((response.status_code, grammar))

    def wait_for(self, condition, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.2)
        return False


@pytest.mark.slow
def test_killing_one_of_two_servers_under_load_fails_no_request(two_servers, tmp_path):
    services, agent = pool_services(two_servers["ports"], tmp_path)
    killed, other = services.languagetool.pool.servers
    try:
        with TestClient(create_app(services=services), headers=bearer(agent)) as client, Load(client) as load:
            assert load.wait_for(lambda: killed.requests > 2 and other.requests > 2, 120), "load not spread"

            os.kill(two_servers["processes"][0].pid, signal.SIGKILL)
            two_servers["processes"][0].wait(timeout=30)
            assert load.wait_for(lambda: not killed.up, 60), "the killed server was not marked down"
            sent_while_down = killed.requests
            checked = len(load.results)
            assert load.wait_for(lambda: len(load.results) > checked + 6, 120)
            assert killed.requests == sent_while_down  # nothing sent to it while it is down
            ready = client.get("/readyz").json()["dependencies"]["languagetool"]
            assert ready["status"] == "up" and ready["detail"] == "1 of 2 servers up"
            assert [(s["status"], s["in_rotation"]) for s in ready["servers"]] == [("down", False), ("up", True)]

            two_servers["processes"][0] = start_languagetool(two_servers["ports"][0])
            assert load.wait_for(lambda: killed.up and killed.requests > sent_while_down + 2, 120), "not used again"
        statuses = {(status, grammar["status"] if grammar else None) for status, grammar in load.results}
        assert statuses == {(200, "ok")}, [r for r in load.results if r[0] != 200 or r[1]["status"] != "ok"][:3]
    finally:
        services.close()


@pytest.mark.slow
def test_an_upkeep_restart_of_one_server_of_two_fails_no_request(tmp_path):
    """The supervisor restarts one server of the pool by its age policy while agents
    check drafts: the pool sends them to the other meanwhile, grammar stays `ok`."""
    from test_languagetool_server import java_pid, supervisor, supervisor_restarts, supervisor_state

    supervised, plain = TEST_PORT + 1, TEST_PORT + 2
    other = start_languagetool(plain)
    watcher = supervisor(tmp_path, supervised, max_age=30, unresponsive_after=60)
    services, agent = pool_services([supervised, plain], tmp_path)
    restarted = services.languagetool.pool.servers[0]
    try:
        assert other is not None, f"port {plain} is busy"
        with TestClient(create_app(services=services), headers=bearer(agent)) as client, Load(client) as load:
            assert load.wait_for(lambda: supervisor_state(tmp_path, supervised) == "up", 240)
            first = java_pid(supervised)
            assert load.wait_for(lambda: supervisor_restarts(tmp_path, supervised) >= 1, 120), "no upkeep restart"
            assert load.wait_for(lambda: java_pid(supervised) not in (None, first), 60)
            before = restarted.requests
            assert load.wait_for(lambda: restarted.up and restarted.requests > before + 2, 180), "not used again"
        statuses = {(status, grammar["status"] if grammar else None) for status, grammar in load.results}
        assert statuses == {(200, "ok")}, [r for r in load.results if r[0] != 200 or r[1]["status"] != "ok"][:3]
    finally:
        services.close()
        watcher.terminate()
        watcher.wait(timeout=60)
        if other is not None:
            other.terminate()
            other.wait(timeout=30)
