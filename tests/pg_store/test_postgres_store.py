"""The PostgreSQL store against a real server started by the test run (tests/pgserver.py)."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from nacl.signing import SigningKey

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.usage import UsageEvent, UsageStore
from bot.usage.events import prepare
from bot.usage.postgres import PostgresStore, latest_pg_version, migrate_pg, pg_migrations
from bot.usage.schema import load_migrations
from tests.e2e.harness import REPO, add_people, wait_until
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec
from tests.fakediscord.outgoing import post_interaction
from tests.http_mode.test_serve_process import serve_process

T0 = 1_700_000_000.0
DAY = 86_400

EVENTS = [
    UsageEvent("explain", True, guild_id=1, outcome="mgp"),
    UsageEvent("explain", True, guild_id=1, outcome="mgp"),
    UsageEvent("explain", True, guild_id=2, outcome="k2"),
    UsageEvent("explain", False, guild_id=1, term="Quantum  Kale"),
    UsageEvent("dose", True, guild_id=1, outcome="moderate", k2_band="paired"),
    UsageEvent("level", True, guild_id=1, outcome="sufficient"),
    UsageEvent("dose", False, guild_id=1),
    UsageEvent("about", True, guild_id=None),
    UsageEvent("topics", True, guild_id=1, at=T0 - 40 * DAY),  # outside 30 days
]


async def test_migrations_match_sqlites_and_run_once_even_when_raced(database_url: str) -> None:
    assert [(m.version, m.name) for m in pg_migrations()] == [
        (m.version, m.name) for m in load_migrations()
    ]
    conns = [await asyncpg.connect(database_url) for _ in range(3)]
    try:
        versions = await asyncio.gather(*(migrate_pg(conn) for conn in conns))
        assert versions == [latest_pg_version()] * 3
        assert await migrate_pg(conns[0]) == latest_pg_version()  # again: nothing to do
        rows = await conns[0].fetch("SELECT version FROM dk2_schema ORDER BY version")
        assert [row["version"] for row in rows] == list(range(1, latest_pg_version() + 1))
        columns = await conns[0].fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'"
        )
        names = {row["column_name"] for row in columns}
        assert not names & {"user_id", "user", "username", "content", "message"}
    finally:
        for conn in conns:
            await conn.close()


async def test_usage_summary_is_the_same_as_sqlites_for_the_same_events(
    database_url: str, tmp_path: Path
) -> None:
    pg = PostgresStore(database_url, clock=lambda: T0)
    sqlite = UsageStore(tmp_path / "dk2.sqlite3", clock=lambda: T0)
    pg.start()
    sqlite.start()
    try:
        for event in EVENTS:
            # As the HTTP endpoint records a kept answer: its prepared part, server, time.
            pg.record_prepared(prepare(event), event.guild_id, event.at)
            sqlite.record_nowait(event)
        for guild in (None, 1, 2):
            from_pg = await pg.summary(30, guild)
            from_sqlite = await sqlite.summary(30, guild)
            assert from_pg == from_sqlite
        every = await pg.summary(30)
        assert every.total_answered == 6 and every.total_unanswered == 2
        assert every.top_topics == (("mgp", 2), ("k2", 1))
        assert every.unanswered_terms == (("quantum kale", 1),)
        assert pg.dropped == 0
    finally:
        await pg.close()
        await sqlite.close()


async def test_old_events_are_pruned(database_url: str) -> None:
    store = PostgresStore(database_url, retention_days=30, clock=lambda: T0)
    store.start()
    try:
        for event in EVENTS:
            store.record_nowait(event)
        assert await store.flush()
        assert await store.prune() == 1
        assert (await store.summary(365)).total == 8
    finally:
        await store.close()


async def test_an_unreachable_database_never_raises_into_answers(tmp_path: Path) -> None:
    store = PostgresStore("postgresql://dk2@127.0.0.1:9/none", reconnect_interval=0.0)
    store.start()
    try:
        store.record_nowait(UsageEvent("about", True))
        summary = await store.summary(7)
        assert summary.error is not None and summary.is_empty
        with pytest.raises(ConnectionError):
            await store.cooldown_hit(1, 5, 30.0)
        assert await store.check() is not None
    finally:
        await store.close(timeout=1)
    assert store.dropped >= 1


COOLDOWN_SCRIPT = """
import asyncio, sys
from bot.usage.postgres import PostgresStore

