"""Reading the usage log back as the counts `/dk2-admin stats` and `python -m bot stats` show."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.usage.events import DOSE, EXPLAIN, LEVEL
from bot.usage.schema import DEFAULT_BUSY_TIMEOUT_MS, connect

SECONDS_PER_DAY = 86_400
DEFAULT_LIMIT = 10

Counts = tuple[tuple[str, int], ...]
# (UTC date "YYYY-MM-DD", command, count), by date then command.
DailyCounts = tuple[tuple[str, str, int], ...]


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """Usage over the last `days` days, for one guild or (guild_id None) for all.

    Each count list is ordered most frequent first, ties by name. `error` says why the
    numbers are missing when the database could not be read; the counts are then empty.
    """

    days: int
    guild_id: int | None
    total_answered: int = 0
    total_unanswered: int = 0
    commands: Counts = ()
    top_topics: Counts = ()
    dose_bands: Counts = ()
    k2_bands: Counts = ()
    level_bands: Counts = ()
    unanswered_terms: Counts = ()
    daily: DailyCounts = ()
    until: float = 0.0  # the end of the window (UTC epoch seconds)
    error: str | None = None

    @property
    def total(self) -> int:
        """Every recorded command in the window."""
        return self.total_answered + self.total_unanswered

    @property
    def is_empty(self) -> bool:
        """True when nothing was recorded in the window (or nothing could be read)."""
        return self.total == 0


def _window(since: int, guild_id: int | None) -> tuple[str, list[Any]]:
    if guild_id is None:
        return "at >= ?", [since]
    return "at >= ? AND guild_id = ?", [since, guild_id]


def _counts(
    conn: sqlite3.Connection, column: str, where: str, params: list[Any], limit: int
) -> Counts:
    # `column` and `where` come from this module only, never from input.
    rows = conn.execute(
        f"SELECT {column}, count(*) AS n FROM events WHERE {where} AND {column} IS NOT NULL"
        f" GROUP BY {column} ORDER BY n DESC, {column} LIMIT ?",
        [*params, limit],
    ).fetchall()
    return tuple((str(key), int(n)) for key, n in rows)


def read_summary(
    conn: sqlite3.Connection,
    *,
    days: int,
    guild_id: int | None,
    now: float,
    limit: int = DEFAULT_LIMIT,
) -> UsageSummary:
    """Count the events of the last `days` days before `now` on an open connection."""
    since = int(now) - max(days, 0) * SECONDS_PER_DAY
    where, params = _window(since, guild_id)
    totals = dict(
        conn.execute(
            f"SELECT answered, count(*) FROM events WHERE {where} GROUP BY answered", params
        ).fetchall()
    )
    return UsageSummary(
        days=days,
        guild_id=guild_id,
        total_answered=int(totals.get(1, 0)),
        total_unanswered=int(totals.get(0, 0)),
        commands=_counts(conn, "command", where, params, limit),
        top_topics=_counts(
            conn, "outcome", f"{where} AND command = '{EXPLAIN}' AND answered = 1", params, limit
        ),
        dose_bands=_counts(conn, "outcome", f"{where} AND command = '{DOSE}'", params, limit),
        k2_bands=_counts(conn, "k2_band", where, params, limit),
        level_bands=_counts(conn, "outcome", f"{where} AND command = '{LEVEL}'", params, limit),
        unanswered_terms=_counts(conn, "term", where, params, limit),
        daily=_daily(conn, where, params),
        until=float(now),
    )


def _daily(conn: sqlite3.Connection, where: str, params: list[Any]) -> DailyCounts:
    """Requests per UTC day and command: what the moderators' chart draws."""
    rows = conn.execute(
        "SELECT date(at, 'unixepoch') AS day, command, count(*) FROM events"
        f" WHERE {where} GROUP BY day, command ORDER BY day, command",
        params,
    ).fetchall()
    return tuple((str(day), str(command), int(n)) for day, command, n in rows)


def open_summary(
    path: str | os.PathLike[str],
    days: int,
    guild_id: int | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    clock: Callable[[], float] = time.time,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> UsageSummary:
    """Open the database read-only, summarise it and close it; for the CLI and `summary`.

    Never raises for a database problem: a missing file is simply no data yet, and any
    other failure comes back as `UsageSummary.error`.
    """
    now = clock()
    if not Path(path).is_file():
        return UsageSummary(days=days, guild_id=guild_id, until=now)
    try:
        conn = connect(path, read_only=True, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.Error as exc:
        return UsageSummary(
            days=days, guild_id=guild_id, until=now, error=f"can't open the log: {exc}"
        )
    try:
        has_events = conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'"
        ).fetchone()
        if has_events is None:
            return UsageSummary(days=days, guild_id=guild_id, until=now)
        return read_summary(conn, days=days, guild_id=guild_id, now=now, limit=limit)
    except sqlite3.Error as exc:
        return UsageSummary(
            days=days, guild_id=guild_id, until=now, error=f"can't read the log: {exc}"
        )
    finally:
        conn.close()
