"""The processes under load (bench/locust_run.py, bench/soak.py) and what /proc says of
them: a real `tactful serve`, LanguageTool servers under their supervisors, each on a
loopback port given by the caller, each in a session of its own so that stopping it
stops only what it started.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TACTFUL = PROJECT / ".venv" / "bin" / "tactful"
TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- /proc ------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat, fields 14-15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def children(pid: int) -> list[int]:
    """Direct children (uvicorn's workers under its supervisor with --workers 2)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


# -- processes ----------------------------------------------------------------------
def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _wait(process: subprocess.Popen, url: str, what: str, log_path: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while not answers(url):
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}; see {log_path}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {wait:.0f} s; see {log_path}")
        time.sleep(0.5)


def _stop(process: subprocess.Popen, wait: float = 40.0) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the session started for this process only
        process.wait()


def _popen(command: list[str], log_path: Path, env: dict[str, str]) -> subprocess.Popen:
    with open(log_path, "ab") as out:
        return subprocess.Popen(
            command,
            cwd=PROJECT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


@dataclass
class Supervised:
    """A LanguageTool server under `tactful languagetool supervise`."""

    port: int
    run_dir: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def state(self) -> dict:
        try:
            return json.loads((self.run_dir / f"languagetool-{self.port}.state").read_text())
        except (OSError, ValueError):
            return {}


@contextmanager
def languagetools(ports: list[int], run_dir: Path, heap: str = "1g", max_age: float = 0) -> Iterator[list[Supervised]]:
    """Supervised LanguageTool servers sharing `run_dir` (so one upkeep restart at a
    time among them), restarted at `max_age` seconds (0: never); yields them answering."""
    run_dir.mkdir(parents=True, exist_ok=True)
    for port in ports:
        if answers(f"http://127.0.0.1:{port}/v2/languages"):
            raise RuntimeError(f"something already answers on port {port}; pick other ports")
    env = {"TACTFUL_LANGUAGETOOL_MAX_AGE_HOURS": str(max_age / 3600)}
    servers = []
    try:
        for port in ports:
            command = [str(TACTFUL), "languagetool", "supervise", "--port", str(port), "--heap", heap]
            log_path = run_dir / f"supervisor-{port}.out"
            servers.append(Supervised(port, run_dir, _popen([*command, "--run-dir", str(run_dir)], log_path, env)))
        log(f"starting LanguageTool on ports {ports} (10-40 s)")
        for server in servers:
            _wait(server.process, f"{server.url}/v2/languages", "LanguageTool", run_dir, 240)
        while any(server.state().get("state") != "up" for server in servers):  # warmed up
            time.sleep(0.5)
        yield servers
    finally:
        for server in servers:
            _stop(server.process)


@contextmanager
def service(port: int, languagetool_urls: list[str], run_dir: Path, workers: int = 1, **env: str) -> Iterator[Served]:
    """`tactful serve` on 127.0.0.1:`port` with a store of its own in `run_dir`; yields
    it ready, with its first start's agent key."""
    store = run_dir / f"store-{port}"
    store.mkdir(parents=True, exist_ok=True)
    settings = {
        "TACTFUL_LANGUAGETOOL_URLS": ",".join(languagetool_urls),
        "TACTFUL_STORE_URL": f"sqlite:///{store / 'tactful.db'}",
        "TACTFUL_BOOTSTRAP_KEYS_FILE": str(store / "keys.json"),
        "TACTFUL_LOG_LEVEL": "warning",
        **env,
    }
    command = [str(TACTFUL), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    log_path = run_dir / f"tactful-serve-{port}.log"
    log(f"starting tactful serve --workers {workers} on 127.0.0.1:{port} (log {log_path})")
    process = _popen(command, log_path, settings)
    try:
        _wait(process, f"http://127.0.0.1:{port}/readyz", "tactful serve", log_path, 180)
        key = json.loads((store / "keys.json").read_text())["agent"]
        yield Served(port, process, key, workers)
    finally:
        _stop(process)


@dataclass
class Served:
    port: int
    process: subprocess.Popen
    key: str
    workers: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The processes that serve: the one process, or uvicorn's workers (not their
        supervisor, which only watches them) with --workers 2 and more."""
        if self.workers == 1:
            return [self.process.pid]
        return [pid for pid in children(self.process.pid) if _is_worker(pid)]


def _is_worker(pid: int) -> bool:
    """A process spawned by multiprocessing to run the app (not its resource tracker)."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
