"""The fake's world: one application, its bot user, guilds, channels, roles, members, messages.

Everything here is plain data with ``to_payload`` methods producing the JSON shapes Discord
sends. The REST and gateway layers read and change it; tests may too (e.g. to take a
permission away from the bot, or to fill a channel with pins).
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .permissions import (
    DEFAULT_EVERYONE,
    Overwrite,
    base_permissions,
    channel_permissions,
)

DISCORD_EPOCH_MS = 1_420_070_400_000

MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7

_counter = itertools.count(1)


def new_snowflake() -> int:
    """A fresh, increasing snowflake whose timestamp part is now (ids sort by creation)."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) & 0x3FFFFF)


def iso_now() -> str:
    """Now as Discord writes timestamps (ISO 8601 with offset)."""
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class User:
    """A Discord user."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def to_payload(self) -> dict[str, Any]:
        """The user object."""
        payload: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            payload["bot"] = True
        return payload


@dataclass
class Role:
    """A guild role; the @everyone role has the guild's id."""

    id: int
    name: str
    permissions: int
    position: int = 0

    def to_payload(self) -> dict[str, Any]:
        """The role object."""
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


CHANNEL_TEXT = 0
CHANNEL_PUBLIC_THREAD = 11
CHANNEL_FORUM = 15
THREAD_TYPES = (10, 11, 12)


@dataclass
class Channel:
    """A guild channel with its overwrites and pins: a text channel (type 0), a forum (15),
    or a post in a forum, which is a public thread (11) under it (``parent_id``), opened by
    ``owner_id``, whose name is the post's title."""

    id: int
    guild_id: int
    name: str
    type: int = CHANNEL_TEXT
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    parent_id: int | None = None
    owner_id: int | None = None

    @property
    def is_thread(self) -> bool:
        """Whether this is a thread (a forum post is one)."""
        return self.type in THREAD_TYPES

    def to_payload(self) -> dict[str, Any]:
        """The channel object."""
        if self.is_thread:
            return self._thread_payload()
        payload: dict[str, Any] = {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "type": self.type,
            "position": self.position,
            "permission_overwrites": [ow.to_payload() for ow in self.overwrites],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "flags": 0,
        }
        if self.type == CHANNEL_FORUM:
            payload.update(
                available_tags=[],
                default_reaction_emoji=None,
                default_sort_order=None,
                default_forum_layout=0,
                default_thread_rate_limit_per_user=0,
                default_auto_archive_duration=4320,
            )
        return payload

    def _thread_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "type": self.type,
            "last_message_id": str(self.id),  # a forum post's first message has its id
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 4320,
                "archive_timestamp": iso_now(),
                "locked": False,
                "create_timestamp": iso_now(),
            },
        }


@dataclass
class Member:
    """A user's membership in one guild."""

    user: User
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    def to_payload(self) -> dict[str, Any]:
        """The guild member object (with its user)."""
        return {
            "user": self.user.to_payload(),
            "roles": [str(r) for r in self.role_ids],
            "nick": self.nick,
            "avatar": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
        }


@dataclass
class Guild:
    """A guild with everything a GUILD_CREATE carries."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    threads: dict[int, Channel] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        """The @everyone role."""
        return self.roles[self.id]

    def base_permissions(self, user_id: int) -> int:
        """The member's guild-wide permissions."""
        member = self.members[user_id]
        return base_permissions(
            everyone=self.everyone.permissions,
            role_permissions=(
                self.roles[r].permissions for r in member.role_ids if r in self.roles
            ),
            is_owner=user_id == self.owner_id,
        )

    def permissions_in(self, channel_id: int, user_id: int) -> int:
        """The member's permissions in one channel of this guild (0 if not a member); a
        thread has its parent channel's."""
        thread = self.threads.get(channel_id)
        if thread is not None and thread.parent_id is not None:
            channel_id = thread.parent_id
        if user_id not in self.members or channel_id not in self.channels:
            return 0
        return channel_permissions(
            self.base_permissions(user_id),
            guild_id=self.id,
            member_id=user_id,
            member_role_ids=self.members[user_id].role_ids,
            overwrites=self.channels[channel_id].overwrites,
        )

    def to_payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "roles": [r.to_payload() for r in self.roles.values()],
            "channels": [c.to_payload() for c in self.channels.values()],
            "members": [m.to_payload() for m in self.members.values()],
            "threads": [t.to_payload() for t in self.threads.values()],
            "voice_states": [],
            "presences": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "joined_at": iso_now(),
        }


