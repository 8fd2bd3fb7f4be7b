"""The usage store against real SQLite files: counts, privacy, retention, failures, sharing."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from usage_helpers import DAY, T0, FakeClock, StoreFactory, rows, usage_warnings

from bot.usage import UsageEvent, UsageStore, open_summary
from bot.usage.events import ROWS_PER_INSERT, prepare
from bot.usage.schema import connect, latest_version, migrate, user_version


def explain(topic: str | None, guild: int | None = 1, term: str | None = None) -> UsageEvent:
    return UsageEvent("explain", topic is not None, guild, outcome=topic, term=term)


async def test_counts_after_a_scripted_series_of_events(
    db_path: Path, make_store: StoreFactory
) -> None:
    store = make_store(db_path)
    script = [
        explain("mgp"),
        explain("mgp"),
        explain("vitamin-k2", guild=2),
        explain(None, term="what is mk-7"),
        UsageEvent("dose", True, 1, outcome="moderate", k2_band="typical"),
        UsageEvent("dose", True, 1, outcome="high", k2_band="typical"),
        UsageEvent("dose", True, 2, outcome="moderate", k2_band="none"),
        UsageEvent("level", True, 1, outcome="sufficient"),
        UsageEvent("level", False, 2),  # unreadable level: no band
        UsageEvent("topics", True, None),
        UsageEvent("about", True, 1),
    ]
    for event in script:
        await store.record(event)

    everywhere = await store.summary(30)
    assert everywhere.error is None
    assert (everywhere.total_answered, everywhere.total_unanswered) == (9, 2)
    assert everywhere.top_topics == (("mgp", 2), ("vitamin-k2", 1))
    assert everywhere.dose_bands == (("moderate", 2), ("high", 1))
    assert everywhere.k2_bands == (("typical", 2), ("none", 1))
    assert everywhere.level_bands == (("sufficient", 1),)
    assert everywhere.unanswered_terms == (("what is mk-7", 1),)
    assert dict(everywhere.commands) == {
        "explain": 4,
        "dose": 3,
        "level": 2,
        "topics": 1,
        "about": 1,
    }

    guild_two = await store.summary(30, guild_id=2)
    assert (guild_two.total_answered, guild_two.total_unanswered) == (2, 1)
    assert guild_two.top_topics == (("vitamin-k2", 1),)
    assert guild_two.dose_bands == (("moderate", 1),)
    assert guild_two.unanswered_terms == ()


async def test_summary_counts_only_the_requested_days(
    db_path: Path, make_store: StoreFactory, clock: FakeClock
) -> None:
    store = make_store(db_path)
    await store.record(UsageEvent("explain", True, 1, outcome="mgp", at=clock.now - 10 * DAY))
    await store.record(UsageEvent("explain", True, 1, outcome="mgp", at=clock.now - 2 * DAY))
    await store.record(explain("mgp"))  # stamped "now" by the store's clock

    assert (await store.summary(7)).top_topics == (("mgp", 2),)
    assert (await store.summary(30)).top_topics == (("mgp", 3),)


async def test_unanswered_terms_are_normalised_and_counted(
    db_path: Path, make_store: StoreFactory
) -> None:
    store = make_store(db_path)
    for typed in ["Vitamin  K2 ", "vitamin k2", "VITAMIN\tK2\n", "  mk-4 vs mk-7"]:
        await store.record(explain(None, term=typed))
    # A term is kept only for an explain that found nothing.
    await store.record(UsageEvent("explain", True, 1, outcome="mgp", term="matrix gla"))
    await store.record(UsageEvent("dose", False, 1, term="5000 iu daily"))
    await store.record(explain(None, term="x" * 500))

    summary = await store.summary(1)
    assert summary.unanswered_terms == (("vitamin k2", 3), ("mk-4 vs mk-7", 1), ("x" * 200, 1))
    assert rows(db_path, "SELECT count(*) FROM events WHERE term IS NOT NULL") == [(5,)]


def test_schema_has_no_user_identifying_column(db_path: Path) -> None:
    conn = connect(db_path)
    migrate(conn)
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    columns = {
        (table, info[1]) for table in tables for info in conn.execute(f"PRAGMA table_info({table})")
    }
    conn.close()

    assert tables == ["events", "answers"]
    # dk2's own public answers (no repeats in a channel): where they went, never who asked.
    assert {column for table, column in columns if table == "answers"} == {
        "message_id",
        "channel_id",
        "guild_id",
        "key",
        "at",
        "pinned",
    }
    columns = {(table, column) for table, column in columns if table == "events"}
    assert {column for _, column in columns} == {
        "id",
        "at",
        "guild_id",
        "command",
        "outcome",
        "k2_band",
        "answered",
        "term",
    }
    for _, column in columns:
        for word in ("user", "member", "author", "name", "nick", "message", "channel"):
            assert word not in column.lower()


def test_schema_refuses_a_term_on_anything_but_an_unanswered_explain(db_path: Path) -> None:
    conn = connect(db_path)
    migrate(conn)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO events (at, command, answered, term) VALUES (0, 'dose', 0, 'x')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO events (at, command, answered, term) VALUES (0, 'explain', 0, ?)",
            ("y" * 201,),
        )
    conn.close()


async def test_migrations_are_idempotent_and_set_user_version(
    db_path: Path, make_store: StoreFactory
) -> None:
    first = make_store(db_path)
    await first.record(explain("mgp"))
    await first.close()

    second = make_store(db_path)  # reopening must not re-run 0001 (it would fail)
    await second.record(explain("mgp"))
    summary = await second.summary(1)
    assert summary.error is None
    assert summary.top_topics == (("mgp", 2),)

    conn = connect(db_path)
    assert user_version(conn) == latest_version() >= 1
    assert migrate(conn) == latest_version()
    indexes = {name for (name,) in conn.execute("SELECT name FROM pragma_index_list('events')")}
    assert {"events_at", "events_guild_at"} <= indexes
    # A rollback journal, never WAL: WAL's memory-mapped -shm file turns file trouble into
    # a SIGBUS (see test_usage_file_faults).
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()


async def test_prune_deletes_rows_older_than_the_retention(
    db_path: Path, make_store: StoreFactory, clock: FakeClock
) -> None:
    store = make_store(db_path, retention_days=365)
    for age_days in (100, 40, 10, 0):
        await store.record(
            UsageEvent("explain", True, 1, outcome=f"age-{age_days}", at=clock.now - age_days * DAY)
        )
    assert await store.flush()

    assert await store.prune(30) == 2
    assert await store.prune(30) == 0
    remaining = {topic for topic, _ in (await store.summary(3650)).top_topics}
    assert remaining == {"age-10", "age-0"}


async def test_prune_runs_at_open_and_then_periodically(
    db_path: Path, make_store: StoreFactory, clock: FakeClock
) -> None:
    first = make_store(db_path, retention_days=3650)
    await first.record(UsageEvent("about", True, 1, at=clock.now - 60 * DAY))
    await first.record(UsageEvent("about", True, 1, at=clock.now - 5 * DAY))
    await first.close()

    store = make_store(db_path, retention_days=30, prune_interval=0.05)
    assert await store.flush()
    assert rows(db_path, "SELECT count(*) FROM events") == [(1,)]  # pruned at open

    clock.advance(40 * DAY)  # the 5-day-old event is now 45 days old
    deadline = time.monotonic() + 10
    while rows(db_path, "SELECT count(*) FROM events") != [(0,)]:
        assert time.monotonic() < deadline, "the periodic prune never ran"
        await asyncio.sleep(0.05)


async def test_close_writes_what_is_still_queued(db_path: Path, make_store: StoreFactory) -> None:
    store = make_store(db_path)
    for _ in range(250):
        await store.record(UsageEvent("topics", True, 7))
    await store.close()

    assert open_summary(db_path, 1, clock=lambda: T0).total == 250
    assert rows(db_path, "SELECT count(*) FROM events WHERE guild_id = 7") == [(250,)]


@pytest.mark.parametrize(
    "count", [1, ROWS_PER_INSERT - 1, ROWS_PER_INSERT, 2 * ROWS_PER_INSERT + 37, 1234]
)
async def test_every_event_of_a_batch_is_stored_once_in_order(
    db_path: Path, make_store: StoreFactory, count: int
) -> None:
    """A batch goes in a hundred rows per statement and the rest one by one: whatever its
    size, each event is one row, in the order recorded, with its own values."""
    store = make_store(db_path, batch_size=5000, linger=0.2)
    events = [
        explain(None, guild=n, term=f"word {n}")
        if n % 3 == 0
        else UsageEvent("dose", True, None if n % 5 == 0 else n, outcome="high", k2_band="none")
        for n in range(count)
    ]
    for n, event in enumerate(events):
        store.record_prepared(prepare(event), event.guild_id, T0 + n)
    await store.close()
    stored = rows(db_path, "SELECT at, guild_id, command, term FROM events ORDER BY id")
    assert stored == [
        (int(T0) + n, e.guild_id, e.command, e.term if e.command == "explain" else None)
        for n, e in enumerate(events)
    ]
    assert store.dropped == 0
    assert open_summary(db_path, 1, clock=lambda: T0 + count).total == count


async def test_a_backlog_drains_without_waiting_out_the_linger_per_batch(
    db_path: Path, make_store: StoreFactory
) -> None:
    # A burst of ten batches: the writer waits for more only while less than a batch waits,
    # so closing writes them all well within its timeout (a linger per batch would be 20 s).
    store = make_store(db_path, batch_size=100, linger=2.0)
    for _ in range(1000):
        store.record_nowait(UsageEvent("dose", True, 7))
    started = time.monotonic()
    await store.close(timeout=5.0)
    assert time.monotonic() - started < 4.0
    assert rows(db_path, "SELECT count(*) FROM events WHERE guild_id = 7") == [(1000,)]
    assert store.dropped == 0


async def test_a_flush_behind_a_trickle_does_not_wait_out_the_linger(
    db_path: Path, make_store: StoreFactory
) -> None:
    store = make_store(db_path, linger=5.0)
    await store.record(UsageEvent("dose", True, 7))
    started = time.monotonic()
    assert await store.flush(timeout=4.0)
    assert time.monotonic() - started < 3.0
    assert rows(db_path, "SELECT count(*) FROM events WHERE guild_id = 7") == [(1,)]


async def test_record_after_close_is_a_quiet_no_op(db_path: Path, make_store: StoreFactory) -> None:
    store = make_store(db_path)
    await store.close()
    await store.record(explain("mgp"))
    assert store.dropped == 1


async def test_two_stores_on_one_file_both_write_and_both_read(
    db_path: Path, make_store: StoreFactory
) -> None:
    first = make_store(db_path)
    second = make_store(db_path)
    for index in range(20):
        await first.record(explain("mgp", guild=1))
        await second.record(explain("vitamin-d", guild=2))
        if index % 5 == 0:
            await asyncio.sleep(0)

    assert await first.flush()
    assert await second.flush()
    for store in (first, second):
        summary = await store.summary(1)
        assert summary.error is None
        assert dict(summary.top_topics) == {"mgp": 20, "vitamin-d": 20}
    assert first.dropped == second.dropped == 0


# -- failures: answering goes on ---------------------------------------------------------


async def test_a_locked_database_drops_events_with_one_warning_then_recovers(
    db_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(db_path)
    assert await store.flush()  # opened and migrated

    locker = sqlite3.connect(db_path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        # record() returns while the lock is held: it can't be waiting for it.
        await asyncio.wait_for(store.record(explain("mgp")), timeout=5)
        await store.record(explain("mgp"))
        assert await store.flush(timeout=10)
        await store.record(explain("mgp"))
        assert await store.flush(timeout=10)
        # With a rollback journal a reader waits out another connection's exclusive lock:
        # the summary says the log is locked instead of raising or hanging.
        locked = await asyncio.wait_for(store.summary(1), timeout=10)
        assert locked.error is not None and "locked" in locked.error
    finally:
        locker.execute("ROLLBACK")
        locker.close()

    assert len(usage_warnings(caplog, "SQLITE_BUSY")) == 1
    assert store.dropped == 3

    await store.record(explain("vitamin-k2"))
    summary = await store.summary(1)
    assert summary.top_topics == (("vitamin-k2", 1),)
    assert store.dropped == 3


async def test_a_read_only_database_keeps_answering_and_still_reports(
    db_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    writer = make_store(db_path)
    await writer.record(explain("mgp"))
    await writer.close()

    store = make_store(db_path, read_only=True)  # as a chmod 0444 file opens for non-root
    for _ in range(5):
        await asyncio.wait_for(store.record(explain("vitamin-d")), timeout=5)
    assert await store.flush()

    assert len(usage_warnings(caplog, "SQLITE_READONLY")) == 1
    assert store.dropped == 5
    summary = await store.summary(1)
    assert summary.error is None
    assert summary.top_topics == (("mgp", 1),)


@pytest.mark.parametrize("where", ["missing directory", "a directory"])
async def test_an_unusable_path_degrades_to_a_single_warning(
    tmp_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    path = tmp_path / "nowhere" / "usage.sqlite3" if where == "missing directory" else tmp_path
    store = make_store(path)
    for _ in range(3):
        await asyncio.wait_for(store.record(explain("mgp")), timeout=5)
        await store.flush()
        await asyncio.sleep(0.06)  # past reopen_interval: each batch tries to reopen

    assert len(usage_warnings(caplog, "SQLITE_CANTOPEN")) == 1
    assert store.dropped == 3
    summary = await store.summary(7)
    assert summary.is_empty
    await store.close()
    assert "3 event(s) could not be recorded" in caplog.text


async def test_a_corrupt_file_degrades_and_the_summary_says_why(
    db_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    db_path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    store = make_store(db_path)
    await store.record(explain("mgp"))
    await store.flush()

    assert len(usage_warnings(caplog, "SQLITE_NOTADB")) == 1
    assert store.dropped == 1
    summary = await store.summary(7)
    assert summary.is_empty
    assert summary.error is not None


async def test_a_store_that_was_never_started_constructs_and_drops_nothing(
    db_path: Path,
) -> None:
    store = UsageStore(db_path)
    await store.record(explain("mgp"))
    assert not await store.flush()
    assert (await store.summary(7)).is_empty
    store.start()
    assert await store.flush()
    await store.close()
    assert rows(db_path, "SELECT outcome FROM events") == [("mgp",)]


async def test_a_malformed_event_is_dropped_without_raising(
    db_path: Path, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(db_path)
    await store.record(UsageEvent("about", True, guild_id=2**70))
    await store.record(UsageEvent("about", True, at=float("inf")))
    await store.record(UsageEvent("about", True, guild_id=5))

    summary = await store.summary(1, guild_id=5)
    assert summary.commands == (("about", 1),)
    assert store.dropped == 2
    assert len(usage_warnings(caplog, "bad event")) == 1


async def test_a_prepared_event_is_stored_as_the_event_itself_in_each_server(
    db_path: Path, make_store: StoreFactory
) -> None:
    # The HTTP endpoint keeps each answer's part of the row and adds only server and time:
    # the rows must be the ones the whole events make, term normalised, server by server.
    store = make_store(db_path)
    events = [
        explain(None, guild=3, term="  What is  MK-7 "),
        UsageEvent("Dose", True, 4, outcome="moderate", k2_band="typical"),
        UsageEvent("level", False, None),
    ]
    for event in events:
        store.record_nowait(event)
    for event in events:
        store.record_prepared(prepare(event), event.guild_id)
    store.record_prepared(prepare(events[1]), 2**63)  # no row can hold it: dropped, logged
    await store.close()
    stored = rows(db_path, "SELECT guild_id, command, outcome, k2_band, answered, term FROM events")
    assert stored[:3] == [
        (3, "explain", None, None, 0, "what is mk-7"),
        (4, "dose", "moderate", "typical", 1, None),
        (None, "level", None, None, 0, None),
    ]
    assert stored[3:] == stored[:3]
    assert store.dropped == 1
