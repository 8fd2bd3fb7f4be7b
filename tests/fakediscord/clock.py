"""The fake's notion of time, which tests can move forward without sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable


class FakeClock:
    """Monotonic seconds plus an offset that tests control.

    Deadlines the fake enforces (the 3-second first response, the 15-minute interaction token)
    are measured with this clock, so ``clock.advance(4)`` makes an interaction "late" at once.
    """

    def __init__(self, source: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._offset = 0.0

    def now(self) -> float:
        """Current time in seconds (only differences are meaningful)."""
        return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        """Jump ``seconds`` into the future."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
