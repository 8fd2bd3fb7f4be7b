"""What one usage event holds, and how it becomes a database row.

There is deliberately no field for who asked: no user id, no name, no message. The guild
id is kept so moderators can see their own server's usage.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

TERM_MAX_CHARS = 200
_ID_MAX_CHARS = 100  # commands, topic and band ids are short slugs; cap anything odd

EXPLAIN = "explain"
DOSE = "dose"
LEVEL = "level"

Row = tuple[int, int | None, str, str | None, str | None, int, str | None]
"""(at, guild_id, command, outcome, k2_band, answered, term), in the INSERT's order."""

Prepared = tuple[str, str | None, str | None, int, str | None]
"""(command, outcome, k2_band, answered, term): a row without its time and server."""

INSERT_ROW = (
    "INSERT INTO events (at, guild_id, command, outcome, k2_band, answered, term)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
ROWS_PER_INSERT = 100
"""How many rows `INSERT_ROWS` writes: one statement for a hundred rows cost SQLite about
3.7 µs a row against 5.1 µs a row as a hundred single-row inserts (executemany), and the
writer thread gives up and retakes the GIL once rather than a hundred times."""
INSERT_ROWS = INSERT_ROW + ", (?, ?, ?, ?, ?, ?, ?)" * (ROWS_PER_INSERT - 1)


@dataclass(frozen=True, slots=True)
class UsageEvent:
    """One command dk2 answered, or could not answer.

    `outcome` is the topic id for `explain` and the band id for `dose` and `level`;
    `k2_band` is the K2 band a dose answer placed. `term` is what the member typed, and is
    kept only for an `explain` that found no topic. `at` is UTC epoch seconds; None means
    "now" by the store's clock.
    """

    command: str
    answered: bool
    guild_id: int | None = None
    outcome: str | None = None
    k2_band: str | None = None
    term: str | None = None
    at: float | None = None


def normalise_term(text: str) -> str:
    """Lowercase, collapse whitespace, drop control characters and cap at 200 characters.

    This is how unanswered terms are stored and grouped, so "Vitamin  K2" and "vitamin k2"
    count as one. Text that can't be encoded (lone surrogates) is replaced, not refused.
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    collapsed = " ".join(text.lower().split())
    return collapsed[:TERM_MAX_CHARS].rstrip()


def _short_id(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()[:_ID_MAX_CHARS]
    return value or None


def prepare(event: UsageEvent) -> Prepared:
    """The part of `event`'s row that holds neither its server nor its time.

    Rules the schema also enforces are applied here, so a careless caller loses a field
    rather than the whole event: a term survives only on an unanswered explain. Every
    answer with the same command, outcome and term has the same part, so a caller that
    keeps its answers can keep this too and pass it to `UsageLog.record_prepared`.
    """
    command = (_short_id(event.command) or "unknown").lower()
    answered = bool(event.answered)
    term: str | None = None
    if event.term is not None and command == EXPLAIN and not answered:
        term = normalise_term(event.term) or None
    return (command, _short_id(event.outcome), _short_id(event.k2_band), int(answered), term)


def prepared_row(prepared: Prepared, guild_id: int | None, at: float) -> Row:
    """The row for `prepared` in server `guild_id` at `at`. Raises ValueError (or
    OverflowError) for a server id or time no row can hold."""
    guild = None if guild_id is None else int(guild_id)
    if guild is not None and not 0 <= guild < 2**63:
        raise ValueError(f"guild id out of range: {guild}")
    return (int(at), guild, *prepared)  # int(): OverflowError for inf


def to_row(event: UsageEvent, now: float) -> Row:
    """The row stored for `event`; `now` stands in for a missing time.

    Raises ValueError (or OverflowError) for an event no row can hold.
    """
    prepared = prepare(event)
    return prepared_row(prepared, event.guild_id, event.at if event.at is not None else now)
