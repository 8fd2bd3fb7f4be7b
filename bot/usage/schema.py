"""Opening the usage database and bringing its schema up to date.

Migrations are the numbered `migrations/NNNN_name.sql` files shipped in this package. The
database's `PRAGMA user_version` records the last one applied, so opening is idempotent
and two dk2 processes racing to migrate the same file can't apply one twice: the version is
re-read inside the write transaction.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

DEFAULT_BUSY_TIMEOUT_MS = 5000
JOURNAL_MODE = "delete"


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: the SQL that takes `user_version` from `version - 1` to `version`."""

    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(script: str) -> tuple[str, ...]:
    """Split a SQL script into complete statements (`executescript` would commit mid-way)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if statement.rstrip(";").strip():
                statements.append(statement)
            buffer = ""
    if buffer.strip() and _has_sql(buffer):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {buffer!r}")
    return tuple(statements)


def _has_sql(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


@cache
def load_migrations() -> tuple[Migration, ...]:
    """The packaged migrations in order; their numbers must run 1, 2, 3, ... without gaps."""
    folder = resources.files("bot.usage").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        number, _, rest = entry.name.partition("_")
        found.append(
            Migration(
                version=int(number),
                name=rest.removesuffix(".sql"),
                statements=split_statements(entry.read_text(encoding="utf-8")),
            )
        )
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"usage migrations must be numbered 1..N without gaps: {versions}")
    return tuple(found)


def latest_version() -> int:
    """The schema version a fully migrated database has."""
    return len(load_migrations())


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations the database lacks, all in one transaction; return its version.

    Needs a connection in autocommit mode (`isolation_level=None`), as `connect` makes.
    A database that is already current is only read, so reopening one never waits for
    another process's write lock.
    """
    migrations = load_migrations()
    if user_version(conn) >= len(migrations):
        return user_version(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = user_version(conn)  # another process may have migrated meanwhile
        for migration in migrations[current:]:
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return user_version(conn)


def database_uri(
    path: str | os.PathLike[str], *, read_only: bool = False, create: bool = True
) -> str:
    """The `file:` URI SQLite opens `path` with (special characters in the path escaped)."""
    mode = "ro" if read_only else ("rwc" if create else "rw")
    return f"{Path(path).absolute().as_uri()}?mode={mode}"


def _use_rollback_journal(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Switch the file to a rollback journal (from WAL, if an older dk2 left it so), retrying:
    SQLite answers SQLITE_BUSY to a journal-mode change without waiting.

    Not WAL: WAL maps a `-shm` file into memory, and when that file is truncated or made
    immutable under a running process the next write is a SIGBUS that kills it, with no log
    line. A rollback journal only reads and writes files, so every fault of the file system
    becomes an error dk2 can log. Readers still share the file with the writer (they wait a
    moment during a commit, covered by the busy timeout).
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != JOURNAL_MODE:
                conn.execute(f"PRAGMA journal_mode = {JOURNAL_MODE}")
            return
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorname", "") != "SQLITE_BUSY":
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01 + random.random() * 0.02)


def create_private(path: str | os.PathLike[str]) -> bool:
    """Create the database file readable by its owner only (0600), unless it exists; True
    when it was created here. SQLite gives its journal the same mode as the file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:  # it exists, or SQLite will say what is wrong with the path
        return False
    os.close(fd)
    return True


def connect(
    path: str | os.PathLike[str],
    *,
    read_only: bool = False,
    create: bool = True,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> sqlite3.Connection:
    """Open the database in autocommit mode, with a rollback journal, no memory mapping and a
    busy timeout.

    A new file is created 0600 (usage is nobody else's business). The busy timeout makes a
    writer wait for another process's lock instead of failing at once. Raises
    `sqlite3.Error` (or `OSError`) when the file can't be opened; nothing is migrated here.
    """
    if not read_only and create:
        create_private(path)
    conn = sqlite3.connect(
        database_uri(path, read_only=read_only, create=create),
        uri=True,
        isolation_level=None,
        timeout=busy_timeout_ms / 1000,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms):d}")
        conn.execute("PRAGMA mmap_size = 0")  # reads and writes only: no SIGBUS either
        if not read_only:
            _use_rollback_journal(conn, busy_timeout_ms)
    except BaseException:
        conn.close()
        raise
    return conn
