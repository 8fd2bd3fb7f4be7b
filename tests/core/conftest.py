"""Fixtures for the core tests: the real knowledge base, and copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import KnowledgeBase

KNOWLEDGE = default_knowledge_path()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    result = load_knowledge(KNOWLEDGE)
    assert result.knowledge is not None, "\n".join(map(str, result.problems))
    return result.knowledge


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the real knowledge base, for tests that break one thing."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target
