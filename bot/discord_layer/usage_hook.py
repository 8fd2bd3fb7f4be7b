"""Recording each answer in the usage log: what was asked, never who asked.

`usage_event` turns a `Reply` into a `UsageEvent` (a plain function, tested on its own);
`usage_recorder` is the cog's `on_answer` hook that queues it. Queuing never waits: the
store's writer thread does the SQLite work, so a slow or broken database can't hold up
an answer.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.core.reply import Reply
from bot.discord_layer.cog import AnswerHook
from bot.usage import UsageEvent
from bot.usage.log import UsageLog

__all__ = ["usage_event", "usage_recorder"]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def usage_event(reply: Reply, *, guild_id: int | None, term: str | None = None) -> UsageEvent:
    """The usage row for one reply.

    `outcome` is the topic id (explain) or band id (dose, level); an explain counts as
    answered only when it found a topic, and only then is `term` (what the member typed)
    dropped. Input errors are recorded as unanswered, with no outcome.
    """
    data = reply.data
    outcome: str | None = None
    k2_band: str | None = None
    answered = reply.ok
    if reply.command == "explain":
        outcome = _text(data.get("topic"))
        answered = reply.ok and outcome is not None
    elif reply.command in ("dose", "level"):
        outcome = _text(data.get("band"))
        k2_band = _text(data.get("k2_band")) if reply.command == "dose" else None
    unanswered_explain = reply.command == "explain" and reply.ok and outcome is None
    return UsageEvent(
        command=reply.command,
        answered=answered,
        guild_id=guild_id,
        outcome=outcome,
        k2_band=k2_band,
        term=term if unanswered_explain else None,
    )


def usage_recorder(store: UsageLog) -> AnswerHook:
    """The `on_answer` hook that queues each answer in `store` and returns at once."""

    async def record(interaction: discord.Interaction[Any], reply: Reply) -> None:
        term = getattr(interaction.namespace, "term", None)
        store.record_nowait(
            usage_event(
                reply,
                guild_id=interaction.guild_id,
                term=term if isinstance(term, str) else None,
            )
        )

    return record
