"""An interaction as Discord posts it, read into the few plain values dk2 acts on.

`decode_body` turns the body into Python values; only what the handlers use is then read,
and every field is checked for its type: a body that is valid JSON but not an interaction dk2
can answer becomes a `Malformed` with the reason. `read_interaction` does both at once, with
a shortcut for the usual body (see there).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import msgspec

from bot.discord_layer.install import GUILD_INSTALL_KEY, installed_guild

__all__ = [
    "APPLICATION_COMMAND",
    "AUTOCOMPLETE",
    "COMPONENT",
    "MESSAGE_COMMAND",
    "PING",
    "Incoming",
    "Malformed",
    "Option",
    "decode_body",
    "parse_interaction",
    "read_interaction",
]

PING: Final = 1
APPLICATION_COMMAND: Final = 2
COMPONENT: Final = 3
AUTOCOMPLETE: Final = 4
MESSAGE_COMMAND: Final = 3  # a command's type: Apps → on a message

_SUB_COMMAND: Final = 1
_SUB_COMMAND_GROUP: Final = 2


@dataclass(frozen=True, slots=True)
class Malformed:
    """Why a body can't be read as an interaction."""

    reason: str


class Option(NamedTuple):
    """One leaf option as sent: its name, type and value, and whether it has the cursor."""

    name: str
    type: int
    value: object
    focused: bool = False


class Incoming(NamedTuple):
    """One interaction: who, where, what was used, and the message a component sits on.

    A NamedTuple rather than a frozen dataclass: one is read per request, and a frozen
    dataclass of this many fields cost several microseconds to construct (each field set
    through `object.__setattr__`), a named tuple about a third of that."""

    id: str
    token: str
    application_id: str
    type: int
    guild_id: int | None = None
    channel_id: int | None = None
    user_id: int | None = None
    user_name: str = "?"
    permissions: int = 0  # the member's, in this channel (Discord resolves them)
    app_permissions: int = 0  # dk2's own, in this channel
    role_ids: frozenset[int] = frozenset()
    # The server under a server install in `authorizing_integration_owners`: equal to
    # `guild_id` when this server added dk2, None when dk2 came through a member's own install.
    installed_guild_id: int | None = None
    # Commands: ("dk2", "dose") for a subcommand, ("name",) for a top-level command.
    command_path: tuple[str, ...] = ()
    command_type: int = 1
    options: tuple[Option, ...] = ()
    custom_id: str | None = None
    message: Mapping[str, Any] | None = None
    # A message command (Apps → on a message): that message's id and text, as resolved.
    target_id: int | None = None
    target_text: str | None = None
    # A select menu pick: the values picked.
    values: tuple[str, ...] = ()

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def focused(self) -> Option | None:
        return next((o for o in self.options if o.focused), None)


_DECODER: Final = msgspec.json.Decoder()


def decode_body(body: bytes) -> Any:
    """The JSON body as Python values, exactly as `json.loads` reads it.

    msgspec's decoder reads an interaction in about half the standard library's time; what
    it refuses (a lone surrogate escape, NaN, a number too big for a float, a byte order mark,
    UTF-16, anything malformed) goes to `json.loads`, so every body gets the standard
    library's value or its error (`ValueError`, `UnicodeDecodeError` among them).
    """
    try:
        return _DECODER.decode(body)
    except msgspec.DecodeError:
        return json.loads(body)


def _id(value: object) -> int | None:
    if isinstance(value, str) and value.isdigit() and len(value) <= 20:
        return int(value)
    return None


def _bits(value: object) -> int:
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _command(data: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[Option, ...]] | Malformed:
    name = data.get("name")
    if not isinstance(name, str) or not name:
        return Malformed("command without a name")
    path = [name]
    options: object = data.get("options") or []
    # Walk down the subcommand group and subcommand to the options the member filled in.
    while (
        isinstance(options, list)
        and options
        and isinstance(options[0], dict)
        and options[0].get("type") in (_SUB_COMMAND, _SUB_COMMAND_GROUP)
    ):
        sub = options[0]
        if not isinstance(sub.get("name"), str):
            return Malformed("subcommand without a name")
        path.append(sub["name"])
        options = sub.get("options") or []
    if not isinstance(options, list):
        return Malformed("options are not a list")
    leaves: list[Option] = []
    for option in options:
        if not isinstance(option, dict) or not isinstance(option.get("name"), str):
            return Malformed("an option without a name")
        kind = option.get("type")
        if not isinstance(kind, int) or isinstance(kind, bool):
            return Malformed(f"option {option['name']!r} without a type")
        leaves.append(
            Option(option["name"], kind, option.get("value"), option.get("focused") is True)
        )
    return tuple(path), tuple(leaves)


