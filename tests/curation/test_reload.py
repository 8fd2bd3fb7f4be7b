"""/dk2-admin reload: a valid change goes live at once; an invalid one is refused, file and line
named, while the old knowledge keeps answering; requests during reloads never see a mix."""

from __future__ import annotations

import asyncio
import random
import shutil
from pathlib import Path

import pytest

from bot.core.curation import reload_reply
from bot.core.holder import KnowledgeHolder, Reload
from bot.core.loader import LoadResult, Problem
from bot.discord_layer.embeds import reply_embed
from tests.curation.helpers import MGP_SHORT_START, Curation, copy_knowledge, edit
from tests.discord_layer.helpers import embed_text, knowledge

NEW_SHORT_START = "MGP is a protein that vitamin K2 switches on."


async def test_a_valid_change_is_picked_up_and_about_shows_the_new_version(
    curation: Curation,
) -> None:
    before = curation.holder.current
    assert MGP_SHORT_START in await curation.text("explain", {"term": "mgp"})
    edit(curation.knowledge / "topics" / "mgp.yaml", MGP_SHORT_START, NEW_SHORT_START)

    message = await curation.run("reload", user=curation.manager)

    assert message.ephemeral
    text = embed_text(message)
    after = curation.holder.current
    assert after is not before and after.version != before.version
    assert "Knowledge reloaded" in text
    assert f"`{after.version}`" in text and f"{len(after.topics)} topics" in text
    assert "Changed: `mgp`" in text and "Topics added: none" in text
    explained = await curation.text("explain", {"term": "mgp"})
    assert NEW_SHORT_START in explained and MGP_SHORT_START not in explained
    about = await curation.text("about")
    loaded = after.loaded_at.strftime("%Y-%m-%d %H:%M UTC")
    assert f"{after.version} (loaded {loaded}" in about
    assert before.version not in about


async def test_added_and_removed_topics_are_named(curation: Curation) -> None:
    topics = curation.knowledge / "topics"
    text = (topics / "mgp.yaml").read_text(encoding="utf-8")
    # A copy of mgp under a new id (its aliases must stay unique, so it gets none).
    copy = text.replace("id: mgp", "id: mgp-copy").replace(
        "aliases: [matrix gla protein, matrix gla, mgp protein]", "aliases: []"
    )
    (topics / "mgp-copy.yaml").write_text(copy, encoding="utf-8")
    text = await curation.text("reload", user=curation.manager)
    assert "Topics added: `mgp-copy`" in text, text
    (topics / "mgp-copy.yaml").unlink()
    text = await curation.text("reload", user=curation.manager)
    assert "Removed: `mgp-copy`" in text, text


# Each kind of invalid change: the edit, and what the moderator must be told (file:line).
INVALID = {
    "bad YAML": (
        "topics/mgp.yaml",
        "group: How calcium is handled",
        "group: [How calcium is handled",
        "topics/mgp.yaml:5: invalid YAML",
    ),
    "failed quote": (
        "topics/mgp.yaml",
        '"Without adequate vitamin K2, these proteins remain inactive."',
        '"Vitamin K2 turns calcium into gold."',
        "topics/mgp.yaml:23: quote not found verbatim in article.md",
    ),
    "band gap": (
        "bands/dose.yaml",
        'range: "[1000, 2000]"',
        'range: "[1200, 2000]"',
        "bands/dose.yaml:14: gap between 'low' (0, 1000) and 'typical' [1200, 2000]",
    ),
    "unknown related id": (
        "topics/mgp.yaml",
        "related: [vitamin-k2, osteocalcin, cardiovascular]",
        "related: [vitamin-k2, osteocalcin, flux-capacitor]",
        "topics/mgp.yaml:24: related topic 'flux-capacitor' of 'mgp' does not exist",
    ),
}


@pytest.mark.parametrize("kind", list(INVALID))
async def test_an_invalid_change_is_refused_with_file_and_line_and_nothing_is_lost(
    curation: Curation, kind: str
) -> None:
    file, old, new, expected = INVALID[kind]
    before = curation.holder.current
    # Change a topic's answer too, so we can see that none of the new files went live.
    edit(curation.knowledge / "topics" / "mgp.yaml", MGP_SHORT_START, NEW_SHORT_START)
    edit(curation.knowledge / file, old, new)

    message = await curation.run("reload", user=curation.manager)

    assert message.ephemeral
    text = embed_text(message)
    assert "Knowledge not reloaded" in text
    assert expected in text, text
    assert f"version `{before.version}`" in text
    assert str(curation.knowledge) not in text  # paths are relative to the knowledge folder
    assert curation.holder.current is before
    explained = await curation.text("explain", {"term": "mgp"})
    assert MGP_SHORT_START in explained and NEW_SHORT_START not in explained
    assert before.version in await curation.text("about")
    # Fixed, the same folder reloads.
    edit(curation.knowledge / file, new, old)
    assert "Knowledge reloaded" in await curation.text("reload", user=curation.manager)
    assert NEW_SHORT_START in await curation.text("explain", {"term": "mgp"})


