"""The reply for bad input, shared by every command."""

from __future__ import annotations

from dataclasses import replace

from bot.core.amounts import InputError
from bot.core.model import KnowledgeBase
from bot.core.reply import Reply, error_reply


def input_error_reply(
    kb: KnowledgeBase, command: str, error: InputError, *, option: str | None = None
) -> Reply:
    """Bad input as a reply: the message that says what to type instead."""
    message = kb.messages.get(f"errors.{error.key}", **error.values)
    if option:
        message = f"`{option}`: {message}"
    reply = error_reply(command, message, title=kb.messages.get("errors.title"))
    return replace(reply, data={"error_key": error.key})
