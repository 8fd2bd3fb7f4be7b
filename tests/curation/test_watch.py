"""`watch_knowledge`: a saved change is reloaded by itself, by the same rules as /dk2-admin reload."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.holder import KnowledgeHolder, Reload
from bot.core.loader import default_knowledge_path
from bot.core.watch import log_reload, snapshot, watch_knowledge
from tests.curation.helpers import MGP_SHORT_START, copy_knowledge, edit, running_curation
from tests.discord_layer.helpers import knowledge
from tests.fakediscord.fixtures import require_spec

INTERVAL = 0.05
# Only a bound against a hang: a reload builds the search index (about 2-3 s on the 2-core
# machine dk2 is developed on, longer while it is busy), and a test must not fail on time.
TIMEOUT = 60.0


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
        assert any(
            r.getMessage().startswith("knowledge changed: knowledge reloaded, version ")
            for r in caplog.records
        )

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


def _log_lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.levelno == level and r.name == "bot.core.watch"
    ]


def test_a_reload_is_logged_with_its_version_topics_and_changes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.core.watch")
    root = copy_knowledge(tmp_path)
    before = knowledge()
    holder = KnowledgeHolder(root, before)
    topics = root / "topics"
    mgp = (topics / "mgp.yaml").read_text(encoding="utf-8")
    copy = mgp.replace("id: mgp", "id: mgp-copy").replace(
        "aliases: [matrix gla protein, matrix gla, mgp protein, mgp]", "aliases: []"
    )
    (topics / "mgp-copy.yaml").write_text(copy, encoding="utf-8")
    (topics / "mgp-copy2.yaml").write_text(copy.replace("mgp-copy", "mgp-copy2"), encoding="utf-8")
    edit(topics / "mgp.yaml", "title: Matrix Gla protein (MGP)", "title: MGP")
    edit(topics / "osteocalcin.yaml", "title: ", "title: Bone protein, ")
    outcome = holder.reload_report()
    log_reload(outcome, root, "a test")
    after = outcome.current
    assert _log_lines(caplog, logging.INFO) == [
        f"a test: knowledge reloaded, version {after.version}, {len(before.topics) + 2} topics"
        " (added mgp-copy, mgp-copy2; removed none; changed mgp, osteocalcin)"
    ]
    caplog.clear()
    (topics / "mgp-copy.yaml").unlink()
    (topics / "mgp-copy2.yaml").unlink()
    log_reload(holder.reload_report(), root, "again")
    (info,) = _log_lines(caplog, logging.INFO)
    assert info.endswith(
        f" {len(before.topics)} topics (added none; removed mgp-copy, mgp-copy2; changed none)"
    )


def test_a_refused_reload_is_logged_with_every_problem_and_the_version_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.core.watch")
    root = copy_knowledge(tmp_path)
    holder = KnowledgeHolder(root, knowledge())
    mgp = root / "topics" / "mgp.yaml"
    edit(mgp, "group:", "groop:")  # a broken shape: the rules across files wait for a fix
    outcome = holder.reload_report()
    log_reload(outcome, root, "knowledge changed")
    assert _log_lines(caplog, logging.INFO) == []
    (warning,) = _log_lines(caplog, logging.WARNING)
    lead, *problems = warning.split("\n  ")
    assert lead == (
        f"knowledge changed: knowledge in {root} NOT reloaded, 2 problem(s);"
        f" still answering from version {knowledge().version}:"
    )
    assert problems == [
        "topics/mgp.yaml:2: missing required key 'group'",
        "topics/mgp.yaml:4: unknown key 'groop'; did you mean 'group'? (allowed: aliases,"
        " cautions, examples, group, id, keywords, long, related, short, source, title)",
    ]
    assert holder.current is knowledge()


async def _watching(
    holder: KnowledgeHolder, outcomes: list[Reload] | None = None
) -> asyncio.Task[None]:
    on_reload = outcomes.append if outcomes is not None else None
    task = asyncio.create_task(watch_knowledge(holder, interval=INTERVAL, on_reload=on_reload))
    await asyncio.sleep(INTERVAL * 3)  # the watcher has its first look
    return task


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_watch_says_what_it_watches_and_needs_no_listener(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.core.watch")
    root = copy_knowledge(tmp_path)
    holder = KnowledgeHolder(root, knowledge())
    task = await _watching(holder)
    try:
        assert _log_lines(caplog, logging.INFO) == [f"watching {root} for changes every 0.1 s"]
        edit(root / "topics" / "mgp.yaml", "title: Matrix Gla protein (MGP)", "title: MGP")
        async with asyncio.timeout(TIMEOUT):
            while holder.current.topics["mgp"].title != "MGP":
                await asyncio.sleep(INTERVAL / 2)
        assert not task.done()
    finally:
        await _stop(task)


async def test_a_file_still_being_written_is_reloaded_once_it_settles(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path)
    holder = KnowledgeHolder(root, knowledge())
    outcomes: list[Reload] = []
    task = await _watching(holder, outcomes)
    mgp = root / "topics" / "mgp.yaml"
    title = "title: Matrix Gla protein (MGP)"
    try:
        for count in range(1, 13):  # saved again and again, faster than the watch polls
            edit(mgp, title, "title: MGP" + "!" * count)
            title = "title: MGP" + "!" * count
            await asyncio.sleep(INTERVAL / 5)
        assert outcomes == []
        await wait_for(outcomes, 1)
        # The one reload read the last save, not one on the way.
        assert outcomes[0].current.topics["mgp"].title == "MGP" + "!" * 12
        await asyncio.sleep(INTERVAL * 4)
        assert len(outcomes) == 1
    finally:
        await _stop(task)


async def test_a_vanished_folder_is_refused_and_its_return_reloaded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.core.watch")
    root = copy_knowledge(tmp_path)
    good = knowledge()
    holder = KnowledgeHolder(root, good)
    outcomes: list[Reload] = []
    task = await _watching(holder, outcomes)
    try:
        away = root.rename(tmp_path / "away")
        await wait_for(outcomes, 1)
        assert not outcomes[0].ok and holder.current is good
        (warning,) = _log_lines(caplog, logging.WARNING)
        assert warning.startswith(f"knowledge changed: knowledge in {root} NOT reloaded, 1 problem")
        assert warning.endswith(":0: knowledge folder not found")
        away.rename(root)
        await wait_for(outcomes, 2)
        assert outcomes[1].ok and not task.done()
    finally:
        await _stop(task)


class _FailingOnce(KnowledgeHolder):
    """A holder whose first reload hits a bug in the loader (an exception, not a problem)."""

    failed = False

    def reload_report(self) -> Reload:
        if not self.failed:
            self.failed = True
            raise RuntimeError("a loader bug")
        return super().reload_report()


async def test_a_loader_bug_is_logged_and_the_watch_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.core.watch")
    root = copy_knowledge(tmp_path)
    holder = _FailingOnce(root, knowledge())
    outcomes: list[Reload] = []
    task = await _watching(holder, outcomes)
    try:
        mgp = root / "topics" / "mgp.yaml"
        edit(mgp, "title: Matrix Gla protein (MGP)", "title: MGP")
        async with asyncio.timeout(TIMEOUT):
            while not holder.failed:
                await asyncio.sleep(INTERVAL / 2)
        (failed,) = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert failed.getMessage() == f"reloading {root} after a change failed"
        assert failed.exc_info is not None and str(failed.exc_info[1]) == "a loader bug"
        assert outcomes == [] and not task.done()
        edit(mgp, "title: MGP", "title: MGP, again")
        await wait_for(outcomes, 1)
        assert holder.current.topics["mgp"].title == "MGP, again"
    finally:
        await _stop(task)


def test_snapshot_holds_each_files_time_and_size_by_relative_path(tmp_path: Path) -> None:
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "mgp.yaml").write_text("id: mgp\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref")
    stat = (tmp_path / "topics" / "mgp.yaml").stat()
    assert snapshot(tmp_path) == {
        os.path.join("topics", "mgp.yaml"): (stat.st_mtime_ns, 8),
    }
    (tmp_path / "topics" / ".hidden").mkdir()
    (tmp_path / "topics" / ".hidden" / "x.yaml").write_text("x")
    assert list(snapshot(tmp_path)) == [os.path.join("topics", "mgp.yaml")]


def test_a_file_that_vanishes_while_listed_leaves_the_rest(tmp_path: Path) -> None:
    for index in range(20):
        (tmp_path / f"topic-{index:02d}.yaml").write_text("id: x\n")
    # A link to nothing (as an editor's lock file can be) can't be stat'ed, like a file
    # deleted between listing and stat: it is left out, and nothing else is.
    (tmp_path / "lock.yaml").symlink_to(tmp_path / "nowhere")
    assert sorted(snapshot(tmp_path)) == [f"topic-{index:02d}.yaml" for index in range(20)]
