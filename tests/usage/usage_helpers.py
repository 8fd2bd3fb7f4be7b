"""Helpers shared by the usage log tests (a module name unique across tests/)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.usage import UsageStore

DAY = 86_400
T0 = 1_700_000_000.0  # a fixed "now" (2023-11-14 UTC)


class FakeClock:
    """Seconds since the epoch, moved only by the test."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


StoreFactory = Callable[..., UsageStore]
"""`make_store(path, **options)`: a started store, closed after the test."""


def usage_warnings(caplog: pytest.LogCaptureFixture, kind: str) -> list[logging.LogRecord]:
    """The 'usage log unavailable' warnings logged for one kind of failure."""
    return [
        record
        for record in caplog.records
        if record.levelno == logging.WARNING
        and record.name == "bot.usage.store"
        and record.getMessage().startswith(f"Usage log unavailable ({kind}")
    ]


def rows(path: Path, sql: str = "SELECT * FROM events ORDER BY id") -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()
