"""Interaction responses as JSON bodies: the same embeds and Pin button as gateway mode.

Embeds come from `bot.discord_layer.embeds` (the one renderer of a `Reply` for chat) and the
button from `PinButton`, so a reply looks the same whichever way it reached Discord. Every
message says it may mention no one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

import discord

from bot.discord_layer.views import PinAction, PinButton

__all__ = [
    "AUTOCOMPLETE_RESULT",
    "DEFERRED_MESSAGE",
    "DEFERRED_UPDATE",
    "EPHEMERAL",
    "MESSAGE",
    "NO_MENTIONS",
    "PONG",
    "UPDATE_MESSAGE",
    "autocomplete_body",
    "deferred_message",
    "encode",
    "message_data",
    "pin_components",
    "response",
]

PONG: Final = 1
MESSAGE: Final = 4
DEFERRED_MESSAGE: Final = 5
DEFERRED_UPDATE: Final = 6
UPDATE_MESSAGE: Final = 7
AUTOCOMPLETE_RESULT: Final = 8

EPHEMERAL: Final = 1 << 6
NO_MENTIONS: Final[dict[str, Any]] = {"parse": []}


def encode(body: object) -> bytes:
    """A response body as compact UTF-8 JSON."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")


def pin_components(action: PinAction) -> list[dict[str, Any]]:
    """One action row holding the Pin (or Unpin) button."""
    return [{"type": 1, "components": [PinButton(action).item.to_component_dict()]}]


def message_data(
    embeds: Sequence[discord.Embed],
    *,
    private: bool,
    pin: PinAction | None = None,
    content: str | None = None,
) -> dict[str, Any]:
    """A message's data: embeds (under a line of `content`, if given), no mentions, private
    (ephemeral) or with the Pin button."""
    data: dict[str, Any] = {
        "embeds": [embed.to_dict() for embed in embeds],
        "allowed_mentions": NO_MENTIONS,
    }
    if content is not None:
        data["content"] = content
    if private:
        data["flags"] = EPHEMERAL
    elif pin is not None:
        data["components"] = pin_components(pin)
    return data


def response(kind: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": kind} if data is None else {"type": kind, "data": data}


def deferred_message(*, private: bool) -> dict[str, Any]:
    """ "dk2 is thinking…": the answer follows as a follow-up within 15 minutes."""
    return response(DEFERRED_MESSAGE, {"flags": EPHEMERAL} if private else {})


def autocomplete_body(choices: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return response(
        AUTOCOMPLETE_RESULT,
        {"choices": [{"name": name, "value": value} for name, value in choices]},
    )