def parse_interaction(payload: object) -> Incoming | Malformed:
    """The interaction in a decoded JSON body, or why it isn't one.

    Objects are checked with `dict` rather than `Mapping`: JSON decodes to dicts, and the ABC
    check cost more than the rest of reading an interaction."""
    if not isinstance(payload, dict):
        return Malformed("the body is not a JSON object")
    kind = payload.get("type")
    if not isinstance(kind, int) or isinstance(kind, bool):
        return Malformed("no interaction type")
    if kind == PING:
        return Incoming(id="", token="", application_id="", type=PING)
    ident, token, app = payload.get("id"), payload.get("token"), payload.get("application_id")
    if not (isinstance(ident, str) and isinstance(token, str) and isinstance(app, str)):
        return Malformed("id, token or application_id missing")
    member = payload.get("member")
    user: object = payload.get("user")
    roles: Sequence[object] = ()
    permissions = 0
    if isinstance(member, dict):
        user = member.get("user")
        raw_roles = member.get("roles")
        roles = raw_roles if isinstance(raw_roles, list) else ()
        permissions = _bits(member.get("permissions"))
    user_id = _id(user.get("id")) if isinstance(user, dict) else None
    user_name = user.get("username") if isinstance(user, dict) else None
    data = payload.get("data")
    data = data if isinstance(data, dict) else {}
    path: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    command_type = 1
    custom_id: str | None = None
    target_id: int | None = None
    target_text: str | None = None
    values: tuple[str, ...] = ()
    if kind in (APPLICATION_COMMAND, AUTOCOMPLETE):
        command = _command(data)
        if isinstance(command, Malformed):
            return command
        path, options = command
        raw_type = data.get("type", 1)
        command_type = raw_type if isinstance(raw_type, int) else 1
        if command_type == MESSAGE_COMMAND:
            target_id, target_text = _target(data)
    elif kind == COMPONENT:
        raw_id = data.get("custom_id")
        if not isinstance(raw_id, str):
            return Malformed("component without a custom_id")
        custom_id = raw_id
        raw_values = data.get("values")
        if isinstance(raw_values, list):
            values = tuple(v for v in raw_values if isinstance(v, str))
    message = payload.get("message")
    # One constructor call: building it once and replacing fields cost more than the rest.
    return Incoming(
        id=ident,
        token=token,
        application_id=app,
        type=kind,
        guild_id=_id(payload.get("guild_id")),
        channel_id=_id(payload.get("channel_id")),
        user_id=user_id,
        user_name=user_name if isinstance(user_name, str) else "?",
        permissions=permissions,
        app_permissions=_bits(payload.get("app_permissions")),
        role_ids=frozenset(r for r in (_id(role) for role in roles) if r is not None),
        installed_guild_id=installed_guild(payload.get("authorizing_integration_owners")),
        command_path=path,
        command_type=command_type,
        options=options,
        custom_id=custom_id,
        message=message if isinstance(message, dict) else None,
        target_id=target_id,
        target_text=target_text,
        values=values,
    )


