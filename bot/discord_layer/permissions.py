"""Who may pin dk2's answers and use its moderator commands, read from a discord.py
`Interaction` and decided by the shared rules in `bot.core.access` (the HTTP endpoint reads
the same facts from the posted JSON and asks the same functions)."""

from __future__ import annotations

from typing import Any

import discord

from bot.config import Settings
from bot.core import access

__all__ = ["bot_can_pin", "held_moderator_roles", "in_server", "is_moderator", "may_pin"]


def held_moderator_roles(user: discord.User | discord.Member, settings: Settings) -> frozenset[int]:
    """Which of the configured moderator roles the member holds (none outside a server)."""
    if not isinstance(user, discord.Member):
        return frozenset()
    return frozenset(r for r in settings.moderator_role_ids if user.get_role(r) is not None)


def in_server(interaction: discord.Interaction[Any]) -> bool:
    """Whether the interaction is in a server that added dk2 (not a DM, nor a server reached
    through a member's own install)."""
    return interaction.guild_id is not None and interaction.is_guild_integration()


def may_pin(interaction: discord.Interaction[Any], settings: Settings) -> bool:
    """Whether the clicking member may pin or unpin in this channel, right now.

    `interaction.permissions` are the member's permissions in the channel as Discord resolved
    them for this very interaction (overwrites included, administrators have all), so a
    permission taken away a minute ago is already gone.
    """
    return access.may_pin(
        in_server=in_server(interaction),
        pin_messages=interaction.permissions.pin_messages,
        roles=held_moderator_roles(interaction.user, settings),
        moderator_roles=settings.moderator_role_ids,
    )


def is_moderator(interaction: discord.Interaction[Any], settings: Settings) -> bool:
    """Whether the member may use dk2's moderator commands (reload, stats), right now."""
    return access.is_moderator(
        in_server=in_server(interaction),
        manage_guild=interaction.permissions.manage_guild,
        roles=held_moderator_roles(interaction.user, settings),
        moderator_roles=settings.moderator_role_ids,
    )


def bot_can_pin(interaction: discord.Interaction[Any]) -> bool:
    """Whether dk2 itself has Pin Messages in the interaction's channel."""
    return interaction.app_permissions.pin_messages
