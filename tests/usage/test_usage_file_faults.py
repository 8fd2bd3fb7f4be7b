"""The usage log's file going wrong under a running store: made immutable, deleted, replaced,
a full disk, corrupted. Recording never raises or waits, each fault is one warning, a deleted
file is recreated (and the log says so), and the files dk2 creates are private (0600).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from usage_helpers import StoreFactory, rows, usage_warnings

from bot.usage import UsageEvent

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def explain(topic: str) -> UsageEvent:
    return UsageEvent("explain", True, 1, outcome=topic)


def store_warnings(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.usage.store" and r.levelno == logging.WARNING and text in r.getMessage()
    ]


async def record_many(store: object, count: int, topic: str = "mgp") -> None:
    for _ in range(count):
        # record() must return at once whatever the file is going through.
        await asyncio.wait_for(store.record(explain(topic)), timeout=1)  # type: ignore[attr-defined]


def sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


async def test_the_files_dk2_creates_are_private(db_path: Path, make_store: StoreFactory) -> None:
    store = make_store(db_path)
    await record_many(store, 3)
    assert await store.flush()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    for name in sidecars(db_path):  # a journal, if one is lying there between writes
        assert stat.S_IMODE((db_path.parent / name).stat().st_mode) == 0o600


async def test_no_shared_memory_file_is_mapped(db_path: Path, make_store: StoreFactory) -> None:
    """SQLite's WAL mode maps a `-shm` file into memory: when that file is truncated or made
    immutable under it, the next write is a SIGBUS that kills the process. The usage log uses
    a rollback journal and no memory mapping, so the file system can only return errors."""
    store = make_store(db_path)
    await record_many(store, 3)
    assert await store.flush()
    assert not (db_path.parent / (db_path.name + "-shm")).exists()
    assert not (db_path.parent / (db_path.name + "-wal")).exists()


def _writer_script(path: Path) -> str:
    return f"""
import asyncio, subprocess, sys
from bot.usage import UsageEvent, UsageStore

async def main():
    store = UsageStore({str(path)!r}, reopen_interval=0.05, busy_timeout_ms=200)
    store.start()
    await store.record(UsageEvent("explain", True, 1, outcome="mgp"))
    await store.flush()
    for name in ({str(path)!r}, {str(path) + "-shm"!r}):
        subprocess.run(["chattr", "+i", name], check=False, capture_output=True)
    try:
        for _ in range(20):
            await store.record(UsageEvent("explain", True, 1, outcome="mgp"))
            await store.flush(timeout=2)
        print("alive", store.dropped)
    finally:
        for name in ({str(path)!r}, {str(path) + "-shm"!r}):
            subprocess.run(["chattr", "-i", name], check=False, capture_output=True)
        await store.close()

asyncio.run(main())
"""


@pytest.mark.skipif(not IS_ROOT or shutil.which("chattr") is None, reason="needs root and chattr")
def test_files_made_immutable_while_writing_do_not_kill_the_process(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", _writer_script(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.startswith("alive")
    assert done.stderr.count("Usage log unavailable") == 1, done.stderr


async def test_a_deleted_file_is_recreated_and_the_log_says_so(
    db_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(db_path)
    await record_many(store, 2, "before")
    assert await store.flush()
    for path in [db_path, *(db_path.parent / n for n in sidecars(db_path))]:
        path.unlink()

    await record_many(store, 3, "after")
    assert await store.flush()
    assert rows(db_path, "SELECT outcome FROM events") == [("after",)] * 3
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert len(store_warnings(caplog, "was deleted")) == 1
    assert (await store.summary(1)).top_topics == (("after", 3),)


async def test_a_replaced_file_is_noticed_and_written(
    db_path: Path, tmp_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(db_path)
    await record_many(store, 2, "old")
    assert await store.flush()
    other = tmp_path / "other.sqlite3"
    other_store = make_store(other)
    await record_many(other_store, 1, "theirs")
    await other_store.close()
    os.replace(other, db_path)  # e.g. a backup restored over it

    await record_many(store, 1, "new")
    assert await store.flush()
    assert sorted(rows(db_path, "SELECT outcome FROM events")) == [("new",), ("theirs",)]
    assert len(store_warnings(caplog, "was replaced")) == 1


async def test_a_file_replaced_by_garbage_is_one_warning(
    db_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(db_path)
    await record_many(store, 2)
    assert await store.flush()
    replacement = db_path.with_name("garbage")
    replacement.write_bytes(b"not a database at all\n" * 500)
    os.replace(replacement, db_path)

    for _ in range(3):
        await record_many(store, 2)
        await store.flush()
        await asyncio.sleep(0.06)
    assert len(usage_warnings(caplog, "SQLITE_NOTADB")) == 1
    assert store.dropped == 6
    assert (await store.summary(1)).error is not None


@contextlib.contextmanager
def tiny_filesystem(path: Path, size: str = "48k") -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("can't mount a small tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@pytest.mark.skipif(not IS_ROOT, reason="mounting a small file system needs root")
async def test_a_full_disk_drops_events_with_one_warning_and_recovers(
    tmp_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with tiny_filesystem(tmp_path / "small") as small:
        db_path = small / "usage.sqlite3"
        store = make_store(db_path, batch_size=50)
        await record_many(store, 1, "first")
        assert await store.flush()
        filler = small / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as fh:
            while True:
                fh.write(b"x" * 4096)
                fh.flush()
        for _ in range(4):
            await store.record(UsageEvent("explain", False, 1, term="x" * 100))
            await store.flush()
            await asyncio.sleep(0.06)
        await record_many(store, 200, "t" * 90)
        assert await store.flush(timeout=10)
        assert store.dropped > 0
        full = usage_warnings(caplog, "SQLITE_FULL")
        assert len(full) == 1, [r.getMessage() for r in caplog.records]

        filler.unlink()  # space again: recording resumes on its own
        await asyncio.sleep(0.06)
        before = store.dropped
        await record_many(store, 1, "back")
        assert await store.flush()
        assert store.dropped == before
        await store.close()