def _target(data: Mapping[str, Any]) -> tuple[int | None, str | None]:
    """A message command's target: the message's id and its text (resolved in the payload)."""
    target_id = _id(data.get("target_id"))
    resolved = data.get("resolved")
    found = resolved.get("messages") if isinstance(resolved, dict) else None
    message = found.get(str(target_id)) if isinstance(found, dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    return target_id, content if isinstance(content, str) else None


# The usual body, as msgspec reads it straight from JSON: only the fields dk2 reads are built
# (the channel, guild and most of the member are skipped in C), each already of the type
# `parse_interaction` wants. Anything else fails to decode here and takes the long way. None
# of these can be part of a reference cycle (they come from JSON), so the garbage collector
# needn't track them (gc=False).


class _User(msgspec.Struct, gc=False):
    id: str | None = None
    username: str | None = None


class _Member(msgspec.Struct, gc=False):
    user: _User | None = None
    roles: list[str] = []
    permissions: str | None = None


class _Option(msgspec.Struct, gc=False):
    type: int
    name: str
    value: Any = None
    focused: Any = None
    options: list[_Option] | None = None


class _Data(msgspec.Struct, gc=False):
    name: str | None = None
    type: int = 1
    options: list[_Option] | None = None
    custom_id: str | None = None
    values: list[str] | None = None


class _Owners(msgspec.Struct, gc=False):
    """`authorizing_integration_owners` with text ids (as Discord sends them): the server
    install's ("0") is the one dk2 reads. Any other shape takes the long way."""

    guild: str | None = msgspec.field(default=None, name=GUILD_INSTALL_KEY)


class _Interaction(msgspec.Struct, gc=False):
    type: int
    id: str
    token: str
    application_id: str
    data: _Data | None = None
    member: _Member | None = None
    user: _User | None = None
    guild_id: str | None = None
    channel_id: str | None = None
    app_permissions: str | None = None
    authorizing_integration_owners: _Owners | None = None
    message: dict[str, Any] | None = None


_USUAL: Final = msgspec.json.Decoder(_Interaction)
_NO_ROLES: Final[frozenset[int]] = frozenset()


def read_interaction(body: bytes) -> Incoming | Malformed:
    """`parse_interaction(decode_body(body))`, the same value or error for every body.

    A command, autocomplete or component click of the usual shape is read in one step, about
    twice as fast; everything else (a PING, a message command, a field of another type, a
    body that isn't JSON or isn't UTF-8) goes the long way, which decides it exactly as
    before. Raises `ValueError` (or `UnicodeDecodeError`) for a body that is not JSON."""
    usual: Incoming | None = None
    # msgspec skips the fields it doesn't read without checking their UTF-8; json.loads
    # refuses the whole body for a bad byte anywhere, so such a body goes the long way.
    if body.isascii() or _utf8(body):
        try:
            usual = _usual(_USUAL.decode(body))
        except msgspec.DecodeError:
            usual = None
    return usual if usual is not None else parse_interaction(decode_body(body))


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _installed(owners: _Owners | None) -> int | None:
    """`installed_guild` of the owners object, for its typed form."""
    text = owners.guild if owners is not None else None
    if text is not None and text.isascii() and text.isdigit() and len(text) <= 20:
        return int(text)
    return None


def _usual(p: _Interaction) -> Incoming | None:
    """The interaction from a typed body; None when the long way must decide. Built with
    positional arguments and no generator expressions: this runs once per request."""
    kind = p.type
    data = p.data
    member = p.member
    user = p.user if member is None else member.user
    path: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    command_type = 1
    custom_id: str | None = None
    values: tuple[str, ...] = ()
    if kind in (APPLICATION_COMMAND, AUTOCOMPLETE):
        if data is None or not data.name or data.type == MESSAGE_COMMAND:
            return None
        command_type = data.type
        names = [data.name]
        found = data.options or []
        while found and found[0].type in (_SUB_COMMAND, _SUB_COMMAND_GROUP):
            names.append(found[0].name)
            found = found[0].options or []
        path = tuple(names)
        options = tuple([Option(o.name, o.type, o.value, o.focused is True) for o in found])
    elif kind == COMPONENT:
        if data is None or data.custom_id is None:
            return None
        custom_id = data.custom_id
        values = tuple(data.values) if data.values is not None else ()
    else:
        return None
    roles = _NO_ROLES
    permissions = 0
    if member is not None:
        if member.roles:
            roles = frozenset([r for r in [_id(role) for role in member.roles] if r is not None])
        permissions = _bits(member.permissions)
    return Incoming(
        p.id,
        p.token,
        p.application_id,
        kind,
        _id(p.guild_id),
        _id(p.channel_id),
        _id(user.id) if user is not None else None,
        user.username if user is not None and user.username is not None else "?",
        permissions,
        _bits(p.app_permissions),
        roles,
        _installed(p.authorizing_integration_owners),
        path,
        command_type,
        options,
        custom_id,
        p.message,
        None,  # target_id and target_text: message commands take the long way
        None,
        values,
    )
