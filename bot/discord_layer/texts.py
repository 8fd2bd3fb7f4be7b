"""The knowledge base's messages (`knowledge/messages.yaml`) as the Discord layer reads them.

Every sentence a member reads lives in messages.yaml; the Discord layer finds it through the
client's knowledge holder, read afresh so a reload changes the wording too.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.core.holder import KnowledgeHolder
from bot.core.model import Messages

__all__ = ["messages_of"]


def messages_of(interaction: discord.Interaction[Any]) -> Messages:
    """The live messages of the dk2 client handling `interaction`."""
    holder = getattr(interaction.client, "holder", None)
    if not isinstance(holder, KnowledgeHolder):
        raise RuntimeError("this interaction's client has no dk2 knowledge holder")
    return holder.current.messages
