"""Builders for real INTERACTION_CREATE ``d`` payloads, as Discord sends them in API v10.

Pure functions of ids and permission bits: unit tests can feed the result straight into
``discord.Interaction(data=..., state=...)`` without any server, and :class:`FakeDiscord`
sends the same dicts over its gateway. Snowflakes are strings and permission bit fields are
decimal strings, exactly as on the wire.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4

OPTION_SUB_COMMAND = 1
OPTION_STRING = 3
OPTION_INTEGER = 4
OPTION_BOOLEAN = 5
OPTION_NUMBER = 10

COMPONENT_BUTTON = 2

# Interaction contexts: 0 a guild, 1 a DM with the app's bot, 2 a group DM or a DM between
# other users. Integration types (keys of authorizing_integration_owners): "0" a guild
# install, "1" a user install.
CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1
CONTEXT_PRIVATE_CHANNEL = 2
GUILD_INSTALL = "0"
USER_INSTALL = "1"

CHANNEL_DM = 1
CHANNEL_GROUP_DM = 3
# What Discord grants an app where it is there only through a user's own install (a DM, a
# group DM, a server without the app): attach files, embed links, mention everyone.
USER_INSTALL_APP_PERMISSIONS = (1 << 15) | (1 << 14) | (1 << 17)

DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

_ids = itertools.count(1)


def _snowflake() -> str:
    # Deliberately not time-based: builders stay deterministic enough for unit tests while
    # still yielding unique ids within a run.
    return str(1_300_000_000_000_000_000 + next(_ids))


def option_type_for(value: object) -> int:
    """The application-command option type Discord uses for a Python value."""
    if isinstance(value, bool):
        return OPTION_BOOLEAN
    if isinstance(value, int):
        return OPTION_INTEGER
    if isinstance(value, float):
        return OPTION_NUMBER
    return OPTION_STRING


def command_options(
    values: dict[str, object], *, focused: str | None = None
) -> list[dict[str, Any]]:
    """Leaf options for ``values``; the option named ``focused`` is marked as being typed."""
    options: list[dict[str, Any]] = []
    for name, value in values.items():
        option: dict[str, Any] = {"type": option_type_for(value), "name": name, "value": value}
        if name == focused:
            option["focused"] = True
        options.append(option)
    return options


def user_payload(user_id: int, username: str = "tester") -> dict[str, Any]:
    """A user object."""
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "public_flags": 0,
    }


def member_payload(
    user_id: int,
    *,
    permissions: int,
    role_ids: tuple[int, ...] = (),
    username: str = "tester",
) -> dict[str, Any]:
    """The invoking guild member, with its permissions in the channel (as Discord adds them)."""
    return {
        "user": user_payload(user_id, username),
        "roles": [str(r) for r in role_ids],
        "permissions": str(permissions),
        "nick": None,
        "avatar": None,
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
    }


def channel_payload(channel_id: int, guild_id: int, *, name: str = "general") -> dict[str, Any]:
    """The partial channel object an interaction carries."""
    return {
        "id": str(channel_id),
        "guild_id": str(guild_id),
        "name": name,
        "type": 0,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "flags": 0,
    }


def _base_interaction(
    *,
    interaction_type: int,
    application_id: int,
    guild_id: int,
    channel_id: int,
    user_id: int,
    member_permissions: int,
    app_permissions: int,
    role_ids: tuple[int, ...],
    locale: str,
    interaction_id: int | None,
    token: str | None,
    data: dict[str, Any],
    username: str = "tester",
) -> dict[str, Any]:
    return {
        "id": str(interaction_id) if interaction_id is not None else _snowflake(),
        "application_id": str(application_id),
        "type": interaction_type,
        "data": data,
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
        "channel": channel_payload(channel_id, guild_id),
        "channel_id": str(channel_id),
        "member": member_payload(
            user_id, permissions=member_permissions, role_ids=role_ids, username=username
        ),
        "token": token or f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}",
        "version": 1,
        "app_permissions": str(app_permissions),
        "locale": locale,
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {GUILD_INSTALL: str(guild_id)},
        "context": CONTEXT_GUILD,
        "attachment_size_limit": DEFAULT_ATTACHMENT_SIZE_LIMIT,
    }


def slash_subcommand(
    *,
    application_id: int,
    guild_id: int,
    channel_id: int,
    user_id: int,
    group: str,
    subcommand: str,
    options: dict[str, object] | None = None,
    command_id: int | None = None,
    member_permissions: int = 0,
    app_permissions: int = 0,
    role_ids: tuple[int, ...] = (),
    username: str = "tester",
    locale: str = "en-US",
    interaction_id: int | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """``/group subcommand option:value ...`` typed by ``user_id`` in a guild channel."""
    payload = slash_command(
        application_id=application_id,
        guild_id=guild_id,
        channel_id=channel_id,
        user_id=user_id,
        name=group,
        command_id=command_id,
        member_permissions=member_permissions,
        app_permissions=app_permissions,
        role_ids=role_ids,
        username=username,
        locale=locale,
        interaction_id=interaction_id,
        token=token,
    )
    payload["data"]["options"] = [
        {
            "type": OPTION_SUB_COMMAND,
            "name": subcommand,
            "options": command_options(options or {}),
        }
    ]
    return payload


def slash_command(
    *,
    application_id: int,
    guild_id: int,
    channel_id: int,
    user_id: int,
    name: str,
    options: dict[str, object] | None = None,
    command_id: int | None = None,
    member_permissions: int = 0,
    app_permissions: int = 0,
    role_ids: tuple[int, ...] = (),
    username: str = "tester",
    locale: str = "en-US",
    interaction_id: int | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """A top-level ``/name option:value ...`` command (no group)."""
    data: dict[str, Any] = {
        "id": str(command_id) if command_id is not None else _snowflake(),
        "name": name,
        "type": 1,
        "guild_id": str(guild_id),
    }
    if options:
        data["options"] = command_options(options)
    return _base_interaction(
        interaction_type=INTERACTION_APPLICATION_COMMAND,
        application_id=application_id,
        guild_id=guild_id,
        channel_id=channel_id,
        user_id=user_id,
        member_permissions=member_permissions,
        app_permissions=app_permissions,
        role_ids=role_ids,
        locale=locale,
        interaction_id=interaction_id,
        token=token,
        data=data,
        username=username,
    )


def autocomplete(
    *,
    application_id: int,
    guild_id: int,
    channel_id: int,
    user_id: int,
    group: str | None,
    command: str,
    options: dict[str, object],
    focused: str,
    command_id: int | None = None,
    member_permissions: int = 0,
    app_permissions: int = 0,
    role_ids: tuple[int, ...] = (),
    username: str = "tester",
    locale: str = "en-US",
    interaction_id: int | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """Autocomplete while typing option ``focused`` (its value is the partial text, a string).

    With ``group`` set, ``command`` is a subcommand of that group; otherwise it is top level.
    """
    leaf = command_options(options, focused=focused)
    for option in leaf:
        if option.get("focused"):
            # Discord sends what has been typed so far, always as a string.
            option["type"] = OPTION_STRING if option["type"] == OPTION_BOOLEAN else option["type"]
            option["value"] = str(option["value"])
    if group is None:
        data: dict[str, Any] = {"name": command, "options": leaf}
    else:
        data = {
            "name": group,
            "options": [{"type": OPTION_SUB_COMMAND, "name": command, "options": leaf}],
        }
    data.update(
        id=str(command_id) if command_id is not None else _snowflake(),
        type=1,
        guild_id=str(guild_id),
    )
    return _base_interaction(
        interaction_type=INTERACTION_AUTOCOMPLETE,
        application_id=application_id,
        guild_id=guild_id,
        channel_id=channel_id,
        user_id=user_id,
        member_permissions=member_permissions,
        app_permissions=app_permissions,
        role_ids=role_ids,
        locale=locale,
        interaction_id=interaction_id,
        token=token,
        data=data,
        username=username,
    )


def button_click(
    *,
    application_id: int,
    guild_id: int,
    channel_id: int,
    user_id: int,
    custom_id: str,
    message: dict[str, Any],
    member_permissions: int = 0,
    app_permissions: int = 0,
    role_ids: tuple[int, ...] = (),
    username: str = "tester",
    locale: str = "en-US",
    interaction_id: int | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """A click on the button ``custom_id`` of ``message`` (a full message object)."""
    payload = _base_interaction(
        interaction_type=INTERACTION_MESSAGE_COMPONENT,
        application_id=application_id,
        guild_id=guild_id,
        channel_id=channel_id,
        user_id=user_id,
        member_permissions=member_permissions,
        app_permissions=app_permissions,
        role_ids=role_ids,
        locale=locale,
        interaction_id=interaction_id,
        token=token,
        data={"custom_id": custom_id, "component_type": COMPONENT_BUTTON},
        username=username,
    )
    payload["message"] = message
    return payload


def button(custom_id: str, label: str, *, style: int = 1) -> dict[str, Any]:
    """A button component (style 1 primary) for building a message's components."""
    return {"type": COMPONENT_BUTTON, "custom_id": custom_id, "label": label, "style": style}


