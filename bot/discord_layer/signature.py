"""Whether an interaction's options are the ones dk2's command declares.

discord.py hands option values to a command as Discord sent them, without checking their type:
a client still showing an older `/dk2` (an option that used to be a number), or a forged
payload, would put an `int` where dk2 expects a `str` and crash the command. Checking here
turns that into the "out of date" reply, like an unknown command.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import discord
from discord import app_commands

__all__ = ["OutOfRange", "focused_without_suggestions", "option_problems", "out_of_range"]

_SUB_COMMAND: Final = 1
_SUB_COMMAND_GROUP: Final = 2


def _accepts(option_type: discord.AppCommandOptionType, value: object) -> bool:
    """Whether ``value`` has the Python type Discord uses on the wire for ``option_type``."""
    kind = discord.AppCommandOptionType
    if option_type is kind.string:
        return isinstance(value, str)
    if option_type is kind.integer:
        return isinstance(value, int) and not isinstance(value, bool)
    if option_type is kind.number:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if option_type is kind.boolean:
        return isinstance(value, bool)
    return True  # users, channels, roles, attachments: ids that discord.py resolves itself


class _Unreadable(ValueError):
    """Options that are not a list of objects, as no Discord client sends them."""


def _options(value: object) -> Sequence[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(o, Mapping) for o in value):
        raise _Unreadable(f"options are {type(value).__name__}, not a list of objects")
    return value


def _leaf_options(data: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    options = _options(data.get("options"))
    while options and options[0].get("type") in (_SUB_COMMAND, _SUB_COMMAND_GROUP):
        options = _options(options[0].get("options"))
    return options


def option_problems(interaction: discord.Interaction[Any]) -> list[str]:
    """How the submitted options differ from the command's parameters (empty when they match).

    Only submitted application commands are checked: autocomplete sends partial text, and
    whatever is unknown about the command itself is discord.py's `CommandNotFound`.
    """
    if interaction.type is not discord.InteractionType.application_command:
        return []
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return []
    params = {param.display_name: param for param in command.parameters}
    problems: list[str] = []
    try:
        leaves = _leaf_options(interaction.data or {})
    except _Unreadable as exc:
        return [str(exc)]
    for option in leaves:
        name = str(option.get("name"))
        param = params.get(name)
        if param is None:
            problems.append(f"unknown option {name!r}")
        elif option.get("type") != param.type.value or not _accepts(
            param.type, option.get("value")
        ):
            problems.append(
                f"option {name!r} is type {option.get('type')} ({type(option.get('value')).__name__}),"
                f" expected {param.type.value} ({param.type.name})"
            )
    return problems


@dataclass(frozen=True, slots=True)
class OutOfRange:
    """A number option whose value is outside the command's declared range."""

    name: str
    value: float
    minimum: float | None
    maximum: float | None


def out_of_range(interaction: discord.Interaction[Any]) -> OutOfRange | None:
    """The first number option outside its declared min/max (or not finite), if any.

    Discord's client enforces the range a command declares; a payload can carry anything,
    and a huge integer fails deep inside (an OverflowError) instead of saying what to type.
    """
    if interaction.type is not discord.InteractionType.application_command:
        return None
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return None
    params = {param.display_name: param for param in command.parameters}
    try:
        leaves = _leaf_options(interaction.data or {})
    except _Unreadable:
        return None  # option_problems has said so
    for option in leaves:
        param = params.get(str(option.get("name")))
        value = option.get("value")
        if param is None or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        low, high = param.min_value, param.max_value
        if (
            not math.isfinite(value)
            or (low is not None and value < low)
            or (high is not None and value > high)
        ):
            return OutOfRange(param.display_name, value, low, high)
    return None


def focused_without_suggestions(interaction: discord.Interaction[Any]) -> bool:
    """Whether this is autocomplete for an option that offers none (or for no option)."""
    if interaction.type is not discord.InteractionType.autocomplete:
        return False
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return False
    try:
        focused = [o for o in _leaf_options(interaction.data or {}) if o.get("focused")]
    except _Unreadable:
        return True
    if len(focused) != 1:
        return True
    params = {param.display_name: param for param in command.parameters}
    param = params.get(str(focused[0].get("name")))
    return param is None or not param.autocomplete