async def main():
    store = PostgresStore(sys.argv[1])
    allowed = 0
    for _ in range(int(sys.argv[2])):
        if await store.cooldown_hit(4242, 5, 60.0) is None:
            allowed += 1
    await store.close()
    print(allowed)

asyncio.run(main())
"""


async def test_a_cooldown_holds_across_two_processes(database_url: str) -> None:
    store = PostgresStore(database_url)
    assert await store.pool() is not None  # migrated before the race
    await store.close()
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            COOLDOWN_SCRIPT,
            database_url,
            "8",
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [await asyncio.wait_for(p.communicate(), 60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    allowed = [int(out.decode()) for out, _ in outputs]
    assert sum(allowed) == 5  # 16 tries between them, the limit is 5 per minute


async def test_a_waiting_member_is_told_how_long(database_url: str) -> None:
    store = PostgresStore(database_url)
    try:
        assert [await store.cooldown_hit(7, 2, 30.0) for _ in range(2)] == [None, None]
        wait = await store.cooldown_hit(7, 2, 30.0)
        assert wait is not None and 29 < wait <= 30
        assert await store.cooldown_hit(8, 2, 30.0) is None  # another member
    finally:
        await store.close()


async def test_a_reload_on_one_process_reloads_the_others(
    database_url: str, tmp_path: Path
) -> None:
    require_spec()
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), knowledge)
    key = SigningKey.generate()
    async with FakeDiscord() as fake:
        people = add_people(fake)
        env = {
            "DK2_DATABASE_URL": database_url,
            "DK2_KNOWLEDGE_PATH": str(knowledge),
            "DK2_MODERATOR_ROLE_IDS": str(people.moderator_role_id),
        }
        async with (
            serve_process(fake, tmp_path / "a", key, **env) as (_, first),
            serve_process(fake, tmp_path / "b", key, **env) as (_, second),
        ):
            import aiohttp

            async def version(base: str) -> str:
                async with aiohttp.ClientSession() as session, session.get(base + "/healthz") as r:
                    body = await r.json()
                    assert body["database"] == "ok"
                    return str(body["knowledge"])

            before = await version(second)
            await wait_until(
                lambda: "listening for reloads" in (tmp_path / "b" / "serve.log").read_text()
            )
            topic = knowledge / "topics" / "mgp.yaml"
            topic.write_text(topic.read_text() + "\n# edited by a curator\n")
            expected = load_knowledge(knowledge).knowledge
            assert expected is not None and expected.version != before
            payload = fake.slash_subcommand("dk2-admin", "reload", user=people.role_moderator)
            delivery = await post_interaction(fake, first + "/interactions", payload, key)
            assert delivery.status == 200 and delivery.type == 5
            for base in (first, second):
                async with asyncio.timeout(15):
                    while await version(base) != expected.version:
                        await asyncio.sleep(0.1)
            log = (tmp_path / "b" / "serve.log").read_text()
            assert "another dk2 process" in log and "Traceback" not in log
    assert json.dumps(delivery.body)


async def test_python_m_bot_stats_reads_the_shared_database(database_url: str) -> None:
    store = PostgresStore(database_url)
    store.start()
    for event in EVENTS[:4]:
        store.record_nowait(event)
    await store.close()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "stats",
        "--json",
        cwd=REPO,
        env={**_clean_env(), "DK2_DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err
    text = out.decode()
    assert json.loads(text)["recorded"] is True
    assert "mgp" in text and "quantum kale" in text


def _clean_env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("DK2_")}
    return {**env, "DK2_KNOWLEDGE_PATH": str(default_knowledge_path())}
