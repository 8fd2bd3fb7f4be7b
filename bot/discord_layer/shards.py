"""Gateway shards: one dk2 process running a slice of the bot's shards.

Discord requires sharding from 2,500 servers (one shard per 1,000-2,500 servers, as `GET
/gateway/bot` recommends). With `shard_count` set, dk2 runs discord.py's `AutoShardedBot`
for the shards in `shard_ids` (all of them when unset); several processes with disjoint
slices serve one bot. Only the process running shard 0 syncs the commands: they are the
same for every shard, and Discord limits how often they may be changed.
"""

from __future__ import annotations

import logging
from typing import Any

from discord.ext import commands

from bot.config import Settings
from bot.core.holder import KnowledgeHolder
from bot.discord_layer.app import Dk2Bot

__all__ = ["Dk2ShardedBot", "make_bot", "syncs_commands"]

log = logging.getLogger(__name__)


class Dk2ShardedBot(Dk2Bot, commands.AutoShardedBot):
    """`Dk2Bot` over several gateway connections (its `shard_ids` of `shard_count`)."""

    async def on_ready(self) -> None:
        log.info(
            "connected as %s (%s), in %d guild(s), shards %s of %d",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
            ",".join(str(i) for i in self.shard_ids or ()) or "all",
            self.shard_count or 0,
        )


def make_bot(settings: Settings, holder: KnowledgeHolder, **options: Any) -> Dk2Bot:
    """A plain `Dk2Bot`, or a sharded one when the settings name a shard count."""
    if settings.shard_count is None:
        return Dk2Bot(settings, holder, **options)
    shard_ids = list(settings.shard_ids) if settings.shard_ids is not None else None
    return Dk2ShardedBot(
        settings, holder, shard_count=settings.shard_count, shard_ids=shard_ids, **options
    )


def syncs_commands(bot: Dk2Bot) -> bool:
    """Whether this process syncs commands: unsharded, or running shard 0."""
    if not isinstance(bot, Dk2ShardedBot):
        return True
    return bot.shard_ids is None or 0 in bot.shard_ids
