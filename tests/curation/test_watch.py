"""`watch_knowledge`: a saved change is reloaded by itself, by the same rules as /dk2-admin reload."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.holder import KnowledgeHolder, Reload
from bot.core.loader import default_knowledge_path
from bot.core.watch import snapshot, watch_knowledge
from tests.curation.helpers import MGP_SHORT_START, copy_knowledge, edit, running_curation
from tests.discord_layer.helpers import knowledge
from tests.fakediscord.fixtures import require_spec

INTERVAL = 0.05
TIMEOUT = 5.0


async def wait_for(outcomes: list[Reload], count: int) -> None:
    async with asyncio.timeout(TIMEOUT):
        while len(outcomes) < count:
            await asyncio.sleep(INTERVAL / 2)


async def test_a_saved_change_is_reloaded_once_and_an_invalid_one_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.core.watch")
    root = copy_knowledge(tmp_path)
    holder = KnowledgeHolder(root, knowledge())
    outcomes: list[Reload] = []
    task = asyncio.create_task(
        watch_knowledge(holder, interval=INTERVAL, on_reload=outcomes.append)
    )
    try:
        await asyncio.sleep(INTERVAL * 3)  # the watcher has its first look
        mgp = root / "topics" / "mgp.yaml"
        edit(mgp, MGP_SHORT_START, "MGP, saved in an editor.")
        edit(mgp, "title: Matrix Gla protein (MGP)", "title: MGP")  # a second save
        await wait_for(outcomes, 1)
        assert outcomes[0].ok and outcomes[0].changed == ("mgp",)
        assert holder.current.topics["mgp"].title == "MGP"
        assert any("knowledge reloaded" in r.getMessage() for r in caplog.records)

        good = holder.current
        edit(mgp, "related: [vitamin-k2,", "related: [no-such-topic,")
        await wait_for(outcomes, 2)
        assert not outcomes[1].ok and holder.current is good
        (warning,) = [
            r for r in caplog.records if r.levelno == logging.WARNING and r.name == "bot.core.watch"
        ]
        assert "NOT reloaded" in warning.getMessage()
        assert "topics/mgp.yaml:24: related topic 'no-such-topic'" in warning.getMessage()
        await asyncio.sleep(INTERVAL * 4)
        assert len(outcomes) == 2  # an unchanged folder is not reloaded again
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_snapshot_sees_content_and_new_files_but_not_editor_droppings(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: 1")
    first = snapshot(tmp_path)
    (tmp_path / ".a.yaml.swp").write_text("swap")
    assert snapshot(tmp_path) == first
    (tmp_path / "b.yaml").write_text("b: 1")
    assert set(snapshot(tmp_path)) == {"a.yaml", "b.yaml"}


async def test_the_bot_watches_when_configured_and_stops_cleanly(tmp_path: Path) -> None:
    require_spec()
    settings = Settings(knowledge_path=default_knowledge_path(), watch_knowledge=True)
    async with running_curation(tmp_path, settings=settings) as curation:
        watcher = curation.dk2.bot._watcher
        assert watcher is not None and not watcher.done()
    assert watcher.done()
    assert curation.dk2.bot._watcher is None
