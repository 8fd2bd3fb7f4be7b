"""A throwaway PostgreSQL server for tests: initdb into a temporary folder, pg_ctl on 127.0.0.1.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the
`postgres` system user (created as `dk2-pg` with useradd when no such user exists), through
runuser. Binaries are found on PATH, in /usr/lib/postgresql/<version>/bin, or in
$DK2_PG_BIN. `find_binaries` returning None means the tests skip, except in CI (CI=true),
where they fail: `.ci/run` installs PostgreSQL when it is missing.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

START_TIMEOUT = 60


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    candidates: list[Path] = []
    if os.environ.get("DK2_PG_BIN"):
        candidates.append(Path(os.environ["DK2_PG_BIN"]))
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(found).resolve().parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _server_user() -> str | None:
    """The user to run as (None: the current one, which is not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "dk2-pg"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "dk2-pg"],
        check=True,
        capture_output=True,
    )
    return "dk2-pg"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One server; `start()`, then `url`, then `stop()` (always, in a finally)."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.user = _server_user()
        self.folder = Path(tempfile.mkdtemp(prefix="dk2-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.started = False

    @property
    def url(self) -> str:
        return f"postgresql://dk2@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://dk2@127.0.0.1:{self.port}/{name}"

    def _run(self, *command: str) -> None:
        argv = [str(self.binaries / command[0]), *command[1:]]
        if self.user is not None:
            argv = ["runuser", "-u", self.user, "--", *argv]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=START_TIMEOUT)
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {result.stderr or result.stdout}\n{tail}")

    def start(self) -> None:
        if self.user is not None:
            shutil.chown(self.folder, self.user)
        self.folder.chmod(0o700)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "dk2",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories="
            f"{self.folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            str(START_TIMEOUT),
            "start",
        )
        self.started = True

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
