"""Answers already built, kept for the next member who asks the same thing.

Members keep asking the same few questions (that is why dk2 exists), and a reply, its embeds
and explain's suggestions depend only on the knowledge base and what was typed. Building them
runs on the event loop and takes from tens of microseconds (a level) to a third of a
millisecond (a free-text explain, an autocomplete search); a hit is a dictionary lookup.

A cache belongs to one knowledge base: when `/dk2-admin reload` (or the watcher) swaps in another,
the next lookup starts afresh, so an answer never outlives the knowledge it came from.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from bot.core.model import KnowledgeBase

__all__ = ["KnowledgeCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class KnowledgeCache(Generic[K, V]):
    """At most `size` values built from one knowledge base, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a cache needs room for at least one value")
        self.size = size
        self._kb: KnowledgeBase | None = None
        self._values: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, kb: KnowledgeBase, key: K, build: Callable[[], V]) -> V:
        """The value for `key` under `kb`: the kept one, or `build()` (then kept)."""
        if kb is not self._kb:
            self._kb = kb
            self._values.clear()
        try:
            value = self._values[key]
        except KeyError:
            value = build()
            self._values[key] = value
            if len(self._values) > self.size:
                self._values.popitem(last=False)
            return value
        self._values.move_to_end(key)
        return value
