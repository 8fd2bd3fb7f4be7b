"""Running dk2 against FakeDiscord in this process, and small helpers for its messages.

The fake's payload builders carry the clicking member's real name and roles, which the
moderator-role check and the audit-log reason read.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord.gateway
import discord.http
import yarl

from bot.config import Settings
from bot.core.holder import KnowledgeHolder
from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import KnowledgeBase
from bot.discord_layer.app import Dk2Bot, apply_discord_urls, discord_urls, serve
from bot.discord_layer.shards import make_bot
from bot.discord_layer.views import CUSTOM_ID_PREFIX
from tests.fakediscord import FakeDiscord, InteractionHandle, Message, User
from tests.fakediscord.permissions import PIN_MESSAGES

PIN_ID = f"{CUSTOM_ID_PREFIX}pin"
ADMIN_SUBCOMMANDS = frozenset({"reload", "stats"})


def group_of(subcommand: str) -> str:
    """The command a subcommand belongs to: moderators' ones are under `/dk2-admin`."""
    return "dk2-admin" if subcommand in ADMIN_SUBCOMMANDS else "dk2"


UNPIN_ID = f"{CUSTOM_ID_PREFIX}unpin"
TIMEOUT = 5.0

_KB: KnowledgeBase | None = None


def knowledge() -> KnowledgeBase:
    """The repository's knowledge base, loaded once per test session."""
    global _KB
    if _KB is None:
        result = load_knowledge(default_knowledge_path())
        assert result.knowledge is not None, result.problems
        _KB = result.knowledge
    return _KB


@dataclass
class Dk2Harness:
    """A running dk2 and the fake it talks to, with the people who click."""

    fake: FakeDiscord
    bot: Dk2Bot
    member: User  # no special rights
    moderator: User  # has Pin Messages through a role
    role_moderator: User  # only holds the configured moderator role
    moderator_role_id: int

    async def command(
        self, subcommand: str, options: dict[str, object] | None = None, *, user: User | None = None
    ) -> InteractionHandle:
        """`/dk2 <subcommand> ...` (`/dk2-admin` for reload and stats) typed by `user`
        (default: the plain member)."""
        payload = self.fake.slash_subcommand(
            group_of(subcommand), subcommand, options, user=user or self.member
        )
        handle = await self.fake.dispatch_interaction(payload)
        await handle.response(timeout=TIMEOUT)
        return handle

    async def click(self, message: Message, custom_id: str, *, user: User) -> InteractionHandle:
        payload = self.fake.button_click(message, custom_id, user=user)
        handle = await self.fake.dispatch_interaction(payload)
        await handle.response(timeout=TIMEOUT)
        return handle


def button_ids(message: Message) -> list[str]:
    """The custom ids of every button on a stored message."""
    return [
        component["custom_id"]
        for row in message.components
        for component in row.get("components", [])
        if "custom_id" in component
    ]


def embed_text(message: Message) -> str:
    """Everything a member reads in a message's embeds, as one string."""
    parts: list[str] = []
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        for field in embed.get("fields", []):
            parts += [field["name"], field["value"]]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


@contextlib.asynccontextmanager
async def running_dk2(
    fake: FakeDiscord, *, settings: Settings | None = None, holder: KnowledgeHolder | None = None
) -> AsyncIterator[Dk2Harness]:
    """dk2 served by `serve` (login, sync to the fake's guild, gateway) until the block ends.

    People are added to the fake's world before the bot connects, so its guild cache (from
    GUILD_CREATE) knows their roles.
    """
    world = fake.world
    guild = fake.guild
    pin_role = world.add_role(guild.id, "pinners", PIN_MESSAGES)
    named_role = world.add_role(guild.id, "dk2 moderators", 0)
    moderator = world.add_user("mod")
    world.add_member(guild.id, moderator, [pin_role.id])
    role_moderator = world.add_user("rolemod")
    world.add_member(guild.id, role_moderator, [named_role.id])
    scratch = tempfile.TemporaryDirectory(prefix="dk2-test-")
    base = settings or Settings(knowledge_path=default_knowledge_path())
    if "repeat_window_minutes" not in base.model_fields_set:
        # Scenarios ask the same question in one channel again and again; the no-repeats
        # rule would answer all but the first privately. A test of the rule sets it.
        base = base.model_copy(update={"repeat_window_minutes": 0})
    if base.database_path == Path("dk2.sqlite3").absolute():  # not the working tree's usage log
        base = base.model_copy(update={"database_path": Path(scratch.name) / "usage.sqlite3"})
    settings = base.model_copy(
        update={
            "dev_guild_ids": (guild.id,),
            "moderator_role_ids": base.moderator_role_ids or (named_role.id,),
            "discord_api_base": fake.api_base,
            "discord_gateway_url": fake.gateway_url,
        }
    )
    holder = holder or KnowledgeHolder(default_knowledge_path(), knowledge())
    saved = discord_urls()
    apply_discord_urls(settings)
    bot = make_bot(settings, holder, guild_ready_timeout=0.05)  # sharded with shard_count
    stop = asyncio.Event()
    task = asyncio.create_task(serve(bot, fake.token, stop=stop), name="dk2-under-test")
    try:
        async with asyncio.timeout(10):
            while not bot.is_ready():
                if task.done():
                    raise AssertionError(f"dk2 stopped early with exit code {task.result()}")
                await asyncio.sleep(0.01)
        yield Dk2Harness(fake, bot, fake.user, moderator, role_moderator, named_role.id)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        discord.http.Route.BASE = saved[0]
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(saved[1])
        scratch.cleanup()


async def wait_until(predicate: Any, timeout: float = TIMEOUT) -> None:
    """Poll `predicate()` until it is true (the fake applies edits as they arrive)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


__all__ = [
    "PIN_ID",
    "UNPIN_ID",
    "Dk2Harness",
    "button_ids",
    "embed_text",
    "knowledge",
    "running_dk2",
    "wait_until",
]