@dataclass
class Message:
    """A message in a channel: sent by the bot through an interaction, or seeded by a test."""

    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    pinned_at: str | None = None
    type: int = 0
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    deleted: bool = False
    # A reply: the message it answers ({"message_id", "channel_id", "guild_id"}), and the
    # users the message pinged (Discord fills `mentions` with them; the replied-to author
    # is among them unless allowed_mentions said replied_user false).
    message_reference: dict[str, Any] | None = None
    mentioned: list[User] = field(default_factory=list)

    @property
    def pinned(self) -> bool:
        """Whether the message is pinned in its channel."""
        return self.pinned_at is not None

    @property
    def ephemeral(self) -> bool:
        """Whether only the interaction's user can see it."""
        return bool(self.flags & MESSAGE_FLAG_EPHEMERAL)

    def to_payload(self) -> dict[str, Any]:
        """The message object."""
        payload: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.to_payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": False,
            "mention_everyone": False,
            "mentions": [user.to_payload() for user in self.mentioned],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "components": self.components,
            "pinned": self.pinned,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            payload["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            payload["application_id"] = str(self.application_id)
        if self.message_reference is not None:
            payload["message_reference"] = {"type": 0, **self.message_reference}
        return payload


@dataclass
class Application:
    """The bot's application and the commands synced to it."""

    id: int
    name: str
    bot: User
    token: str
    flags: int = 0
    # Privileged intents switched on in the developer portal (see permissions.PRIVILEGED_INTENTS).
    granted_intents: int = 0
    global_commands: list[dict[str, Any]] = field(default_factory=list)
    guild_commands: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # The Interactions Endpoint URL set in the developer portal (HTTP mode), if any.
    interactions_endpoint_url: str | None = None

    def to_payload(self, owner: User) -> dict[str, Any]:
        """The application object of ``GET /oauth2/applications/@me``."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": secrets.token_hex(32),
            "flags": self.flags,
            "owner": owner.to_payload(),
            "team": None,
            "bot": self.bot.to_payload(),
            "rpc_origins": [],
            "interactions_endpoint_url": self.interactions_endpoint_url,
            "redirect_uris": [],
            "approximate_guild_count": 1,
        }


class World:
    """All state the fake serves, with the few queries the REST layer needs."""

    def __init__(
        self,
        *,
        bot_name: str = "dk2",
        token: str | None = None,
        application_id: int | None = None,
    ) -> None:
        self.owner = User(id=new_snowflake(), username="owner")
        bot = User(id=application_id or new_snowflake(), username=bot_name, bot=True)
        self.application = Application(
            id=bot.id,
            name=bot_name,
            bot=bot,
            token=token or f"fake.{secrets.token_urlsafe(24)}",
        )
        self.users: dict[int, User] = {self.owner.id: self.owner, bot.id: bot}
        self.guilds: dict[int, Guild] = {}
        self.messages: dict[int, Message] = {}

    @property
    def bot(self) -> User:
        """The bot's own user."""
        return self.application.bot

    def add_user(self, username: str) -> User:
        """A new (human) user known to the fake."""
        user = User(id=new_snowflake(), username=username)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "test guild",
        *,
        channels: tuple[str, ...] = ("general",),
        everyone_permissions: int = DEFAULT_EVERYONE,
        bot_permissions: int = 0,
    ) -> Guild:
        """A guild the bot is in, with text channels, an owner and a role for the bot.

        The bot's role (named after the bot, like the managed role Discord creates) holds
        ``bot_permissions`` on top of @everyone's; change it with :meth:`set_bot_permissions`.
        """
        guild_id = new_snowflake()
        guild = Guild(id=guild_id, name=name, owner_id=self.owner.id)
        guild.roles[guild_id] = Role(
            id=guild_id, name="@everyone", permissions=everyone_permissions
        )
        bot_role = Role(
            id=new_snowflake(), name=self.bot.username, permissions=bot_permissions, position=1
        )
        guild.roles[bot_role.id] = bot_role
        for position, channel_name in enumerate(channels):
            channel = Channel(
                id=new_snowflake(), guild_id=guild_id, name=channel_name, position=position
            )
            guild.channels[channel.id] = channel
        guild.members[self.owner.id] = Member(user=self.owner)
        guild.members[self.bot.id] = Member(user=self.bot, role_ids=[bot_role.id])
        self.guilds[guild_id] = guild
        return guild

    def add_role(self, guild_id: int, name: str, permissions: int) -> Role:
        """A new role in a guild."""
        guild = self.guilds[guild_id]
        role = Role(
            id=new_snowflake(), name=name, permissions=permissions, position=len(guild.roles)
        )
        guild.roles[role.id] = role
        return role

    def add_member(self, guild_id: int, user: User, role_ids: list[int] | None = None) -> Member:
        """Put ``user`` into a guild with the given roles."""
        member = Member(user=user, role_ids=list(role_ids or []))
        self.guilds[guild_id].members[user.id] = member
        return member

    def bot_role(self, guild_id: int) -> Role:
        """The bot's own role in a guild (created by :meth:`add_guild`)."""
        guild = self.guilds[guild_id]
        return guild.roles[guild.members[self.bot.id].role_ids[0]]

    def set_bot_permissions(self, guild_id: int, permissions: int) -> None:
        """Replace the permissions of the bot's role in a guild."""
        self.bot_role(guild_id).permissions = permissions

    def find_channel(self, channel_id: int) -> Channel | None:
        """A guild channel or thread by id, from any guild."""
        for guild in self.guilds.values():
            found = guild.channels.get(channel_id) or guild.threads.get(channel_id)
            if found is not None:
                return found
        return None

    def add_forum(self, guild_id: int, name: str = "questions") -> Channel:
        """A forum channel (type 15) in a guild; add it before the bot connects, so its
        GUILD_CREATE carries it."""
        guild = self.guilds[guild_id]
        forum = Channel(
            id=new_snowflake(),
            guild_id=guild_id,
            name=name,
            type=CHANNEL_FORUM,
            position=len(guild.channels),
        )
        guild.channels[forum.id] = forum
        return forum

    def add_thread(self, parent_id: int, name: str, owner: User) -> Channel:
        """A new post (a public thread) titled ``name`` under a forum, opened by ``owner``."""
        parent = self.find_channel(parent_id)
        if parent is None:
            raise KeyError(f"unknown channel {parent_id}")
        thread = Channel(
            id=new_snowflake(),
            guild_id=parent.guild_id,
            name=name,
            type=CHANNEL_PUBLIC_THREAD,
            parent_id=parent_id,
            owner_id=owner.id,
        )
        self.guilds[parent.guild_id].threads[thread.id] = thread
        return thread

    def messages_in(self, channel_id: int) -> list[Message]:
        """The messages everyone sees in a channel or thread, oldest first."""
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and not m.deleted and not m.ephemeral
        ]

    def permissions_in(self, channel_id: int, user_id: int) -> int:
        """A user's permissions in a channel (0 if either is unknown)."""
        channel = self.find_channel(channel_id)
        if channel is None:
            return 0
        return self.guilds[channel.guild_id].permissions_in(channel_id, user_id)

    def add_message(
        self,
        channel_id: int,
        *,
        content: str = "",
        author: User | None = None,
        flags: int = 0,
        pinned: bool = False,
        **extra: Any,
    ) -> Message:
        """Store a message in a channel (e.g. one a button sits on, or pins to fill a channel)."""
        channel = self.find_channel(channel_id)
        message = Message(
            id=new_snowflake(),
            channel_id=channel_id,
            guild_id=channel.guild_id if channel else None,
            author=author or self.bot,
            content=content,
            flags=flags,
            pinned_at=iso_now() if pinned else None,
            **extra,
        )
        self.messages[message.id] = message
        return message

    def visible_message(self, channel_id: int, message_id: int) -> Message | None:
        """A message as channel routes see it: ephemeral and deleted ones do not exist there."""
        message = self.messages.get(message_id)
        if message is None or message.deleted or message.channel_id != channel_id:
            return None
        if message.ephemeral:
            return None
        return message

    def pins(self, channel_id: int) -> list[Message]:
        """The channel's pinned messages, most recently pinned first."""
        pinned = [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and m.pinned and not m.deleted
        ]
        return sorted(pinned, key=lambda m: (m.pinned_at or "", m.id), reverse=True)
