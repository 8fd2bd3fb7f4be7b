"""The usage log, shared cooldowns and the reload broadcast on PostgreSQL (`database_url`).

Several dk2 processes (gateway shards, HTTP workers, machines) share one database:

- usage events are queued without waiting, like `UsageStore` does, and written by one task
  in batches; a database that is down costs a rate-limited warning and the dropped events'
  count, never an answer;
- `cooldown_hit` asks the database (one atomic function call) so a member's limit holds
  across every process; when the database can't answer, the process's own memory decides;
- `/dk2-admin reload` on one process sends `NOTIFY dk2_reload`; every other process hears it on
  its LISTEN connection and reloads its own copy, validating it first as always.

asyncpg is the driver: asyncio-native like the rest of dk2, its own protocol implementation
(no libpq to install), a connection pool, and LISTEN/NOTIFY through `add_listener`.
The schema is migrated with the numbered files in `migrations_pg/`, the same versions as
SQLite's, under an advisory lock so processes starting together migrate once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final, Union

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.core.repeats import PostedAnswer
from bot.usage.answers import ANSWERS_KEPT_SECONDS
from bot.usage.events import EXPLAIN, Prepared, Row, prepared_row
from bot.usage.store import DEFAULT_RETENTION_DAYS, RecordsEvents, _FailureLog
from bot.usage.summary import DEFAULT_LIMIT, SECONDS_PER_DAY, UsageSummary

__all__ = [
    "RELOAD_CHANNEL",
    "PostgresStore",
    "ReloadListener",
    "latest_pg_version",
    "migrate_pg",
    "pg_migrations",
]

log = logging.getLogger(__name__)

RELOAD_CHANNEL: Final = "dk2_reload"
_MIGRATION_LOCK: Final = 0x646B32  # "dk2": one advisory lock id for schema changes
_COLUMNS: Final = ("at", "guild_id", "command", "outcome", "k2_band", "answered", "term")
_CONNECT_TIMEOUT: Final = 5.0
_COMMAND_TIMEOUT: Final = 10.0
_COOLDOWN_TIMEOUT: Final = 1.0  # a member waits at most this long on the shared cooldown

Conn = Union["asyncpg.Connection[Any]", "PoolConnectionProxy[Any]"]


@dataclass(frozen=True, slots=True)
class PgMigration:
    version: int
    name: str
    sql: str


def pg_migrations() -> tuple[PgMigration, ...]:
    """The packaged PostgreSQL migrations in order, numbered 1..N without gaps."""
    folder = resources.files("bot.usage").joinpath("migrations_pg")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(
                PgMigration(int(number), rest.removesuffix(".sql"), entry.read_text("utf-8"))
            )
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("PostgreSQL migrations must be numbered 1..N without gaps")
    return tuple(found)


def latest_pg_version() -> int:
    return len(pg_migrations())


async def migrate_pg(conn: Conn) -> int:
    """Apply the migrations the database lacks, in one transaction; return its version."""
    migrations = pg_migrations()
    async with conn.transaction():
        # Processes starting together queue here; the second finds the work done.
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS dk2_schema (version INTEGER NOT NULL)")
        current = await conn.fetchval("SELECT max(version) FROM dk2_schema") or 0
        for migration in migrations[current:]:
            await conn.execute(migration.sql)  # a whole file: functions hold semicolons
            await conn.execute("INSERT INTO dk2_schema (version) VALUES ($1)", migration.version)
        return int(await conn.fetchval("SELECT max(version) FROM dk2_schema") or 0)


def _describe(exc: BaseException) -> tuple[str, str]:
    return type(exc).__name__, str(exc)[:200] or type(exc).__name__


class PostgresStore(RecordsEvents):
    """Usage records and cooldowns in PostgreSQL; the same calls as `UsageStore`.

    Construct it (never fails, touches nothing), `start()` it on the event loop, `close()`
    it at shutdown. The pool connects lazily and again after a failure.
    """

    def __init__(
        self,
        url: str,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        prune_interval: float = 3600.0,
        warn_interval: float = 600.0,
        max_pending: int = 10_000,
        linger: float = 0.05,
        reconnect_interval: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._url = url
        self.retention_days = retention_days
        self.path = Path(os.devnull)  # nothing on disk; kept for callers that make folders
        self._prune_interval = prune_interval
        self._max_pending = max_pending
        self._linger = linger
        self._reconnect_interval = reconnect_interval
        self._clock = clock
        self._failures = _FailureLog(warn_interval)
        self._pending: list[Row] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._pool: asyncpg.Pool | None = None
        self._pool_lock = asyncio.Lock()
        self._last_connect_attempt: float | None = None
        self._writer: asyncio.Task[None] | None = None
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer task (on the running loop); it connects and migrates itself."""
        if self._writer is None and not self._closed:
            self._writer = asyncio.get_running_loop().create_task(
                self._run(), name="dk2-pg-usage-writer"
            )

    async def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (at most `timeout` seconds), then close the pool."""
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            self._wake.set()
            try:
                await asyncio.wait_for(self._idle.wait(), timeout)
            except TimeoutError:
                log.warning("Usage writer still busy after %.1f s at shutdown", timeout)
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        if self._pending:
            self._failures.failed("closed", "closed with events queued", len(self._pending))
            self._pending.clear()
        if self._pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pool.close(), timeout)
            self._pool = None
        if self._failures.dropped:
            log.warning("Usage log closed; %d event(s) could not be recorded.", self.dropped)

    @property
    def dropped(self) -> int:
        return self._failures.dropped

    async def pool(self) -> asyncpg.Pool | None:
        """The connection pool, created (and the schema migrated) on first use; None while
        the database can't be reached (tried again after `reconnect_interval`)."""
        if self._pool is not None:
            return self._pool
        async with self._pool_lock:
            if self._pool is not None:
                return self._pool
            now = time.monotonic()
            last = self._last_connect_attempt
            if last is not None and now - last < self._reconnect_interval:
                return None
            self._last_connect_attempt = now
            try:
                pool = await asyncpg.create_pool(
                    self._url,
                    min_size=1,
                    max_size=4,
                    timeout=_CONNECT_TIMEOUT,
                    command_timeout=_COMMAND_TIMEOUT,
                )
                async with pool.acquire() as conn:
                    await migrate_pg(conn)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                self._failures.failed(*_describe(exc))
                return None
            self._pool = pool
            return pool

    # -- usage -------------------------------------------------------------------------------

    def record_prepared(
        self, prepared: Prepared, guild_id: int | None, at: float | None = None
    ) -> None:
        """`record_nowait` for an event already `prepare`d (an answer kept with its part of
        the row): only the server and the time are added here."""
        if self._closed:
            self._failures.failed("closed", "the usage store is closed", dropped=1)
            return
        if len(self._pending) >= self._max_pending:
            self._failures.failed(
                "backlog", f"{self._max_pending} events are waiting to be written", dropped=1
            )
            return
        try:
            row = prepared_row(prepared, guild_id, self._clock() if at is None else at)
        except (TypeError, ValueError, OverflowError) as exc:
            self._failures.failed("bad event", repr(exc), dropped=1)
            return
        self._pending.append(row)
        self._idle.clear()
        self._wake.set()

    async def flush(self, timeout: float = 5.0) -> bool:
        """Wait (at most `timeout` s) until what is queued now has been handled."""
        if self._writer is None or self._writer.done():
            return False
        self._wake.set()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def _run(self) -> None:
        next_prune = time.monotonic()
        while True:
            timeout = max(0.0, next_prune - time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            if time.monotonic() >= next_prune:
                pruned = await self.prune()
                next_prune = time.monotonic() + (
                    self._prune_interval if pruned is not None else self._reconnect_interval
                )
            if self._pending:
                await asyncio.sleep(self._linger)  # let a burst gather into one batch
                rows, self._pending = self._pending, []
                await self._write(rows)
            if not self._pending:
                self._idle.set()

    async def _write(self, rows: list[Row]) -> None:
        pool = await self.pool()
        if pool is None:
            self._failures.failed("unavailable", "no database connection", dropped=len(rows))
            return
        try:
            async with pool.acquire() as conn:
                await conn.copy_records_to_table("events", records=rows, columns=_COLUMNS)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            self._failures.failed(*_describe(exc), dropped=len(rows))

    async def prune(self, retention_days: int | None = None) -> int | None:
        """Delete events older than the retention and idle cooldown rows; how many events
        went (None when the database can't be reached)."""
        days = self.retention_days if retention_days is None else retention_days
        pool = await self.pool()
        if pool is None:
            return None
        cutoff = int(self._clock()) - days * SECONDS_PER_DAY
        try:
            async with pool.acquire() as conn:
                status = await conn.execute("DELETE FROM events WHERE at < $1", cutoff)
                await conn.execute(
                    "DELETE FROM cooldowns WHERE coalesce(uses[array_upper(uses, 1)], 0)"
                    " < extract(epoch FROM clock_timestamp()) - $1",
                    float(SECONDS_PER_DAY),
                )
                await conn.execute(
                    "DELETE FROM answers WHERE NOT pinned AND at < $1",
                    self._clock() - ANSWERS_KEPT_SECONDS,
                )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            self._failures.failed(*_describe(exc))
            return None
        count = int(status.split()[-1]) if status.startswith("DELETE") else 0
        if count:
            log.info("Usage log: pruned %d event(s) older than %d days", count, days)
        return count

    async def summary(
        self, days: int, guild_id: int | None = None, *, limit: int = DEFAULT_LIMIT
    ) -> UsageSummary:
        """What `/dk2 stats` shows, from every process's records. Never raises."""
        await self.flush(timeout=2.0)
        pool = await self.pool()
        if pool is None:
            return UsageSummary(days=days, guild_id=guild_id, error="the database is unreachable")
        try:
            async with pool.acquire() as conn:
                return await _read_summary(conn, days, guild_id, self._clock(), limit)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            return UsageSummary(days=days, guild_id=guild_id, error=f"can't read the log: {exc}")

    async def check(self) -> str | None:
        """None when the database answers; else why not (for /healthz)."""
        pool = await self.pool()
        if pool is None:
            return "the database is unreachable"
        try:
            await asyncio.wait_for(pool.fetchval("SELECT 1"), _CONNECT_TIMEOUT)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            return f"the database doesn't answer: {type(exc).__name__}"
        return None

    # -- cooldowns ---------------------------------------------------------------------------

    async def cooldown_hit(self, user_id: int, rate: int, per: float) -> float | None:
        """Seconds until `user_id` may use dk2 again (counting across every process), or None
        when this use is allowed and recorded. Raises when the database can't answer."""
        pool = await self.pool()
        if pool is None:
            raise ConnectionError("the database is unreachable")
        result = await asyncio.wait_for(
            pool.fetchval("SELECT dk2_cooldown_hit($1, $2, $3)", user_id, rate, float(per)),
            _COOLDOWN_TIMEOUT,
        )
        return None if result is None else float(result)

    # -- posted answers (no repeats in a channel) --------------------------------------------

    async def record_answer(self, answer: PostedAnswer) -> None:
        """Keep a public answer dk2 posted, for every process; never raises."""
        await self._answers(
            "recording a posted answer",
            "INSERT INTO answers (message_id, channel_id, guild_id, key, at, pinned)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO UPDATE"
            " SET key = excluded.key, at = excluded.at WHERE answers.key = ''",
            answer.message_id,
            answer.channel_id,
            answer.guild_id,
            answer.key,
            answer.at,
            answer.pinned,
        )

    async def earlier_answer(self, channel_id: int, key: str, since: float) -> PostedAnswer | None:
        """The same answer in the channel, pinned or posted since `since`, by any process;
        None when there is none or the database can't say."""
        row = await self._answers(
            "looking for an earlier answer",
            "SELECT guild_id, channel_id, message_id, key, at, pinned FROM answers"
            " WHERE channel_id = $1 AND key = $2 AND (pinned OR at >= $3)"
            " ORDER BY pinned DESC, at DESC LIMIT 1",
            channel_id,
            key,
            since,
            fetch=True,
        )
        if not isinstance(row, asyncpg.Record):
            return None
        return PostedAnswer(
            row["guild_id"],
            row["channel_id"],
            row["message_id"],
            row["key"],
            float(row["at"]),
            bool(row["pinned"]),
        )

    async def set_pinned(self, pin: PostedAnswer) -> None:
        """Note that a posted answer was pinned or unpinned (`pin.pinned`), even before its
        record arrives (a row with no key holds the pin); never raises."""
        await self._answers(
            "noting a pin",
            "INSERT INTO answers (message_id, channel_id, guild_id, key, at, pinned)"
            " VALUES ($1, $2, $3, '', $4, $5) ON CONFLICT (message_id) DO UPDATE"
            " SET pinned = excluded.pinned",
            pin.message_id,
            pin.channel_id,
            pin.guild_id,
            pin.at,
            pin.pinned,
        )

    async def _answers(self, doing: str, sql: str, *args: object, fetch: bool = False) -> object:
        pool = await self.pool()
        if pool is None:
            return None
        try:
            if fetch:
                return await pool.fetchrow(sql, *args)
            return await pool.execute(sql, *args)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            kind, detail = _describe(exc)
            self._failures.failed(kind, f"{doing}: {detail}")
            return None

    # -- reload broadcast --------------------------------------------------------------------

    async def announce_reload(self, origin: str) -> None:
        """Tell every process listening that the knowledge changed (`origin`: who reloaded)."""
        pool = await self.pool()
        if pool is None:
            raise ConnectionError("the database is unreachable")
        await pool.execute("SELECT pg_notify($1, $2)", RELOAD_CHANNEL, origin)


async def _counts(
    conn: Conn, column: str, where: str, params: list[Any], limit: int
) -> tuple[tuple[str, int], ...]:
    # `column` and `where` come from this module only, never from input.
    rows = await conn.fetch(
        f"SELECT {column} AS key, count(*) AS n FROM events WHERE {where} AND {column} IS NOT NULL"
        f" GROUP BY {column} ORDER BY n DESC, {column} LIMIT ${len(params) + 1}",
        *params,
        limit,
    )
    return tuple((str(row["key"]), int(row["n"])) for row in rows)


async def _read_summary(
    conn: Conn, days: int, guild_id: int | None, now: float, limit: int
) -> UsageSummary:
    since = int(now) - max(days, 0) * SECONDS_PER_DAY
    if guild_id is None:
        where, params = "at >= $1", [since]
    else:
        where, params = "at >= $1 AND guild_id = $2", [since, guild_id]
    totals = {
        int(row["answered"]): int(row["n"])
        for row in await conn.fetch(
            f"SELECT answered, count(*) AS n FROM events WHERE {where} GROUP BY answered", *params
        )
    }
    return UsageSummary(
        days=days,
        guild_id=guild_id,
        total_answered=totals.get(1, 0),
        total_unanswered=totals.get(0, 0),
        commands=await _counts(conn, "command", where, params, limit),
        top_topics=await _counts(
            conn, "outcome", f"{where} AND command = '{EXPLAIN}' AND answered = 1", params, limit
        ),
        dose_bands=await _counts(conn, "outcome", f"{where} AND command = 'dose'", params, limit),
        k2_bands=await _counts(conn, "k2_band", where, params, limit),
        level_bands=await _counts(conn, "outcome", f"{where} AND command = 'level'", params, limit),
        unanswered_terms=await _counts(conn, "term", where, params, limit),
        daily=tuple(
            (str(row["day"]), str(row["command"]), int(row["n"]))
            for row in await conn.fetch(
                "SELECT to_char(to_timestamp(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,"
                f" command, count(*) AS n FROM events WHERE {where}"
                " GROUP BY day, command ORDER BY day, command",
                *params,
            )
        ),
        until=float(now),
    )


def _setter(event: asyncio.Event) -> Callable[[object], None]:
    return lambda _conn: event.set()


class ReloadListener:
    """LISTEN for reloads announced by other processes, reconnecting when the link drops.

    `on_reload` runs for every announcement not sent by this process (`origin` tells them
    apart); it is expected to validate and swap the knowledge itself.
    """

    def __init__(
        self,
        url: str,
        on_reload: Callable[[str], Awaitable[None]],
        *,
        retry_interval: float = 2.0,
    ) -> None:
        self._url = url
        self._on_reload = on_reload
        self._retry = retry_interval
        self.origin = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self.listening = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="dk2-reload-listener"
            )

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._pending):
            task.cancel()

    def _heard(self, conn: object, pid: int, channel: str, payload: object) -> None:
        if payload == self.origin:
            return
        task = asyncio.get_running_loop().create_task(self._reload(str(payload)))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _reload(self, origin: str) -> None:
        try:
            await self._on_reload(origin)
        except Exception:
            log.exception("reloading after another process's reload failed")

    async def _run(self) -> None:
        warned = False
        while True:
            lost = asyncio.Event()
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self._url, timeout=_CONNECT_TIMEOUT)
                conn.add_termination_listener(_setter(lost))
                await conn.add_listener(RELOAD_CHANNEL, self._heard)
                log.info("listening for reloads by other dk2 processes")
                warned = False
                self.listening.set()
                await lost.wait()
                log.warning("lost the database link that hears other processes' reloads")
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                if not warned:
                    log.warning(
                        "can't listen for other processes' reloads (%s); retrying",
                        type(exc).__name__,
                    )
                    warned = True
            finally:
                self.listening.clear()
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=1)
            await asyncio.sleep(self._retry)
