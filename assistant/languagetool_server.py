"""Starts, supervises and stops the bundled LanguageTool server (jars fetched by
languagetool/pom.xml).

It listens on loopback only. `tactful languagetool start` launches a supervisor
(`tactful languagetool supervise`, detached) that runs the Java server, asks it
/v2/languages every few seconds, and restarts it with exponential back-off when it
exits or stops answering; it stops the server on SIGTERM. Files in var/:
languagetool-<port>.log (supervisor and server), languagetool-<port>.pid (the
supervisor's pid, or the server's when started directly with start()) and
languagetool-<port>.state (what the supervisor is doing, for `status`).

Upkeep: the supervisor also restarts a server that has grown past `max_rss_mb` or
lived `max_age` seconds (Supervision), at once and without back-off, and only one
server at a time among the supervisors sharing a run folder (a lock file), so that a
pool always keeps the others answering. A pool of one answers with grammar
`unavailable` for the restart (about the start-up time). The server's output goes
through the supervisor into the log, rotated at `log_max_bytes` with `log_backups`
old files kept (LanguageTool writes ~19 MB an hour under load).

`stop` only ever signals a process it can prove is ours: the pid file must name a
live process whose /proc/<pid>/cmdline is our supervisor or our server for that port.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import logging
import logging.handlers
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .languagetool_probe import is_up, warm_up

MAIN_CLASS = "org.languagetool.server.HTTPServer"
SUPERVISOR_ARGS = ["-m", "assistant.cli", "languagetool", "supervise"]


class ServerError(RuntimeError):
    """The server could not be started; the message says why and what to do."""


def jar_folder(home: Path) -> Path:
    return home / "target" / "lib"


# LanguageTool spreads one check over Java's common fork-join pool (a thread a core).
# For a reply of a few sentences that costs more than it saves, and on the cores the
# service and the other checks need: with one pool thread, a check took 18.5 ms (p50)
# instead of 22.6 and a full check through Tactful 23.4 instead of 29.4 (bench/run.py's
# corpus, 2 cores; bench/README.md). Concurrent checks still run on their own threads.
PARALLEL_CHECK = ("-Djava.util.concurrent.ForkJoinPool.common.parallelism=1",)


def command(home: Path, port: int, heap: str, config: Path | None = None) -> list[str]:
    jars = jar_folder(home)
    if not any(jars.glob("languagetool-server-*.jar")):
        raise ServerError(
            f"LanguageTool is not installed in {jars}. Run scripts/setup.sh "
            "(it fetches the server from Maven Central with `mvn -f languagetool/pom.xml package`)."
        )
    java = shutil.which("java")
    if java is None:
        raise ServerError("Java is not installed; LanguageTool needs Java 17 or newer (scripts/setup.sh installs it).")
    config = config or home / "server.properties"
    # ExitOnOutOfMemoryError: a server whose heap ran out is broken in unknown ways;
    # ending it lets the supervisor start a clean one.
    return [
        java,
        f"-Xmx{heap}",
        "-Xss4m",
        "-XX:+ExitOnOutOfMemoryError",
        *PARALLEL_CHECK,
        "-cp",
        f"{jars}/*",
        MAIN_CLASS,
        "--port",
        str(port),
        "--config",
        str(config),
    ]


def pid_file(run_dir: Path, port: int) -> Path:
    return run_dir / f"languagetool-{port}.pid"


def state_file(run_dir: Path, port: int) -> Path:
    return run_dir / f"languagetool-{port}.state"


def log_file(run_dir: Path, port: int) -> Path:
    return run_dir / f"languagetool-{port}.log"


def start(
    home: Path,
    port: int,
    heap: str = "1g",
    run_dir: Path | None = None,
    wait: float = 120.0,
    config: Path | None = None,
) -> subprocess.Popen:
    """Start the server without a supervisor (tests, bench), wait until it answers, and
    warm it up (its first check is slow). `config` replaces languagetool/server.properties."""
    run_dir = run_dir or home.parent / "var"
    run_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    if is_up(url):
        raise ServerError(f"Something already answers on port {port}; stop it first or pick another port.")
    process = _launch(home, port, heap, run_dir, config)
    pid_file(run_dir, port).write_text(str(process.pid))
    _wait_until_up(process, url, wait, log_file(run_dir, port))
    warm_up(url)
    return process


def _launch(
    home: Path, port: int, heap: str, run_dir: Path, config: Path | None, tie: bool = False
) -> subprocess.Popen:
    """The Java server. Tied to a supervisor (`tie`), its output comes through a pipe
    for the supervisor to log and rotate; else it goes straight to the log file."""
    with open(log_file(run_dir, port), "ab") as log:
        return subprocess.Popen(
            command(home, port, heap, config),
            stdout=subprocess.PIPE if tie else log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # preexec_fn only in the supervisor, whose one other thread (the log pump of
            # the previous server) has ended by the time it launches the next
            start_new_session=not tie,
            preexec_fn=_die_with_parent if tie else None,  # noqa: PLW1509
        )


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the supervisor dies, however it dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_until_up(process: subprocess.Popen, url: str, wait: float, log_path: Path) -> None:
    deadline = time.monotonic() + wait
    while not is_up(url, timeout=1.0):
        if process.poll() is not None:
            raise ServerError(f"LanguageTool exited with code {process.returncode}; see {log_path}.")
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise ServerError(f"LanguageTool did not answer within {wait:.0f} s; see {log_path}.")
        time.sleep(0.25)


# -- the supervisor -------------------------------------------------------------
@dataclass
class Supervision:
    """How the supervisor watches the server (seconds)."""

    probe_every: float = 3.0
    unresponsive_after: float = 20.0  # no answer for this long (hung, SIGSTOP): kill, restart
    start_wait: float = 180.0  # a starting server has this long to answer
    backoff_first: float = 1.0
    backoff_max: float = 60.0
    stable_after: float = 120.0  # up this long: the next failure starts the back-off afresh
    max_rss_mb: float | None = None  # restart a server grown past this (None: never)
    max_age: float | None = None  # restart a server up this long (None: never)
    log_max_bytes: int = 10 * 1024 * 1024  # then the log is rotated
    log_backups: int = 5


def heap_mb(heap: str) -> float:
    """A Java -Xmx value (1g, 768m, 1048576k) in MiB."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024}
    text = heap.strip().lower()
    return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text) / 1024 / 1024


