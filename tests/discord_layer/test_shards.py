"""Gateway shards: a dk2 process running a slice of the bot's shards against the local Discord."""

from __future__ import annotations

from bot.config import Settings
from bot.core.loader import default_knowledge_path
from bot.discord_layer.shards import Dk2ShardedBot
from tests.discord_layer.helpers import running_dk2
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec

KNOWLEDGE = default_knowledge_path()
SYNC_ROUTE = r"/applications/\d+/guilds/\d+/commands"


async def test_a_process_runs_only_its_shards_and_leaves_sync_to_shard_0() -> None:
    require_spec()
    async with (
        FakeDiscord() as fake,
        running_dk2(
            fake, settings=Settings(knowledge_path=KNOWLEDGE, shard_count=4, shard_ids=(2, 3))
        ) as dk2,
    ):
        assert isinstance(dk2.bot, Dk2ShardedBot)
        first = await fake.wait_for_identify(1)
        second = await fake.wait_for_identify(2)
        assert sorted([first["shard"], second["shard"]]) == [[2, 4], [3, 4]]
        assert fake.requests.matching("PUT", SYNC_ROUTE) == []  # shard 0's process syncs
        handle = await dk2.command("about")
        assert handle.original is not None and handle.original.embeds
    assert fake.spec_violations == []


async def test_the_process_with_shard_0_syncs_and_answers() -> None:
    require_spec()
    async with (
        FakeDiscord() as fake,
        running_dk2(
            fake, settings=Settings(knowledge_path=KNOWLEDGE, shard_count=2, shard_ids=(0,))
        ) as dk2,
    ):
        identify = await fake.wait_for_identify(1)
        assert identify["shard"] == [0, 2]
        assert len(fake.requests.matching("PUT", SYNC_ROUTE)) == 1
        handle = await dk2.command("level", {"value": "42"})
        assert handle.original is not None and handle.original.embeds


async def test_without_a_shard_count_dk2_is_one_unsharded_connection() -> None:
    require_spec()
    async with FakeDiscord() as fake, running_dk2(fake) as dk2:
        assert not isinstance(dk2.bot, Dk2ShardedBot)
        identify = await fake.wait_for_identify(1)
        assert "shard" not in identify or identify["shard"] in (None, [0, 1])
        assert fake.requests.matching("GET", r"/gateway/bot") == []
