"""Who may pin dk2's answers, decided afresh at every click."""

from __future__ import annotations

from typing import Any

import discord

from bot.config import Settings

__all__ = ["bot_can_pin", "is_moderator", "is_moderator_by_role", "may_pin"]


def is_moderator_by_role(user: discord.User | discord.Member, settings: Settings) -> bool:
    """Whether the member holds one of the configured moderator roles."""
    if not isinstance(user, discord.Member) or not settings.moderator_role_ids:
        return False
    return any(user.get_role(role_id) is not None for role_id in settings.moderator_role_ids)


def may_pin(interaction: discord.Interaction[Any], settings: Settings) -> bool:
    """Whether the clicking member may pin or unpin in this channel, right now.

    `interaction.permissions` are the member's permissions in the channel as Discord resolved
    them for this very interaction (overwrites included, administrators have all), so a
    permission taken away a minute ago is already gone. Pin Messages, or a moderator role
    from the config, is enough. Manage Server alone is not: Discord itself wouldn't let that
    member pin, and dk2 doesn't pin on anyone's behalf beyond what the server granted.
    Never in a server that has not added dk2 (reached through a member's own install).
    """
    if interaction.guild_id is None or not interaction.is_guild_integration():
        return False
    if interaction.permissions.pin_messages:
        return True
    return is_moderator_by_role(interaction.user, settings)


def is_moderator(interaction: discord.Interaction[Any], settings: Settings) -> bool:
    """Whether the member may use dk2's moderator commands (reload, stats), right now.

    Manage Server, or a moderator role from the config. Checked when the command runs:
    Discord's `default_permissions` doesn't apply to subcommands, so this is the real gate.
    Never in a server that has not added dk2: its admins are not dk2's moderators.
    """
    if interaction.guild_id is None or not interaction.is_guild_integration():
        return False
    if interaction.permissions.manage_guild:
        return True
    return is_moderator_by_role(interaction.user, settings)


def bot_can_pin(interaction: discord.Interaction[Any]) -> bool:
    """Whether dk2 itself has Pin Messages in the interaction's channel."""
    return interaction.app_permissions.pin_messages