def rss_mb(pid: int) -> float | None:
    """Resident memory of a live process, in MiB (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _over_policy(process: subprocess.Popen, up_since: float, timing: Supervision) -> str | None:
    """Why the upkeep policy wants this server restarted now, or None. Its age counts
    from when it was up and warm."""
    if timing.max_age is not None and time.monotonic() - up_since > timing.max_age:
        return f"reached its maximum age ({timing.max_age:.0f} s)"
    rss = rss_mb(process.pid)
    if timing.max_rss_mb is not None and rss is not None and rss > timing.max_rss_mb:
        return f"grew to {rss:.0f} MB, over its maximum of {timing.max_rss_mb:.0f} MB"
    return None


class RestartTurn:
    """One upkeep restart at a time among the supervisors of a run folder: an flock,
    released by the kernel if its holder dies."""

    def __init__(self, run_dir: Path) -> None:
        self._path = run_dir / "languagetool-restart.lock"
        self._file: object | None = None

    def take(self) -> bool:
        if self._file is not None:
            return True
        handle = open(self._path, "a")  # noqa: SIM115 - held until give_back
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def give_back(self) -> None:
        if self._file is not None:
            self._file.close()  # type: ignore[attr-defined]
            self._file = None


def _server_log(run_dir: Path, port: int, timing: Supervision) -> logging.Logger:
    """The supervisor's and the server's lines, in one rotated file."""
    logger = logging.getLogger(f"tactful.languagetool.{port}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.handlers.RotatingFileHandler(
        log_file(run_dir, port), maxBytes=timing.log_max_bytes, backupCount=timing.log_backups, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.handlers = [handler]
    return logger


def _pump(process: subprocess.Popen, logger: logging.Logger) -> threading.Thread:
    """Copy the server's output into the log, line by line, until it exits."""

    def copy() -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, b""):
            logger.info(line.decode("utf-8", "replace").rstrip("\n"))

    thread = threading.Thread(target=copy, name="languagetool-log", daemon=True)
    thread.start()
    return thread


