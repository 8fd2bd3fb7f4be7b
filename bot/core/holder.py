"""The live knowledge base, swapped whole so a request sees the old one or the new one.

A request reads `holder.current` once and uses that object throughout; a reload builds and
validates a complete new KnowledgeBase first and then replaces the reference in one
assignment. Nothing is ever mutated in place, so no request can see a mix.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from bot.core.loader import LoadResult, Problem, load_knowledge
from bot.core.model import KnowledgeBase
from bot.core.search import index_for


@dataclass(frozen=True, slots=True)
class Reload:
    """What one reload did: the knowledge base it replaced (or kept) and the load's result."""

    previous: KnowledgeBase
    result: LoadResult

    @property
    def ok(self) -> bool:
        return self.result.knowledge is not None

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base live after this reload (the previous one when it failed)."""
        return self.result.knowledge or self.previous

    @property
    def added(self) -> tuple[str, ...]:
        """Topic ids the new knowledge base has and the previous one didn't."""
        return tuple(sorted(set(self.current.topics) - set(self.previous.topics)))

    @property
    def removed(self) -> tuple[str, ...]:
        """Topic ids the previous knowledge base had and the new one doesn't."""
        return tuple(sorted(set(self.previous.topics) - set(self.current.topics)))

    @property
    def changed(self) -> tuple[str, ...]:
        """Topic ids in both whose content differs."""
        old, new = self.previous.topics, self.current.topics
        return tuple(sorted(i for i in set(old) & set(new) if old[i] != new[i]))


def problem_lines(problems: tuple[Problem, ...], root: Path) -> list[str]:
    """Each problem as `file:line: message`, the file relative to the knowledge folder."""
    lines = []
    for problem in problems:
        try:
            where = problem.path.relative_to(root).as_posix()
        except ValueError:
            where = str(problem.path)
        lines.append(f"{where}:{problem.line}: {problem.message}")
    return lines


class KnowledgeHolder:
    def __init__(self, path: Path, knowledge: KnowledgeBase) -> None:
        self.path = path
        index_for(knowledge)  # the search index (and its model) are built before any question
        self._current = knowledge
        self._reload_lock = threading.Lock()

    @property
    def current(self) -> KnowledgeBase:
        return self._current

    def reload(self) -> LoadResult:
        """Load and validate `path`; swap it in only when it is valid. Returns the result."""
        return self.reload_report().result

    def reload_report(self) -> Reload:
        """`reload`, also naming the knowledge base it replaced. Blocks (run it off the loop).

        Reloads are serialised, so `previous` is exactly the one this reload replaced.
        """
        with self._reload_lock:
            previous = self._current
            result = load_knowledge(self.path)
            if result.knowledge is not None:
                index_for(result.knowledge)  # built here, off the loop, before the swap
                self._current = result.knowledge
            return Reload(previous, result)
