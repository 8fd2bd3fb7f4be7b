"""The event loop a dk2 process runs on: uvloop where it is installed, else asyncio's own.

uvloop (libuv underneath, the loop and its sockets in C) does the same work as asyncio's loop
with less CPU per request: on this machine it took about 10 µs off each interaction the HTTP
endpoint answers (bench/bench_scaling.py). It is a dependency everywhere uvloop builds (not on
Windows); where it is missing, asyncio's loop runs the very same code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["loop_factory", "run"]

_T = TypeVar("_T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop constructor when it is installed; None (asyncio's default) otherwise."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, _T]) -> _T:
    """`asyncio.run(main)`, on uvloop when it is installed."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