def start_supervised(home: Path, port: int, heap: str, run_dir: Path, wait: float = 180.0) -> int:
    """Launch `tactful languagetool supervise` detached; wait until the server answers.
    Returns the supervisor's pid."""
    run_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    if is_up(url):
        raise ServerError(f"Something already answers on port {port}; stop it first or pick another port.")
    command(home, port, heap)  # fails now, with the reason, if jars or Java are missing
    with open(log_file(run_dir, port), "ab") as log:
        supervisor = subprocess.Popen(
            [sys.executable, *SUPERVISOR_ARGS, "--port", str(port), "--heap", heap, "--run-dir", str(run_dir)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=home.parent,
            env={**os.environ, "TACTFUL_LANGUAGETOOL_HOME": str(home)},
        )
    pid_file(run_dir, port).write_text(str(supervisor.pid))
    deadline = time.monotonic() + wait
    while not is_up(url, timeout=1.0):
        if supervisor.poll() is not None:
            raise ServerError(
                f"The LanguageTool supervisor exited ({supervisor.returncode}); see {log_file(run_dir, port)}."
            )
        if time.monotonic() > deadline:
            raise ServerError(
                f"LanguageTool did not answer within {wait:.0f} s; its supervisor keeps trying "
                f"(pid {supervisor.pid}); see {log_file(run_dir, port)}."
            )
        time.sleep(0.5)
    return supervisor.pid


def supervise(
    home: Path,
    port: int,
    heap: str,
    run_dir: Path,
    config: Path | None = None,
    supervision: Supervision | None = None,
) -> int:
    """Run the server until SIGTERM/SIGINT, restarting it when it exits or hangs."""
    timing = supervision or Supervision()
    run_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pid_file(run_dir, port).write_text(str(os.getpid()))
    restarts, backoff = 0, timing.backoff_first
    logger = _server_log(run_dir, port, timing)
    turn = RestartTurn(run_dir)

    def say(message: str) -> None:
        logger.info(f"[supervisor {time.strftime('%Y-%m-%d %H:%M:%S')}] {message}")

    while not stopping:
        _write_state(run_dir, port, "starting", restarts=restarts)
        process = _launch(home, port, heap, run_dir, config, tie=True)
        pump = _pump(process, logger)
        say(f"started LanguageTool (pid {process.pid}) on {url}")
        began = up_since = time.monotonic()
        last_answer = None
        reason, upkeep = "", False
        while not stopping:
            if process.poll() is not None:
                reason = f"exited with code {process.returncode}"
                break
            now = time.monotonic()
            if is_up(url, timeout=min(2.0, timing.probe_every)):
                if last_answer is None:
                    say("LanguageTool answers; warming up")
                    warm_up(url, timeout=60.0)
                    _write_state(run_dir, port, "up", restarts=restarts, java_pid=process.pid)
                    turn.give_back()  # an upkeep restart is over once the new server is warm
                    up_since = time.monotonic()
                last_answer = time.monotonic()
                why = _over_policy(process, up_since, timing)
                if why is not None and turn.take():  # else another server's restart comes first
                    reason, upkeep = why, True
                    break
            elif last_answer is not None and now - last_answer > timing.unresponsive_after:
                reason = f"did not answer for {now - last_answer:.0f} s"
                break
            elif last_answer is None and now - began > timing.start_wait:
                reason = f"did not answer within {timing.start_wait:.0f} s of starting"
                break
            _sleep_unless(lambda: stopping, timing.probe_every)
        _end(process)
        pump.join(timeout=10)  # its pipe closed with the server
        if stopping:
            break
        restarts += 1
        if upkeep:  # planned: at once, and the back-off is not affected
            say(f"LanguageTool {reason}; restarting it (restart {restarts})")
            _write_state(run_dir, port, "restarting", restarts=restarts, reason=reason, retry_in=0)
            continue
        if last_answer is not None and time.monotonic() - began > timing.stable_after:
            backoff = timing.backoff_first
        say(f"LanguageTool {reason}; restart {restarts} in {backoff:.0f} s")
        _write_state(run_dir, port, "restarting", restarts=restarts, reason=reason, retry_in=backoff)
        _sleep_unless(lambda: stopping, backoff)
        backoff = min(backoff * 2, timing.backoff_max)
    turn.give_back()
    say("stopped")
    with contextlib.suppress(FileNotFoundError):
        state_file(run_dir, port).unlink()
    with contextlib.suppress(FileNotFoundError, ValueError):
        if int(pid_file(run_dir, port).read_text().strip()) == os.getpid():
            pid_file(run_dir, port).unlink()
    return 0


def _sleep_unless(stop: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop():  # type: ignore[operator]
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def _end(process: subprocess.Popen, wait: float = 15.0) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGCONT)  # a stopped process cannot act on SIGTERM
        process.terminate()
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _write_state(run_dir: Path, port: int, state: str, **details: object) -> None:
    path = state_file(run_dir, port)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"state": state, "pid": os.getpid(), "at": time.time(), **details}))
    temporary.replace(path)


