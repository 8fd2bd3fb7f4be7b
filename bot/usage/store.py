"""The usage store: records events without ever holding up an answer.

`record` only puts the event on a queue. One daemon thread owns the writing connection,
commits events in batches, prunes old rows at open and then every `prune_interval`
seconds, and turns every database failure (locked, read-only, unwritable path, disk I/O,
corrupt file) into a rate-limited warning plus a count of dropped events. Reads run in a
worker thread on their own read-only connection.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from bot.core.repeats import PostedAnswer
from bot.usage import answers
from bot.usage.events import (
    INSERT_ROW,
    INSERT_ROWS,
    ROWS_PER_INSERT,
    Prepared,
    Row,
    UsageEvent,
    prepare,
    prepared_row,
)
from bot.usage.schema import DEFAULT_BUSY_TIMEOUT_MS, connect, migrate
from bot.usage.summary import DEFAULT_LIMIT, SECONDS_PER_DAY, UsageSummary, open_summary

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class _Flush:
    done: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True, slots=True)
class _Prune:
    retention_days: int
    result: concurrent.futures.Future[int] = field(default_factory=concurrent.futures.Future)


@dataclass(frozen=True, slots=True)
class _Stop:
    pass


_Item = Row | _Flush | _Prune | _Stop


def _identity(path: Path) -> tuple[int, int] | None:
    """The file at `path` as (device, inode); None when there is none (or it can't be read)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _insert(conn: sqlite3.Connection, rows: list[Row]) -> sqlite3.Cursor:
    """Insert `rows` (inside the caller's transaction): a hundred at a time in one statement,
    the rest one by one."""
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    for start in range(0, whole, ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        conn.execute(INSERT_ROWS, [value for row in chunk for value in row])
    return conn.executemany(INSERT_ROW, rows[whole:])


def failure_kind(exc: BaseException) -> str:
    """A stable name for a kind of failure, e.g. SQLITE_BUSY or SQLITE_READONLY."""
    name = getattr(exc, "sqlite_errorname", None)
    return name if isinstance(name, str) else type(exc).__name__


_TRANSIENT = {"SQLITE_BUSY", "SQLITE_LOCKED"}  # keep the connection; the lock will pass


class _FailureLog:
    """Warn once per fault (again only after `interval` seconds) and count drops.

    One fault often shows as several kinds of error in a row (a file made immutable fails
    a write with SQLITE_IOERR_WRITE, then the reopen with SQLITE_READONLY): from the first
    warning until a write succeeds again (`recovered`), further kinds are only counted.
    Used from the event loop and the writer thread, hence the lock.
    """

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._lock = threading.Lock()
        self._last_warned: dict[str, float] = {}
        self._dropped_by_kind: dict[str, int] = {}
        self._outage_warned: float | None = None  # when this outage was first warned about
        self.dropped = 0

    def failed(self, kind: str, detail: str, dropped: int = 0) -> None:
        with self._lock:
            self.dropped += dropped
            self._dropped_by_kind[kind] = self._dropped_by_kind.get(kind, 0) + dropped
            now = time.monotonic()
            if self._outage_warned is not None and now - self._outage_warned < self._interval:
                return
            last = self._last_warned.get(kind)
            if last is not None and now - last < self._interval:
                return
            self._last_warned[kind] = now
            self._outage_warned = now
            dropped_here = self._dropped_by_kind[kind]
            total = self.dropped
        log.warning(
            "Usage log unavailable (%s: %s); %d event(s) dropped for this reason, %d in all. "
            "Answering is unaffected; this warning repeats at most every %.0f s.",
            kind,
            detail,
            dropped_here,
            total,
            self._interval,
        )

    def recovered(self) -> None:
        """A write succeeded: the next failure is a new fault, worth a warning."""
        with self._lock:
            if self._outage_warned is None:
                return
            self._outage_warned = None
            total = self.dropped
        log.info("Usage log is recording again (%d event(s) dropped in all).", total)


class RecordsEvents:
    """`record` and `record_nowait` for a store that queues prepared rows: both stores
    (SQLite here, PostgreSQL in `bot.usage.postgres`) queue through `record_prepared`."""

    _failures: _FailureLog

    def record_prepared(
        self, prepared: Prepared, guild_id: int | None, at: float | None = None
    ) -> None:
        raise NotImplementedError

    async def record(self, event: UsageEvent) -> None:
        """Queue `event` for the writer and return at once; never raises, never waits."""
        self.record_nowait(event)

    def record_nowait(self, event: UsageEvent) -> None:
        """Queue `event`; never raises, never waits."""
        try:
            prepared = prepare(event)
        except (TypeError, ValueError, OverflowError) as exc:
            self._failures.failed("bad event", repr(exc), dropped=1)
            return
        self.record_prepared(prepared, event.guild_id, event.at)


class UsageStore(RecordsEvents):
    """The usage log behind `/dk2-admin stats`, safe to share with a second dk2 process.

    Construct it (never fails), `start()` it, `await record(event)` after each answer,
    `await summary(days, guild_id)` for moderators and `await close()` at shutdown; or use
    it as `async with UsageStore(path) as store:`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        prune_interval: float = 3600.0,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        reopen_interval: float = 30.0,
        warn_interval: float = 600.0,
        max_pending: int = 10_000,
        batch_size: int = 500,
        linger: float = 0.5,
        read_only: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self._prune_interval = prune_interval
        self._busy_timeout_ms = busy_timeout_ms
        self._reopen_interval = reopen_interval
        self._max_pending = max_pending
        self._batch_size = max(1, batch_size)
        # How long the writer waits for more events after the first of a batch: each commit
        # (a rollback journal written, synced and removed) costs far more CPU than a row, so
        # a busy endpoint commits a few times a second, not once per handful of answers.
        # A flush, a summary and close() cut the wait short: nothing queued is lost at a
        # clean shutdown; a crash (SIGKILL) loses at most this long's events.
        self._linger = max(0.0, linger)
        self._read_only = read_only
        self._clock = clock
        self._failures = _FailureLog(warn_interval)
        # SimpleQueue: a put is one C call, with no lock and condition taken in Python.
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        # Set while a flush, prune or stop is queued and not yet handled: no linger then.
        self._control = threading.Event()
        self._control_lock = threading.Lock()
        self._controls_pending = 0
        self._thread: threading.Thread | None = None
        self._closed = False
        # Owned by the writer thread once it runs.
        self._conn: sqlite3.Connection | None = None
        # (device, inode) of the file last opened, kept while disconnected after a failure.
        self._identity: tuple[int, int] | None = None
        self._last_open_attempt: float | None = None
        self._unavailable: tuple[str, str] | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer thread; it opens, migrates and prunes the database itself.

        Returns at once: nothing here touches the disk on the caller's thread.
        """
        if self._thread is not None or self._closed:
            return
        self._thread = threading.Thread(target=self._run, name="dk2-usage-writer", daemon=True)
        self._thread.start()

    async def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (waiting at most `timeout` seconds) and stop the writer."""
        if self._closed:
            return
        self._closed = True
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._put_control(_Stop())
            await asyncio.to_thread(thread.join, timeout)
            if thread.is_alive():
                log.warning(
                    "Usage writer still busy after %.1f s at shutdown; "
                    "about %d queued event(s) will be lost.",
                    timeout,
                    self._queue.qsize(),
                )
        elif not self._queue.empty():  # never started: what was queued is lost
            self._failures.failed(
                "not started", "closed before start()", dropped=self._queue.qsize()
            )
        if self._failures.dropped:
            log.warning("Usage log closed; %d event(s) could not be recorded.", self.dropped)

    async def __aenter__(self) -> UsageStore:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def dropped(self) -> int:
        """How many events could not be recorded so far."""
        return self._failures.dropped

    # -- the event loop's side -------------------------------------------------------

    def record_prepared(
        self, prepared: Prepared, guild_id: int | None, at: float | None = None
    ) -> None:
        """`record_nowait` for an event already `prepare`d (an answer kept with its part of
        the row): only the server and the time are added here."""
        if self._closed:
            self._failures.failed("closed", "the usage store is closed", dropped=1)
            return
        if self._queue.qsize() >= self._max_pending:
            self._failures.failed(
                "backlog", f"{self._max_pending} events are waiting to be written", dropped=1
            )
            return
        try:
            row = prepared_row(prepared, guild_id, self._clock() if at is None else at)
        except (TypeError, ValueError, OverflowError) as exc:  # a caller bug: log, go on
            self._failures.failed("bad event", repr(exc), dropped=1)
            return
        self._queue.put_nowait(row)

    async def flush(self, timeout: float = 5.0) -> bool:
        """Wait (off the loop, at most `timeout` s) until queued events are written.

        Returns False when the writer is not running or did not catch up in time. Events
        the database refused count as handled: they are dropped and logged.
        """
        if self._thread is None or not self._thread.is_alive():
            return False
        marker = _Flush()
        self._put_control(marker)
        return await asyncio.to_thread(marker.done.wait, timeout)

    async def prune(self, retention_days: int | None = None, timeout: float = 30.0) -> int:
        """Delete events older than `retention_days` (default: the store's); return how many.

        Runs on the writer thread, so it never competes with our own writes. Returns 0 if
        the database can't be written or the writer isn't running.
        """
        days = self.retention_days if retention_days is None else retention_days
        if self._thread is None or not self._thread.is_alive():
            return 0
        request = _Prune(days)
        self._put_control(request)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(request.result), timeout)
        except TimeoutError:
            return 0

    async def summary(
        self, days: int, guild_id: int | None = None, *, limit: int = DEFAULT_LIMIT
    ) -> UsageSummary:
        """Counts for the last `days` days, for one guild or all (guild_id None).

        Writes queued before the call are flushed first (briefly), so a moderator sees the
        answer they just got. Never raises for a database problem: see `UsageSummary.error`.
        """
        await self.flush(timeout=2.0)
        return await asyncio.to_thread(
            open_summary,
            self.path,
            days,
            guild_id,
            limit=limit,
            clock=self._clock,
            busy_timeout_ms=self._busy_timeout_ms,
        )

    # -- posted answers (no repeats in a channel) -----------------------------------

    async def record_answer(self, answer: PostedAnswer) -> None:
        """Keep a public answer dk2 posted; a database problem is a warning, never raised."""
        if not self._read_only:
            await self._answers("recording a posted answer", answers.record_answer, answer)

    async def earlier_answer(self, channel_id: int, key: str, since: float) -> PostedAnswer | None:
        """The same answer in the channel, pinned or posted since `since`; None when there is
        none or the database can't say."""
        return await self._answers(
            "looking for an earlier answer", answers.earlier_answer, channel_id, key, since
        )

    async def set_pinned(self, pin: PostedAnswer) -> None:
        """Note that a posted answer was pinned or unpinned (`pin.pinned`)."""
        if not self._read_only:
            await self._answers("noting a pin", answers.set_pinned, pin)

    async def _answers(self, doing: str, call: Callable[..., _T], *args: object) -> _T | None:
        """`call(path, *args, busy_timeout)` in a worker thread, on its own connection."""
        try:
            return await asyncio.to_thread(call, self.path, *args, self._busy_timeout_ms)
        except (sqlite3.Error, OSError, OverflowError) as exc:
            self._failures.failed(failure_kind(exc), f"{doing} in {self.path}: {exc}")
            return None

    def _put_control(self, item: _Flush | _Prune | _Stop) -> None:
        with self._control_lock:
            self._controls_pending += 1
            self._queue.put(item)
            self._control.set()

    def _control_done(self) -> None:
        with self._control_lock:
            self._controls_pending -= 1
            if self._controls_pending <= 0:
                self._controls_pending = 0
                self._control.clear()

    # -- the writer thread -----------------------------------------------------------

    def _run(self) -> None:
        next_prune = time.monotonic()  # prune once as soon as the database opens
        stopping = False
        while not stopping:
            if time.monotonic() >= next_prune:
                # Without a database, try again when a reopen is next allowed.
                opened = self._connection() is not None
                if opened:
                    self._prune(self.retention_days)
                wait = self._prune_interval if opened else self._reopen_interval
                next_prune = time.monotonic() + wait
            try:
                first = self._queue.get(timeout=max(0.0, next_prune - time.monotonic()))
            except queue.Empty:
                continue
            batch = self._gather(first)
            try:
                stopping = self._handle(batch)
            except Exception:  # a bug here must not silently end recording
                log.exception("Usage writer failed on a batch of %d item(s)", len(batch))
        self._disconnect()

    def _gather(self, first: _Item) -> list[_Item]:
        """`first` and what follows it within the linger time. No waiting while a flush,
        prune or stop is queued (nobody waits on the linger) nor while a whole batch is
        already waiting (a backlog drains at full speed)."""
        batch = [first]
        if (
            isinstance(first, tuple)
            and self._linger > 0
            and self._queue.qsize() < self._batch_size - 1
        ):
            # Sleep through the linger rather than wait on the queue: a queue wait wakes this
            # thread for every event, and each wake-up fights the event loop for the GIL.
            self._control.wait(self._linger)
        while len(batch) < self._batch_size and isinstance(batch[-1], tuple):
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            batch.append(item)
        return batch

    def _handle(self, batch: list[_Item]) -> bool:
        """Process queued items in order; True once a stop request was seen."""
        rows: list[Row] = []
        for item in batch:
            if isinstance(item, tuple):
                rows.append(item)
                continue
            self._write(rows)
            rows = []
            if isinstance(item, _Flush):
                self._control_done()
                item.done.set()
            elif isinstance(item, _Prune):
                self._control_done()
                item.result.set_result(self._prune(item.retention_days))
            else:
                return True
        self._write(rows)
        return False

    def _connection(self) -> sqlite3.Connection | None:
        """The open, migrated connection; reopened at most every `reopen_interval` s."""
        if self._conn is not None:
            return self._conn
        now = time.monotonic()
        if (
            self._last_open_attempt is not None
            and now - self._last_open_attempt < self._reopen_interval
        ):
            return None
        self._last_open_attempt = now
        conn: sqlite3.Connection | None = None
        try:
            conn = connect(
                self.path, read_only=self._read_only, busy_timeout_ms=self._busy_timeout_ms
            )
            migrate(conn)
        except (sqlite3.Error, OSError) as exc:
            if conn is not None:
                conn.close()
            kind = failure_kind(exc)
            self._unavailable = (kind, f"can't open {self.path}: {exc}")
            self._failures.failed(*self._unavailable)
            if kind in _TRANSIENT:
                self._last_open_attempt = None  # a lock passes: try again on the next batch
            return None
        self._conn = conn
        self._identity = _identity(self.path)
        self._unavailable = None
        return conn

    def _check_file(self) -> None:
        """Notice the file being deleted or replaced since it was opened (SQLite would go on
        writing to the unlinked file, and every later record would be lost silently): say
        so once, and reopen the path at once, creating it again if it is gone."""
        if self._identity is None:
            return
        current = _identity(self.path)
        if current == self._identity:
            return
        if current is None:
            log.warning(
                "Usage log %s was deleted while dk2 ran; recording into a new file there.",
                self.path,
            )
        else:
            log.warning(
                "Usage log %s was replaced by another file while dk2 ran; recording into it.",
                self.path,
            )
        self._disconnect()
        self._identity = None
        self._last_open_attempt = None  # reopen now, not after the reopen interval

    def _disconnect(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def _write(self, rows: list[Row]) -> None:
        if not rows:
            return
        self._check_file()
        conn = self._connection()
        if conn is None:
            kind, detail = self._unavailable or ("unavailable", "no database connection")
            self._failures.failed(kind, detail, dropped=len(rows))
            return
        try:
            self._in_transaction(conn, lambda: _insert(conn, rows))
        except (sqlite3.Error, OverflowError, ValueError) as exc:
            self._failed(exc, f"writing to {self.path}: {exc}", dropped=len(rows))
        else:
            self._failures.recovered()

    def _prune(self, retention_days: int) -> int:
        conn = self._connection()
        if conn is None:
            return 0
        cutoff = int(self._clock()) - retention_days * SECONDS_PER_DAY
        try:
            cursor = self._in_transaction(
                conn, lambda: conn.execute("DELETE FROM events WHERE at < ?", (cutoff,))
            )
            stale = self._clock() - answers.ANSWERS_KEPT_SECONDS
            self._in_transaction(conn, lambda: conn.execute(answers.PRUNE_ANSWERS, (stale,)))
        except sqlite3.Error as exc:
            self._failed(exc, f"pruning {self.path}: {exc}")
            return 0
        if cursor.rowcount:
            log.info(
                "Usage log: pruned %d event(s) older than %d days", cursor.rowcount, retention_days
            )
        return max(cursor.rowcount, 0)

    @staticmethod
    def _in_transaction(
        conn: sqlite3.Connection, work: Callable[[], sqlite3.Cursor]
    ) -> sqlite3.Cursor:
        conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = work()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        return cursor

    def _failed(self, exc: Exception, detail: str, dropped: int = 0) -> None:
        kind = failure_kind(exc)
        self._failures.failed(kind, detail, dropped=dropped)
        if kind not in _TRANSIENT:
            # Read-only, I/O or corrupt: reopen later, it may have been fixed meanwhile.
            self._disconnect()
            self._unavailable = (kind, detail)
