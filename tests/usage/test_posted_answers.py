"""Posted answers in the SQLite usage file (the PostgreSQL twin is in tests/pg_store)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.usage import UsageStore
from bot.usage.schema import latest_version
from tests.usage import posted_answers
from tests.usage.posted_answers import T0, posted


async def test_finds_the_newest_same_answer_in_the_channel(tmp_path: Path) -> None:
    async with UsageStore(tmp_path / "dk2.sqlite3", clock=lambda: T0) as store:
        await posted_answers.finds_the_newest_same_answer_in_the_channel(store)


async def test_a_pinned_answer_counts_whatever_its_age(tmp_path: Path) -> None:
    async with UsageStore(tmp_path / "dk2.sqlite3", clock=lambda: T0) as store:
        await posted_answers.a_pinned_answer_counts_whatever_its_age(store)


async def test_a_pin_noted_before_the_answers_record_still_counts(tmp_path: Path) -> None:
    async with UsageStore(tmp_path / "dk2.sqlite3", clock=lambda: T0) as store:
        await posted_answers.a_pin_noted_before_the_answers_record_still_counts(store)


async def test_pruning_keeps_pinned_and_recent_answers_only(tmp_path: Path) -> None:
    path = tmp_path / "dk2.sqlite3"
    async with UsageStore(path, clock=lambda: T0) as store:
        await store.record_answer(posted(1, "explain:mgp", T0 - 2 * 86_400))  # stale
        await store.record_answer(posted(2, "explain:mgp", T0 - 3 * 86_400))  # stale, pinned
        await store.set_pinned(posted_answers.pin(2))
        await store.record_answer(posted(3, "explain:mgp", T0 - 3600))  # recent
        await store.prune()
    with sqlite3.connect(path) as conn:
        kept = [row[0] for row in conn.execute("SELECT message_id FROM answers ORDER BY 1")]
        assert kept == [2, 3]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()


async def test_an_unusable_file_is_no_earlier_answer_and_no_exception(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A folder where the file should be: every call fails inside SQLite.
    path = tmp_path / "dk2.sqlite3"
    path.mkdir()
    store = UsageStore(path, clock=lambda: T0)
    await store.record_answer(posted(1, "explain:mgp", T0))
    assert await store.earlier_answer(posted_answers.CHANNEL, "explain:mgp", 0) is None
    await store.set_pinned(posted_answers.pin(1))
    assert "Usage log unavailable" in caplog.text