def status(port: int, run_dir: Path) -> tuple[str, str]:
    """("up" | "down" | "starting" | "restarting", a line for people)."""
    url = f"http://127.0.0.1:{port}"
    up = is_up(url)
    state: dict = {}
    with contextlib.suppress(FileNotFoundError, ValueError):
        state = json.loads(state_file(run_dir, port).read_text())
    supervised = bool(state) and _ours(state.get("pid", 0), port) == "supervisor"
    if up:
        extra = f", supervised, {state.get('restarts', 0)} restart(s)" if supervised else ""
        return "up", f"LanguageTool on {url}: up{extra}"
    if supervised and state.get("state") == "up":  # stopped answering a moment ago
        return "restarting", f"LanguageTool on {url}: not answering; its supervisor restarts it if that lasts"
    if supervised and state.get("state") in ("starting", "restarting"):
        name = state["state"]
        why = f" ({state['reason']}; next try within {state['retry_in']:.0f} s)" if state.get("reason") else ""
        return name, f"LanguageTool on {url}: {name}{why}"
    return "down", f"LanguageTool on {url}: down"


# -- stopping, only what is ours ---------------------------------------------------
@dataclass
class StopResult:
    stopped: bool
    message: str

    def __bool__(self) -> bool:
        return self.stopped


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _ours(pid: object, port: int) -> str | None:
    """ "supervisor" or "server" if `pid` is our supervisor or LanguageTool server for
    `port`, else None."""
    if not isinstance(pid, int) or pid <= 1 or pid == os.getpid():
        return None
    args = _cmdline(pid)
    port_given = any(args[i : i + 2] == ["--port", str(port)] for i in range(len(args) - 1))
    if not port_given:
        return None
    if MAIN_CLASS in args:
        return "server"
    if all(arg in args for arg in SUPERVISOR_ARGS[1:]):
        return "supervisor"
    return None


def stop(port: int, run_dir: Path, wait: float = 20.0) -> StopResult:
    """Stop the supervisor or server started for `port`. Signals nothing unless the
    pid file names a live process of ours; a stale pid file is removed."""
    path = pid_file(run_dir, port)
    try:
        content = path.read_text().strip()
    except FileNotFoundError:
        return StopResult(False, f"LanguageTool on port {port}: not started here (no pid file {path}).")
    if not content.isdigit() or int(content) <= 1:  # never kill(0) or kill(1)
        path.unlink()
        return StopResult(
            False,
            f"LanguageTool on port {port}: the pid file {path} was empty or garbled; removed it, signalled nothing.",
        )
    pid = int(content)
    try:
        handle = os.pidfd_open(pid)  # pins the process: its pid cannot be reused while we look
    except (ProcessLookupError, OSError):
        path.unlink()
        return StopResult(False, f"LanguageTool on port {port}: pid {pid} is not running (stale pid file removed).")
    try:
        kind = _ours(pid, port)
        if kind is None:
            path.unlink()
            return StopResult(
                False,
                f"LanguageTool on port {port}: pid {pid} is not a LanguageTool server or supervisor of ours "
                "(stale pid file removed); signalled nothing.",
            )
        signal.pidfd_send_signal(handle, signal.SIGCONT)
        signal.pidfd_send_signal(handle, signal.SIGTERM)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        if _alive(pid):
            signal.pidfd_send_signal(handle, signal.SIGKILL)
    except ProcessLookupError:
        pass
    finally:
        os.close(handle)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return StopResult(True, f"LanguageTool on port {port}: stopped ({kind} pid {pid}).")


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
