"""No repeats in a channel: before a public answer goes out, ask the answer log whether the
same answer is already there (posted within `repeat_window_minutes`, or pinned); if it is, the
member gets it privately with a link to the earlier one, and the channel gets nothing.

The log is the usage store's `answers` table (SQLite, or PostgreSQL shared by every process),
so a repeat is caught whichever process posted the first answer. When the store can't answer,
the answer is posted as usual: a repeat is a nuisance, a missing answer is worse.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import discord

from bot.core.model import Messages
from bot.core.repeats import PostedAnswer, answer_key, counts_as_repeat, repeat_note
from bot.core.reply import Reply
from bot.usage.log import AnswerLog

__all__ = ["Repeats", "send_repeat"]

log = logging.getLogger(__name__)


class Repeats:
    """The rule for one process, over an answer log (none: nothing is ever a repeat)."""

    def __init__(
        self,
        answers: AnswerLog | None,
        window_minutes: int,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.answers = answers
        self.window_minutes = window_minutes
        self.clock = clock

    async def earlier(self, channel_id: int | None, reply: Reply) -> PostedAnswer | None:
        """The same answer already in the channel, when it counts as a repeat; else None."""
        key = answer_key(reply)
        if self.answers is None or channel_id is None or key is None or not self.on:
            return None
        now = self.clock()
        since = now - self.window_minutes * 60
        found = await self.answers.earlier_answer(channel_id, key, since)
        if found is None or not counts_as_repeat(found, now, self.window_minutes):
            return None
        return found

    async def posted(
        self, guild_id: int | None, channel_id: int | None, message_id: int | None, reply: Reply
    ) -> None:
        """Keep a public answer just posted, so the next one like it is caught."""
        key = answer_key(reply)
        if not self.on or channel_id is None or message_id is None or key is None:
            return
        assert self.answers is not None
        await self.answers.record_answer(
            PostedAnswer(guild_id, channel_id, message_id, key, self.clock())
        )

    async def pinned(
        self, guild_id: int | None, channel_id: int, message_id: int, pinned: bool
    ) -> None:
        """A moderator pinned (or unpinned) a dk2 answer: it counts forever (or no longer)."""
        if self.on and self.answers is not None:
            pin = PostedAnswer(guild_id, channel_id, message_id, "", self.clock(), pinned)
            await self.answers.set_pinned(pin)

    @property
    def on(self) -> bool:
        """Whether the rule is kept at all (a log to keep it in, a window above 0)."""
        return self.answers is not None and self.window_minutes > 0

    def note(self, messages: Messages, earlier: PostedAnswer) -> str:
        return repeat_note(messages, earlier, self.clock())


async def send_repeat(
    interaction: discord.Interaction[Any], note: str, embed: discord.Embed
) -> None:
    """The answer privately, under the sentence that links the earlier one."""
    log.info(
        "repeat in channel %s (guild %s): answered privately with a link",
        interaction.channel_id,
        interaction.guild_id,
    )
    if interaction.response.is_done():
        await interaction.followup.send(content=note, embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(content=note, embed=embed, ephemeral=True)
