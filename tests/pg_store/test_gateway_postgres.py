"""dk2 in gateway mode with `database_url`: usage, cooldown and reload news go through PostgreSQL."""

from __future__ import annotations

import asyncio

import asyncpg

from bot.config import Secret, Settings
from bot.core.loader import default_knowledge_path
from bot.usage.postgres import RELOAD_CHANNEL, PostgresStore
from tests.discord_layer.helpers import knowledge, running_dk2
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec


async def test_gateway_dk2_records_counts_and_announces_through_postgres(database_url: str) -> None:
    require_spec()
    heard: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(database_url)
    await listener.add_listener(RELOAD_CHANNEL, lambda *args: heard.put_nowait(str(args[-1])))
    settings = Settings(
        knowledge_path=default_knowledge_path(),
        database_url=Secret(database_url),
        cooldown_rate=2,
    )
    messages = knowledge().messages
    try:
        async with FakeDiscord() as fake, running_dk2(fake, settings=settings) as dk2:
            for _ in range(2):
                handle = await dk2.command("explain", {"term": "mgp"})
                assert handle.original is not None and not handle.original.ephemeral
            third = await dk2.command("about")
            assert third.original is not None and third.original.ephemeral
            assert third.original.embeds[0]["title"] == messages.get("cooldown.title")
            payload = fake.slash_subcommand("dk2-admin", "reload", user=dk2.role_moderator)
            reload = await fake.dispatch_interaction(payload)
            await reload.wait_for_original(loaded=True)
            origin = await asyncio.wait_for(heard.get(), 10)
            assert origin  # who reloaded, so that process ignores its own news
        store = PostgresStore(database_url)
        try:
            summary = await store.summary(30)
        finally:
            await store.close()
        assert summary.top_topics == (("mgp", 2),)
    finally:
        await listener.close()
