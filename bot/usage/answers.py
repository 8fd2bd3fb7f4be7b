"""The public answers dk2 posted, in the SQLite usage file: record one, find an earlier one,
mark one pinned. Plain functions on one connection each; `UsageStore` runs them off the event
loop and turns database trouble into warnings. PostgreSQL has the same table
(`bot.usage.postgres`)."""

from __future__ import annotations

import os
import sqlite3

from bot.core.repeats import PostedAnswer
from bot.usage.schema import connect, migrate

__all__ = [
    "ANSWERS_KEPT_SECONDS",
    "PRUNE_ANSWERS",
    "earlier_answer",
    "record_answer",
    "set_pinned",
]

ANSWERS_KEPT_SECONDS = 24 * 60 * 60  # the longest repeat window; pinned answers stay


def _open(path: str | os.PathLike[str], busy_timeout_ms: int) -> sqlite3.Connection:
    conn = connect(path, busy_timeout_ms=busy_timeout_ms)
    try:
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def record_answer(path: str | os.PathLike[str], answer: PostedAnswer, busy_timeout_ms: int) -> None:
    """Keep a posted answer. A retried call keeps the first record; a pin noted before the
    record arrived (a quick moderator) keeps its pin and gains the answer's key."""
    conn = _open(path, busy_timeout_ms)
    try:
        conn.execute(
            "INSERT INTO answers (message_id, channel_id, guild_id, key, at, pinned)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE"
            " SET key = excluded.key, at = excluded.at WHERE answers.key = ''",
            (
                answer.message_id,
                answer.channel_id,
                answer.guild_id,
                answer.key,
                answer.at,
                int(answer.pinned),
            ),
        )
    finally:
        conn.close()


def earlier_answer(
    path: str | os.PathLike[str], channel_id: int, key: str, since: float, busy_timeout_ms: int
) -> PostedAnswer | None:
    """The answer with `key` in the channel that is pinned, else the newest posted since
    `since`; None when there is neither."""
    conn = _open(path, busy_timeout_ms)
    try:
        row = conn.execute(
            "SELECT guild_id, channel_id, message_id, key, at, pinned FROM answers"
            " WHERE channel_id = ? AND key = ? AND (pinned = 1 OR at >= ?)"
            " ORDER BY pinned DESC, at DESC LIMIT 1",
            (channel_id, key, since),
        ).fetchone()
    finally:
        conn.close()
    if row is None:
        return None
    return PostedAnswer(row[0], row[1], row[2], row[3], float(row[4]), bool(row[5]))


def set_pinned(path: str | os.PathLike[str], pin: PostedAnswer, busy_timeout_ms: int) -> None:
    """Note that the answer `pin` names was pinned (`pin.pinned`) or unpinned. Before its
    record arrives, a row with no key holds the pin (it never matches a lookup)."""
    conn = _open(path, busy_timeout_ms)
    try:
        conn.execute(
            "INSERT INTO answers (message_id, channel_id, guild_id, key, at, pinned)"
            " VALUES (?, ?, ?, '', ?, ?) ON CONFLICT (message_id) DO UPDATE"
            " SET pinned = excluded.pinned",
            (pin.message_id, pin.channel_id, pin.guild_id, pin.at, int(pin.pinned)),
        )
    finally:
        conn.close()


# Answers too old to count as a repeat that aren't pinned (parameter: the cutoff).
PRUNE_ANSWERS = "DELETE FROM answers WHERE pinned = 0 AND at < ?"