async def test_many_problems_are_listed_within_discords_limits(curation: Curation) -> None:
    paths = sorted((curation.knowledge / "topics").glob("*.yaml"))
    for path in paths:
        edit(path, "group:", "group: [")
    message = await curation.run("reload", user=curation.manager)
    (embed,) = message.embeds
    assert len(embed["description"]) <= 4096
    assert embed["description"].count("invalid YAML") == len(paths)


def test_problems_beyond_the_room_are_counted(tmp_path: Path) -> None:
    kb = knowledge()
    problems = tuple(
        Problem(tmp_path / "topics" / f"t{i}.yaml", i, "quote not found verbatim " + "x" * 80)
        for i in range(200)
    )
    outcome = Reload(kb, LoadResult(None, problems))
    reply = reload_reply(kb.messages, outcome, tmp_path)
    assert not reply.ok and len(reply.body) <= 4096
    assert "topics/t0.yaml:0: quote not found" in reply.body
    shown = reply.body.count("• ")
    assert 10 < shown < 200
    assert reply.body.endswith(f"… and {200 - shown} more.")
    assert len(reply_embed(reply).description or "") == len(reply.body)


# -- consistency under concurrent reloads --------------------------------------------------

VERSION_MARKS = ("alpha", "beta")


def write_version(root: Path, mark: str, originals: dict[Path, str]) -> None:
    """Version `mark`: mgp's short answer and the disclaimer both carry the mark."""
    mgp, messages = root / "topics" / "mgp.yaml", root / "messages.yaml"
    mgp.write_text(
        originals[mgp].replace(MGP_SHORT_START, f"Version {mark}: {MGP_SHORT_START}"),
        encoding="utf-8",
    )
    messages.write_text(
        originals[messages].replace(
            "dk2 is informational, not medical advice.",
            f"dk2 is informational, not medical advice ({mark}).",
        ),
        encoding="utf-8",
    )


def marks_in(text: str) -> set[str]:
    return {mark for mark in VERSION_MARKS if f"Version {mark}:" in text or f"({mark})" in text}


async def test_requests_during_reloads_each_see_one_whole_version(curation: Curation) -> None:
    root = curation.knowledge
    originals = {path: path.read_text(encoding="utf-8") for path in root.rglob("*.yaml")}
    write_version(root, "alpha", originals)
    assert "Knowledge reloaded" in await curation.text("reload", user=curation.manager)
    stop = asyncio.Event()
    reloads = 0

    async def reloader() -> None:
        nonlocal reloads
        # Files change only between reloads (a curator saves, then reloads), so every load
        # reads one version; the swap is what the requests race against.
        while not stop.is_set():
            write_version(root, VERSION_MARKS[(reloads + 1) % 2], originals)
            assert "Knowledge reloaded" in await curation.text("reload", user=curation.manager)
            reloads += 1

    async def ask(index: int) -> set[str]:
        await asyncio.sleep(random.random() * 0.5)
        if index % 2:
            text = await curation.text("explain", {"term": "mgp"})
            expected = 2  # the answer and the disclaimer
        else:
            text = await curation.text("dose", {"amount": "5000"})
            expected = 1  # the disclaimer
        marks = marks_in(text)
        assert len(marks) == 1, f"request {index} saw {marks or 'no version'}:\n{text}"
        (mark,) = marks
        assert text.count(mark) == expected, text
        return marks

    task = asyncio.create_task(reloader())
    try:
        seen = await asyncio.gather(*(ask(i) for i in range(200)))
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert reloads >= 2
    assert set().union(*seen) == set(VERSION_MARKS)  # both versions were really served


def test_reload_keeps_the_holder_when_the_folder_is_gone(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path)
    holder = KnowledgeHolder(root, knowledge())
    before = holder.current
    shutil.rmtree(root)
    outcome = holder.reload_report()
    assert not outcome.ok and holder.current is before
    assert "knowledge folder not found" in str(outcome.result.problems[0])
