"""A real PostgreSQL server for the tests, from Debian's packages (scripts/setup.sh
installs them): initdb in a temporary directory, pg_ctl on a free loopback port,
stopped at the end. initdb refuses to run as root, so as root it runs as the
`postgres` user the package creates."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "tactful"


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: Debian keeps them out of PATH, per major version."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        binaries = bin_dir()
        if binaries is None:
            raise RuntimeError("PostgreSQL is not installed: run scripts/setup.sh (it installs Debian's postgresql)")
        self.bin = binaries
        self.base = Path(tempfile.mkdtemp(prefix="tactful-pg-"))
        self.data, self.log = self.base / "data", self.base / "server.log"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            owner = pwd.getpwnam("postgres")
            os.chown(self.base, owner.pw_uid, owner.pw_gid)

    @property
    def url(self) -> str:
        return self.url_of("postgres")

    def url_of(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` (clean), or `immediate` (as if it died)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return self.url_of(name)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=check, capture_output=True, timeout=120)
