"""The event loop dk2's processes run on (bot/eventloop.py)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot import eventloop


async def _loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop is not a dependency on Windows")
def test_run_uses_uvloop_where_it_is_installed() -> None:
    assert eventloop.run(_loop_module()).startswith("uvloop")


def test_run_falls_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop now raises ImportError
    assert eventloop.loop_factory() is None
    assert eventloop.run(_loop_module()).startswith("asyncio")


def test_run_returns_the_result_and_raises_the_error() -> None:
    async def fails() -> None:
        raise ValueError("from the coroutine")

    assert eventloop.run(asyncio.sleep(0, result=42)) == 42
    with pytest.raises(ValueError, match="from the coroutine"):
        eventloop.run(fails())
