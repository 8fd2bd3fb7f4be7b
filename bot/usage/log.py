"""What dk2 needs from a usage log, whichever database keeps it (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from bot.core.repeats import PostedAnswer
from bot.usage.events import Prepared, UsageEvent
from bot.usage.summary import UsageSummary

__all__ = ["AnswerLog", "UsageLog"]


class UsageLog(Protocol):
    """Queue events without waiting; read them back as a summary; close at shutdown."""

    path: Path

    def start(self) -> None: ...

    async def close(self, timeout: float = 5.0) -> None: ...

    def record_nowait(self, event: UsageEvent) -> None: ...

    def record_prepared(
        self, prepared: Prepared, guild_id: int | None, at: float | None = None
    ) -> None: ...

    async def flush(self, timeout: float = 5.0) -> bool: ...

    async def summary(self, days: int, guild_id: int | None = None) -> UsageSummary: ...

    @property
    def dropped(self) -> int: ...


class AnswerLog(Protocol):
    """The public answers dk2 posted, so none is posted twice in a channel (`bot.core.repeats`).
    Every call is answered without raising: a database problem is a warning and no record."""

    async def record_answer(self, answer: PostedAnswer) -> None: ...

    async def earlier_answer(
        self, channel_id: int, key: str, since: float
    ) -> PostedAnswer | None: ...

    async def set_pinned(self, pin: PostedAnswer) -> None: ...
