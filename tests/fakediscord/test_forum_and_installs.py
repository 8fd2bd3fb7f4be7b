"""The fake's forum posts and user-install interactions behave as Discord's do."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord

from tests.fakediscord import FakeDiscord
from tests.fakediscord.payloads import (
    CONTEXT_BOT_DM,
    CONTEXT_GUILD,
    CONTEXT_PRIVATE_CHANNEL,
    USER_INSTALL,
)
from tests.fakediscord.permissions import SEND_MESSAGES_IN_THREADS, Overwrite


async def post(fake: FakeDiscord, channel_id: int, body: dict[str, Any]) -> int:
    headers = {"Authorization": f"Bot {fake.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{fake.api_base}/channels/{channel_id}/messages", json=body, headers=headers
        ) as response,
    ):
        return response.status


async def test_posting_in_a_forum_post_needs_send_messages_in_threads(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    forum = fake.world.add_forum(fake.guild.id)
    thread = fake.world.add_thread(forum.id, "What does MGP do?", fake.user)
    assert fake.world.find_channel(thread.id) is thread
    assert await post(fake, thread.id, {"content": "hello"}) == 200
    assert [m.content for m in fake.world.messages_in(thread.id)] == ["hello"]
    assert await post(fake, forum.id, {"content": "hello"}) == 400  # a forum takes no messages
    bot_role = fake.world.bot_role(fake.guild.id)
    forum.overwrites.append(Overwrite(bot_role.id, 0, deny=SEND_MESSAGES_IN_THREADS))
    assert await post(fake, thread.id, {"content": "again"}) == 403  # the parent's overwrites
    assert len(fake.world.messages_in(thread.id)) == 1


def test_user_install_payloads_name_only_the_users_install(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    user = fake.user
    for where, context in (
        ("dm", CONTEXT_BOT_DM),
        ("group_dm", CONTEXT_PRIVATE_CHANNEL),
        ("server", CONTEXT_GUILD),
    ):
        payload = fake.user_install_subcommand("dk2", "about", user=user, where=where)
        assert payload["context"] == context
        assert payload["authorizing_integration_owners"] == {USER_INSTALL: str(user.id)}
        assert "guild_id" not in payload["data"]
        if where == "server":
            assert int(payload["guild_id"]) not in fake.world.guilds
            assert payload["member"]["user"]["id"] == str(user.id)
        else:
            assert "guild_id" not in payload and "member" not in payload
            assert payload["user"]["id"] == str(user.id)


async def test_discord_py_reads_them_as_user_integrations(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    client = discord.Client(intents=discord.Intents.none())
    await client.login(fake.token)
    try:
        dm = discord.Interaction(
            data=fake.user_install_subcommand("dk2", "about", where="dm"),  # type: ignore[arg-type]
            state=client._connection,
        )
        assert dm.guild_id is None and dm.is_user_integration()
        assert not dm.is_guild_integration() and dm.context.dm_channel
        server = discord.Interaction(
            data=fake.user_install_subcommand("dk2", "about", where="server"),  # type: ignore[arg-type]
            state=client._connection,
        )
        assert server.guild_id is not None and not server.is_guild_integration()
        assert server.context.guild
    finally:
        await client.close()
