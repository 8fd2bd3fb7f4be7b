"""Fixtures for the picture tests: the real knowledge base, and copies to change."""

from __future__ import annotations

from tests.core.conftest import kb, knowledge_copy

__all__ = ["kb", "knowledge_copy"]
