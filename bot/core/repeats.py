"""When the same answer was posted in a channel a moment ago: which answers are "the same",
and whether an earlier one still counts.

Two public answers are the same when they say the same thing: the same topic for an explain,
the same band (and K2 band) for a dose, the same band for a level. Topics, about and help are
never repeats: a member asks for the list or the notice again on purpose. An earlier answer counts while it is younger than the window, and for
as long as it is pinned; a window of 0 turns the rule off. Plain values only; where the posted answers are kept is the usage
store's business (`bot.usage`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.core.model import Messages
from bot.core.reply import Reply

__all__ = ["PostedAnswer", "answer_key", "counts_as_repeat", "jump_url", "repeat_note"]

SECONDS_PER_MINUTE = 60


def answer_key(reply: Reply) -> str | None:
    """What makes this reply the same answer as another; None for a reply that is never
    treated as a repeat (an error, a question with no curated answer)."""
    data = reply.data
    if not reply.ok or data.get("private") is True:
        return None
    if reply.command == "explain":
        topic = data.get("topic")
        return f"explain:{topic}" if isinstance(topic, str) and topic else None
    if reply.command in ("dose", "level"):
        band = data.get("band")
        if not isinstance(band, str) or not band:
            return None
        k2_band = data.get("k2_band") if reply.command == "dose" else None
        return f"{reply.command}:{band}" + (f":{k2_band}" if isinstance(k2_band, str) else "")
    return None  # topics, about, help: lists and notices, asked for again on purpose


@dataclass(frozen=True, slots=True)
class PostedAnswer:
    """One public answer dk2 posted: where, when (epoch seconds) and whether it is pinned."""

    guild_id: int | None
    channel_id: int
    message_id: int
    key: str
    at: float
    pinned: bool = False


def counts_as_repeat(earlier: PostedAnswer, now: float, window_minutes: int) -> bool:
    """Whether `earlier` makes posting the same answer again a repeat. A window of 0 turns
    the rule off, pinned answers included."""
    if window_minutes <= 0:
        return False
    return earlier.pinned or now - earlier.at < window_minutes * SECONDS_PER_MINUTE


def jump_url(guild_id: int | None, channel_id: int, message_id: int) -> str:
    """The link Discord opens at a message (`@me` for a direct message)."""
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def repeat_note(messages: Messages, earlier: PostedAnswer, now: float) -> str:
    """The sentence that says the answer is already in the channel, with the link to it."""
    link = jump_url(earlier.guild_id, earlier.channel_id, earlier.message_id)
    if earlier.pinned:
        return messages.get("repeat.pinned", link=link)
    minutes = math.floor(max(now - earlier.at, 0.0) / SECONDS_PER_MINUTE)
    if minutes < 1:
        ago = messages.get("repeat.just_now")
    elif minutes == 1:
        ago = messages.get("repeat.minute_ago")
    else:
        ago = messages.get("repeat.minutes_ago", minutes=str(minutes))
    return messages.get("repeat.text", link=link, ago=ago)
