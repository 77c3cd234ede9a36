"""Starts and stops the bundled LanguageTool server (jars fetched by languagetool/pom.xml).

It listens on loopback only. Its log goes to var/languagetool-<port>.log, its pid to
var/languagetool-<port>.pid, so `tactful languagetool stop` finds it again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

MAIN_CLASS = "org.languagetool.server.HTTPServer"
WARMUP_TEXT = "Hello Dana, their is a problem with you're account. We has fixed it now. Kind regards, Sam"


class ServerError(RuntimeError):
    """The server could not be started; the message says why and what to do."""


def jar_folder(home: Path) -> Path:
    return home / "target" / "lib"


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
    return [java, f"-Xmx{heap}", "-Xss4m", "-cp", f"{jars}/*", MAIN_CLASS, "--port", str(port), "--config", str(config)]


def is_up(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/v2/languages", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start(
    home: Path, port: int, heap: str = "1g", run_dir: Path | None = None, wait: float = 120.0,
    config: Path | None = None,
) -> subprocess.Popen:
    """Start the server, wait until it answers, and warm it up (its first check is slow).
    `config` replaces languagetool/server.properties."""
    run_dir = run_dir or home.parent / "var"
    run_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    if is_up(url):
        raise ServerError(f"Something already answers on port {port}; stop it first or pick another port.")
    log_path = run_dir / f"languagetool-{port}.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command(home, port, heap, config), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    (run_dir / f"languagetool-{port}.pid").write_text(str(process.pid))
    deadline = time.monotonic() + wait
    while not is_up(url, timeout=1.0):
        if process.poll() is not None:
            raise ServerError(f"LanguageTool exited with code {process.returncode}; see {log_path}.")
        if time.monotonic() > deadline:
            process.terminate()
            raise ServerError(f"LanguageTool did not answer within {wait:.0f} s; see {log_path}.")
        time.sleep(0.25)
    warm_up(url)
    return process


def warm_up(url: str, language: str = "en-GB", timeout: float = 120.0) -> bool:
    """Send one check so the rules load now rather than on an agent's first draft."""
    data = urllib.parse.urlencode({"language": language, "text": WARMUP_TEXT}).encode()
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/v2/check", data=data, timeout=timeout) as response:
            return "matches" in json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def stop(port: int, run_dir: Path, wait: float = 15.0) -> bool:
    """Stop the server started for `port`; False if none was running."""
    pid_file = run_dir / f"languagetool-{port}.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().strip() or 0)
    pid_file.unlink()
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return True
