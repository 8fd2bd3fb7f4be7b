"""Where an answer lands: a server that added dk2, or somewhere dk2 reached through a member's
own account (a user install: their DMs, group DMs, and servers that never added dk2).

Outside a server that added it, dk2 is not a member: it can't pin, so the Pin button is left
out, and the reply carries one line saying how a server adds dk2. In a server that has not
added dk2, a member without Use External Apps may still use it, but Discord then allows only
private (ephemeral) responses, so dk2 answers privately there.

`placement` reads only plain values, so the gateway cog and the HTTP endpoint decide alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import discord

from bot.core.model import Messages
from bot.invite import GUILD_INSTALL, invite_url

__all__ = [
    "GUILD_INSTALL_KEY",
    "USE_EXTERNAL_APPS",
    "Placement",
    "add_to_server_line",
    "placement",
    "placement_of",
]

# "Allows user-installed apps to send public responses" (Discord's permission 1 << 50).
USE_EXTERNAL_APPS: Final = 1 << 50


@dataclass(frozen=True, slots=True)
class Placement:
    """What an answer may carry where it is asked for."""

    in_server: bool  # dk2 was added to the server this is in: it can pin there
    private_only: bool  # Discord allows only private responses here

    @property
    def offers_pin(self) -> bool:
        return self.in_server


IN_SERVER: Final = Placement(in_server=True, private_only=False)
# The four there are, made once: placement() runs for every answer, and building a frozen
# dataclass (each field set through object.__setattr__) cost more than deciding which it is.
_PLACEMENTS: Final = {
    (in_server, private_only): Placement(in_server, private_only)
    for in_server in (True, False)
    for private_only in (True, False)
}


def placement(
    guild_id: int | None,
    installed_guild_id: int | None,
    member_permissions: int,
    *,
    guild_known: bool = True,
) -> Placement:
    """Where an interaction is: `installed_guild_id` is the server id Discord lists under a
    server install in `authorizing_integration_owners` (None when it lists none);
    `guild_known` says whether dk2 has that server at all (only the gateway can tell)."""
    in_server = guild_id is not None and installed_guild_id == guild_id and guild_known
    private_only = (
        guild_id is not None and not in_server and not member_permissions & USE_EXTERNAL_APPS
    )
    return _PLACEMENTS[bool(in_server), bool(private_only)]


GUILD_INSTALL_KEY: Final = str(GUILD_INSTALL)  # as JSON keys it


def installed_guild(owners: object) -> int | None:
    """The server id under a server install in an `authorizing_integration_owners` object."""
    # dict first: what both shells pass, and far cheaper to check than the Mapping ABC.
    if not isinstance(owners, dict | Mapping):
        return None
    value = owners.get(GUILD_INSTALL_KEY, owners.get(GUILD_INSTALL))
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 20 else None


def placement_of(interaction: discord.Interaction[Any]) -> Placement:
    """The placement of a gateway interaction (discord.py keeps the owners as ints)."""
    guild_id = interaction.guild_id
    installed = guild_id if interaction.is_guild_integration() else None
    known = guild_id is None or interaction.client.get_guild(guild_id) is not None
    return placement(guild_id, installed, interaction.permissions.value, guild_known=known)


def add_to_server_line(messages: Messages, application_id: int) -> str:
    """The line a reply outside a server with dk2 carries: how a server adds dk2."""
    return messages.get("install.add_to_server", link=invite_url(application_id))
