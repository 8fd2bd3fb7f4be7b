"""The live knowledge base, swapped whole so a request sees the old one or the new one.

A request reads `holder.current` once and uses that object throughout; a reload builds and
validates a complete new KnowledgeBase first and then replaces the reference in one
assignment. Nothing is ever mutated in place, so no request can see a mix.
"""

from __future__ import annotations

import threading
from pathlib import Path

from bot.core.loader import LoadResult, load_knowledge
from bot.core.model import KnowledgeBase


class KnowledgeHolder:
    def __init__(self, path: Path, knowledge: KnowledgeBase) -> None:
        self.path = path
        self._current = knowledge
        self._reload_lock = threading.Lock()

    @property
    def current(self) -> KnowledgeBase:
        return self._current

    def reload(self) -> LoadResult:
        """Load and validate `path`; swap it in only when it is valid. Returns the result."""
        with self._reload_lock:
            result = load_knowledge(self.path)
            if result.knowledge is not None:
                self._current = result.knowledge
            return result
