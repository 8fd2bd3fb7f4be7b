"""The answer cache: kept per knowledge base, least recently used dropped first."""

from __future__ import annotations

import dataclasses

import pytest

from bot.discord_layer.cache import KnowledgeCache
from tests.discord_layer.helpers import knowledge


def test_a_value_is_built_once_and_then_kept() -> None:
    kb = knowledge()
    cache: KnowledgeCache[str, list[str]] = KnowledgeCache(4)
    built: list[str] = []

    def build(key: str) -> list[str]:
        built.append(key)
        return [key]

    first = cache.get(kb, "mgp", lambda: build("mgp"))
    assert cache.get(kb, "mgp", lambda: build("mgp")) is first
    assert built == ["mgp"]


def test_the_least_recently_used_value_goes_first() -> None:
    kb = knowledge()
    cache: KnowledgeCache[int, int] = KnowledgeCache(2)
    cache.get(kb, 1, lambda: 1)
    cache.get(kb, 2, lambda: 2)
    cache.get(kb, 1, lambda: -1)  # 1 is used again, so 2 is now the oldest
    cache.get(kb, 3, lambda: 3)
    assert len(cache) == 2
    assert cache.get(kb, 1, lambda: -1) == 1
    assert cache.get(kb, 2, lambda: -2) == -2  # rebuilt


def test_another_knowledge_base_starts_afresh() -> None:
    kb = knowledge()
    reloaded = dataclasses.replace(kb)  # what /dk2-admin reload swaps in: a different object
    cache: KnowledgeCache[str, str] = KnowledgeCache(8)
    assert cache.get(kb, "about", lambda: "old") == "old"
    assert cache.get(reloaded, "about", lambda: "new") == "new"
    assert len(cache) == 1


def test_a_cache_needs_room() -> None:
    with pytest.raises(ValueError):
        KnowledgeCache(0)