def action_row(*components: dict[str, Any]) -> dict[str, Any]:
    """An action row holding up to five buttons."""
    return {"type": 1, "components": list(components)}


def through_user_install(
    payload: dict[str, Any],
    *,
    context: int,
    guild_id: int | None = None,
    channel_id: int | None = None,
    member_permissions: int = 0,
) -> dict[str, Any]:
    """``payload`` (built for a guild that installed the app) as Discord sends it when the
    user reached the app through their own install instead.

    ``context`` :data:`CONTEXT_GUILD` is a server that never added the app (``guild_id``,
    where the member has ``member_permissions``); :data:`CONTEXT_BOT_DM` the user's DM with
    the app's bot; :data:`CONTEXT_PRIVATE_CHANNEL` a group DM. Only the user's install
    authorizes it, and the command carries no guild id (it is a global command).
    """
    member = payload["member"]
    user = member["user"]
    out = {key: value for key, value in payload.items() if key not in ("guild", "guild_id")}
    out["data"] = {k: v for k, v in payload["data"].items() if k != "guild_id"}
    out["authorizing_integration_owners"] = {USER_INSTALL: user["id"]}
    out["context"] = context
    out["app_permissions"] = str(USER_INSTALL_APP_PERMISSIONS)
    channel = str(channel_id) if channel_id is not None else _snowflake()
    out["channel_id"] = channel
    if context == CONTEXT_GUILD:
        if guild_id is None:
            raise ValueError("a server context needs the server's guild_id")
        out["guild_id"] = str(guild_id)
        out["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
        out["channel"] = channel_payload(int(channel), guild_id)
        out["member"] = {**member, "permissions": str(member_permissions)}
        return out
    del out["member"]
    out.pop("guild_locale", None)
    out["user"] = user
    if context == CONTEXT_BOT_DM:
        out["channel"] = {
            "id": channel,
            "type": CHANNEL_DM,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user],
        }
    else:
        out["channel"] = {
            "id": channel,
            "type": CHANNEL_GROUP_DM,
            "name": None,
            "icon": None,
            "owner_id": user["id"],
            "last_message_id": None,
            "flags": 0,
            "recipients": [user, user_payload(int(user["id"]) + 1, "friend")],
        }
    return out
