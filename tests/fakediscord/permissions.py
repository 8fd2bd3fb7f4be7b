"""Discord's permission bits and its rule for a member's permissions in a channel."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
READ_MESSAGE_HISTORY = 1 << 16
ADMINISTRATOR = 1 << 3
MANAGE_MESSAGES = 1 << 13
MANAGE_GUILD = 1 << 5
EMBED_LINKS = 1 << 14
USE_APPLICATION_COMMANDS = 1 << 31
PIN_MESSAGES = 1 << 51
SEND_MESSAGES_IN_THREADS = 1 << 38
ATTACH_FILES = 1 << 15
MENTION_EVERYONE = 1 << 17
# "Allows user-installed apps to send public responses" where the app itself isn't installed.
USE_EXTERNAL_APPS = 1 << 50

# Privileged gateway intents: Discord closes the gateway with 4014 when an application asks
# for one it was not granted in the developer portal.
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

ALL_PERMISSIONS = (1 << 53) - 1

# What a fresh guild's @everyone role gets; enough to read, write and use commands.
DEFAULT_EVERYONE = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS


@dataclass
class Overwrite:
    """A channel permission overwrite; ``type`` 0 is a role, 1 a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> dict[str, object]:
        """The overwrite as Discord serialises it (bit fields as strings)."""
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


def base_permissions(
    *, everyone: int, role_permissions: Iterable[int], is_owner: bool = False
) -> int:
    """Guild-level permissions: @everyone OR the member's roles; owners and admins get all."""
    if is_owner:
        return ALL_PERMISSIONS
    perms = everyone
    for role_perms in role_permissions:
        perms |= role_perms
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(
    base: int,
    *,
    guild_id: int,
    member_id: int,
    member_role_ids: Iterable[int],
    overwrites: Iterable[Overwrite],
) -> int:
    """Apply a channel's overwrites in Discord's order: @everyone, roles together, then member."""
    if base & ADMINISTRATOR or base == ALL_PERMISSIONS:
        return ALL_PERMISSIONS
    overwrites = list(overwrites)
    role_ids = set(member_role_ids)
    perms = base
    for ow in overwrites:
        if ow.type == 0 and ow.id == guild_id:
            perms = (perms & ~ow.deny) | ow.allow
    allow = deny = 0
    for ow in overwrites:
        if ow.type == 0 and ow.id in role_ids:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    for ow in overwrites:
        if ow.type == 1 and ow.id == member_id:
            perms = (perms & ~ow.deny) | ow.allow
    # Without View Channel nothing else in the channel applies.
    if not perms & VIEW_CHANNEL:
        return 0
    return perms
