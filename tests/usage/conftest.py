"""Fixtures for the usage log tests: real SQLite files in tmp_path and a clock we control."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from usage_helpers import FakeClock, StoreFactory

from bot.usage import UsageStore


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "usage.sqlite3"


@pytest.fixture
async def make_store(clock: FakeClock) -> AsyncIterator[StoreFactory]:
    """Build started stores with short timeouts; every one is closed after the test."""
    stores: list[UsageStore] = []

    def make(path: Path, **options: Any) -> UsageStore:
        settings: dict[str, Any] = {
            "busy_timeout_ms": 200,
            "reopen_interval": 0.05,
            "clock": clock,
        }
        settings.update(options)
        store = UsageStore(path, **settings)
        store.start()
        stores.append(store)
        return store

    yield make
    for store in stores:
        await store.close()
