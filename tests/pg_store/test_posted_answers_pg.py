"""Posted answers in PostgreSQL: the same scenarios as SQLite's (tests/usage), shared by every
process that uses the database."""

from __future__ import annotations

import asyncpg

from bot.usage.postgres import PostgresStore
from tests.usage import posted_answers
from tests.usage.posted_answers import CHANNEL, T0, posted


async def test_finds_the_newest_same_answer_in_the_channel(database_url: str) -> None:
    store = PostgresStore(database_url, clock=lambda: T0)
    try:
        await posted_answers.finds_the_newest_same_answer_in_the_channel(store)
    finally:
        await store.close()


async def test_a_pinned_answer_counts_whatever_its_age(database_url: str) -> None:
    store = PostgresStore(database_url, clock=lambda: T0)
    try:
        await posted_answers.a_pinned_answer_counts_whatever_its_age(store)
    finally:
        await store.close()


async def test_a_pin_noted_before_the_answers_record_still_counts(database_url: str) -> None:
    store = PostgresStore(database_url, clock=lambda: T0)
    try:
        await posted_answers.a_pin_noted_before_the_answers_record_still_counts(store)
    finally:
        await store.close()


async def test_an_answer_one_process_posted_is_found_by_another(database_url: str) -> None:
    first = PostgresStore(database_url, clock=lambda: T0)
    second = PostgresStore(database_url, clock=lambda: T0)
    try:
        await first.record_answer(posted(7, "dose:moderate:paired", T0 - 30))
        found = await second.earlier_answer(CHANNEL, "dose:moderate:paired", T0 - 600)
        assert found == posted(7, "dose:moderate:paired", T0 - 30)
    finally:
        await first.close()
        await second.close()


async def test_pruning_keeps_pinned_and_recent_answers_only(database_url: str) -> None:
    store = PostgresStore(database_url, clock=lambda: T0)
    try:
        await store.record_answer(posted(1, "explain:mgp", T0 - 2 * 86_400))
        await store.record_answer(posted(2, "explain:mgp", T0 - 3 * 86_400))
        await store.set_pinned(posted_answers.pin(2))
        await store.record_answer(posted(3, "explain:mgp", T0 - 3600))
        assert await store.prune() == 0  # no usage events; the answers are pruned beside them
    finally:
        await store.close()
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT message_id FROM answers ORDER BY 1")
        assert [row["message_id"] for row in rows] == [2, 3]
    finally:
        await conn.close()


async def test_an_unreachable_database_is_no_earlier_answer_and_no_exception() -> None:
    store = PostgresStore("postgresql://dk2@127.0.0.1:9/nothing", reconnect_interval=60)
    try:
        await store.record_answer(posted(1, "explain:mgp", T0))
        assert await store.earlier_answer(CHANNEL, "explain:mgp", 0) is None
        await store.set_pinned(posted_answers.pin(1))
    finally:
        await store.close()
