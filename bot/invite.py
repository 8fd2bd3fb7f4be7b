"""The links that add dk2: to a server, asking for exactly the permissions it uses, or to a
member's own account (a user install: `/dk2` in DMs and in servers that never added dk2)."""

from __future__ import annotations

import base64
import binascii
from typing import Final
from urllib.parse import urlencode

import discord

__all__ = [
    "AUTHORIZE_URL",
    "GUILD_INSTALL",
    "REQUIRED_PERMISSIONS",
    "USER_INSTALL",
    "InvalidTokenError",
    "application_id_from_token",
    "invite_url",
    "user_install_url",
]

AUTHORIZE_URL: Final = "https://discord.com/oauth2/authorize"

# Discord's installation contexts (`integration_type` in the link, `integration_types` on a
# command): added to a server, or to a member's own account.
GUILD_INSTALL: Final = 0
USER_INSTALL: Final = 1

# What dk2 does in a channel: see it, answer, answer with embeds, read the message it replies
# to, pin an answer, and post in a new forum post (forum_channel_ids). Since 2026 pinning needs
# Pin Messages (1 << 51); Manage Messages no longer covers it, so it is not asked for.
REQUIRED_PERMISSIONS: Final = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    read_message_history=True,
    pin_messages=True,
    send_messages_in_threads=True,
)

_MAX_SNOWFLAKE: Final = 2**64 - 1


class InvalidTokenError(ValueError):
    """The text given as a bot token doesn't have a bot token's shape. Never quotes it."""


def _check_id(application_id: int) -> None:
    if isinstance(application_id, bool) or not 0 < application_id <= _MAX_SNOWFLAKE:
        raise ValueError(f"application id must be a positive Discord id, got {application_id!r}")


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot to a server with slash commands and
    `REQUIRED_PERMISSIONS`."""
    _check_id(application_id)
    query = urlencode(
        {
            "client_id": str(application_id),
            "scope": "bot applications.commands",
            "permissions": str(REQUIRED_PERMISSIONS.value),
            "integration_type": str(GUILD_INSTALL),
        }
    )
    return f"{AUTHORIZE_URL}?{query}"


def user_install_url(application_id: int) -> str:
    """The OAuth2 URL that adds dk2's commands to the member's own account. A user install
    has no bot in any server, so it asks for no permissions."""
    _check_id(application_id)
    query = urlencode(
        {
            "client_id": str(application_id),
            "scope": "applications.commands",
            "integration_type": str(USER_INSTALL),
        }
    )
    return f"{AUTHORIZE_URL}?{query}"


def application_id_from_token(token: str) -> int:
    """The application id encoded in a bot token, for when the operator hasn't given one.

    A bot token's first dot-separated part is the base64 of the bot user's id, and a bot user's
    id equals its application's id. Raises `InvalidTokenError` (without quoting the token) when
    the token doesn't have that shape.
    """
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise InvalidTokenError(
            "the bot token should be three parts separated by dots; copy it again from the "
            "Bot page of the Discord developer portal"
        )
    first = parts[0]
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        decoded = ""
    if not (decoded.isascii() and decoded.isdigit()) or not 0 < int(decoded) <= _MAX_SNOWFLAKE:
        raise InvalidTokenError(
            "the bot token's first part doesn't encode an application id; copy the token again "
            "or give the application id explicitly"
        )
    return int(decoded)
