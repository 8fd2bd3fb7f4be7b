"""A burst of answers asking for the same gauge nobody has drawn yet draws it once."""

from __future__ import annotations

import asyncio
import threading
from decimal import Decimal

import pytest

from bot.core.model import KnowledgeBase
from bot.core.reply import Picture
from bot.discord_layer import pictures
from bot.pictures import gauge


async def test_answers_waiting_for_the_same_new_gauge_share_one_drawing(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[Decimal] = []
    release = threading.Event()
    real_render = gauge.render

    def counted_render(*args: object) -> bytes:
        drawn.append(args[1])  # type: ignore[arg-type]
        release.wait(5)  # every answer asks while this one is still drawing
        return real_render(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(gauge, "render", counted_render)
    # A value no other test draws, so no earlier drawing is kept.
    wanted = Picture("dose", Decimal("4321.5"), "4,321.5 IU/day", "a gauge")
    waiting = [asyncio.create_task(pictures.picture_png(kb, wanted)) for _ in range(20)]
    await asyncio.sleep(0.05)
    release.set()
    results = await asyncio.gather(*waiting)

    assert drawn == [Decimal("4321.5")]
    assert all(data is not None and data.startswith(b"\x89PNG") for data in results)
    assert len({id(data) for data in results}) == 1
    assert pictures._DRAWING == {}  # nothing left behind once drawn


async def test_one_answer_given_up_leaves_the_drawing_to_the_others(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_render = gauge.render

    def slow_render(*args: object) -> bytes:
        release.wait(5)
        return real_render(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(gauge, "render", slow_render)
    wanted = Picture("level", Decimal("37.25"), "37.25 ng/mL", "a gauge")
    first = asyncio.create_task(pictures.picture_png(kb, wanted))
    second = asyncio.create_task(pictures.picture_png(kb, wanted))
    await asyncio.sleep(0.05)
    first.cancel()
    release.set()

    data = await second
    assert first.cancelled()
    assert data is not None and data.startswith(b"\x89PNG")
