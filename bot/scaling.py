"""What several dk2 processes share, chosen by the settings: the usage log, the cooldown and
news of a reload. With no `database_url` this is one process's SQLite file and memory; with
one, PostgreSQL (`bot.usage.postgres`). Both transports (gateway and HTTP) start from here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.config import Settings
from bot.core.holder import KnowledgeHolder
from bot.core.watch import log_reload
from bot.usage.log import AnswerLog, UsageLog
from bot.usage.postgres import PostgresStore, ReloadListener
from bot.usage.store import UsageStore

__all__ = ["CooldownCheck", "Shared", "shared_state"]

log = logging.getLogger(__name__)

# Seconds until this member may use a command again, or None when they may now.
CooldownCheck = Callable[[int], Awaitable[float | None]]
_FALLBACK_WARN_INTERVAL = 600.0


class _MemoryCooldown:
    """At most `rate` uses per `per` seconds per member, in this process's memory."""

    def __init__(self, rate: int, per: float) -> None:
        # The gateway's own store: the same sliding window, pruned as it goes.
        from bot.discord_layer.errors import CooldownStore

        self.store = CooldownStore(rate, per)

    async def __call__(self, user_id: int) -> float | None:
        return self.store.hit(user_id)


class _SharedCooldown:
    """The limit counted in PostgreSQL across every process; this process's memory decides
    while the database can't answer (a warning says so, at most every ten minutes)."""

    def __init__(self, store: PostgresStore, rate: int, per: float) -> None:
        self.store = store
        self.rate = rate
        self.per = per
        self.fallback = _MemoryCooldown(rate, per)
        self._warned_at: float | None = None

    async def __call__(self, user_id: int) -> float | None:
        try:
            return await self.store.cooldown_hit(user_id, self.rate, self.per)
        except Exception as exc:  # the database, in any of its ways of failing
            now = time.monotonic()
            if self._warned_at is None or now - self._warned_at > _FALLBACK_WARN_INTERVAL:
                self._warned_at = now
                log.warning(
                    "shared cooldown unavailable (%s); counting in this process meanwhile",
                    type(exc).__name__,
                )
            return await self.fallback(user_id)


class Shared:
    """The usage log, the cooldown and the reload broadcast for one process."""

    def __init__(self, settings: Settings, holder: KnowledgeHolder) -> None:
        self.settings = settings
        self.holder = holder
        url = None if settings.database_url is None else settings.database_url.get_secret_value()
        self.postgres: PostgresStore | None = None
        self.listener: ReloadListener | None = None
        if url is not None:
            self.postgres = PostgresStore(url, retention_days=settings.retention_days)
            self.usage: UsageLog = self.postgres
            self.answers: AnswerLog = self.postgres
            self.cooldown: CooldownCheck = _SharedCooldown(
                self.postgres, settings.cooldown_rate, settings.cooldown_per_seconds
            )
            self.listener = ReloadListener(url, self._reload_announced)
        else:
            store = UsageStore(settings.database_path, retention_days=settings.retention_days)
            self.usage = self.answers = store
            self.cooldown = _MemoryCooldown(settings.cooldown_rate, settings.cooldown_per_seconds)

    def start(self) -> None:
        """Start writing usage and, with PostgreSQL, listening for reloads (on the loop)."""
        self.usage.start()
        if self.listener is not None:
            self.listener.start()

    async def close(self, timeout: float = 2.0) -> None:
        if self.listener is not None:
            await self.listener.close()
        await self.usage.close(timeout=timeout)

    async def reloaded(self) -> None:
        """This process reloaded its knowledge: tell the others (nothing to do alone)."""
        if self.postgres is not None and self.listener is not None:
            await self.postgres.announce_reload(self.listener.origin)

    async def _reload_announced(self, origin: str) -> None:
        # Each process validates what it reads itself; a broken copy here keeps the old one.
        outcome = await asyncio.to_thread(self.holder.reload_report)
        log_reload(outcome, self.holder.path, f"a reload in another dk2 process ({origin})")

    async def database_problem(self) -> str | None:
        """None when the database answers (or SQLite will be created); else why not."""
        if self.postgres is not None:
            return await self.postgres.check()
        return None


def shared_state(settings: Settings, holder: KnowledgeHolder) -> Shared:
    return Shared(settings, holder)
