"""`/dk2-admin reload|stats`: moderators' commands, in a command of their own.

Discord applies `default_member_permissions` to whole commands only, never to subcommands:
as `/dk2 reload` these showed in every member's command picker. As their own command with
Manage Server as its default permission, Discord hides them from members (a server admin can
still show them to a moderator role under Server Settings → Integrations). The run-time
check stays: it is the real gate, and it also admits the configured moderator roles.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.core.curation import reload_now
from bot.core.holder import KnowledgeHolder
from bot.discord_layer.embeds import error_embed, reply_embed
from bot.discord_layer.errors import send_private
from bot.discord_layer.permissions import is_moderator
from bot.discord_layer.pictures import chart_file
from bot.usage import open_summary, stats_reply
from bot.usage.log import UsageLog
from bot.usage.report import DEFAULT_DAYS as DEFAULT_STATS_DAYS
from bot.usage.report import MAX_DAYS as MAX_STATS_DAYS

__all__ = ["ADMIN_GROUP", "DEFAULT_STATS_DAYS", "MAX_STATS_DAYS", "Dk2AdminCog"]

log = logging.getLogger(__name__)

ADMIN_GROUP = "dk2-admin"


# Servers that added dk2 only: a member's own install must never reload or read dk2's records.
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.default_permissions(manage_guild=True)
class Dk2AdminCog(
    commands.GroupCog,
    group_name=ADMIN_GROUP,
    group_description="Moderators: reload dk2's knowledge, see what members ask",
):
    """`/dk2-admin reload|stats`, checked at run time on every use."""

    def __init__(
        self,
        holder: KnowledgeHolder,
        settings: Settings,
        usage: UsageLog | None = None,
        on_reload: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.holder = holder
        self.settings = settings
        self.usage = usage
        self.on_reload = on_reload  # tells other dk2 processes (PostgreSQL); None alone
        super().__init__()

    @app_commands.command(
        name="reload", description="Check the knowledge folder and swap it in if valid"
    )
    async def reload(self, interaction: discord.Interaction[Any]) -> None:
        if not await self._moderator(interaction, "moderators.reload"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        who = f"/{ADMIN_GROUP} reload by user {interaction.user.id} in guild {interaction.guild_id}"
        reply = await reload_now(self.holder, who, self.on_reload)
        await interaction.followup.send(embed=reply_embed(reply), ephemeral=True)

    @app_commands.command(
        name="stats", description="What members ask dk2, and what it couldn't answer"
    )
    @app_commands.describe(days=f"How many days back to count (default {DEFAULT_STATS_DAYS})")
    async def stats(
        self,
        interaction: discord.Interaction[Any],
        days: app_commands.Range[int, 1, MAX_STATS_DAYS] = DEFAULT_STATS_DAYS,
    ) -> None:
        if not await self._moderator(interaction, "moderators.stats"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = interaction.guild_id
        if self.usage is not None:
            summary = await self.usage.summary(days, guild_id)
        else:
            path = self.settings.database_path
            summary = await asyncio.to_thread(open_summary, path, days, guild_id)
        log.info(
            "/%s stats %d days by user %s in guild %s",
            ADMIN_GROUP,
            days,
            interaction.user.id,
            guild_id,
        )
        messages = self.holder.current.messages
        embed = reply_embed(stats_reply(summary, days, messages))
        # Drawing takes tens of milliseconds: off the loop, so answers keep flowing.
        chart = await asyncio.to_thread(chart_file, summary, days, messages)
        if chart is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        embed.set_image(url=f"attachment://{chart.filename}")
        await interaction.followup.send(embed=embed, file=chart, ephemeral=True)

    async def _moderator(self, interaction: discord.Interaction[Any], refusal: str) -> bool:
        """True for a moderator; anyone else is told privately, and False comes back."""
        if is_moderator(interaction, self.settings):
            return True
        command = interaction.command.qualified_name if interaction.command else "?"
        log.info(
            "/%s refused: user %s in guild %s is not a moderator",
            command,
            interaction.user.id,
            interaction.guild_id,
        )
        messages = self.holder.current.messages
        embed = error_embed(messages.get("moderators.title"), messages.get(refusal))
        await send_private(interaction, embed)
        return False
