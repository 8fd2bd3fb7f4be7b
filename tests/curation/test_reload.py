"""/dk2-admin reload: a valid change goes live at once; an invalid one is refused, file and line
named, while the old knowledge keeps answering; requests during reloads never see a mix."""

from __future__ import annotations

import asyncio
import logging
import random
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.curation import fit_lines, pins_reply, reload_now, reload_reply
from bot.core.explain import INFO_COLOUR
from bot.core.holder import KnowledgeHolder, Reload
from bot.core.loader import LoadResult, Problem
from bot.core.model import KnowledgeBase
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
        "aliases: [matrix gla protein, matrix gla, mgp protein, mgp]", "aliases: []"
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
    # The lead and the list share the room: 3,500 characters and the blank line between.
    assert 3500 - 130 < len(reply.body) <= 3502  # a line is about 125 characters
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
    seen: list[set[str]] = []
    try:
        # Batches of requests until at least two reloads landed among them: a reload builds
        # the search index and trains its classifier anew (half a second, longer on a busy
        # machine). Bounded: at most 2,000 requests or 60 s.
        deadline = asyncio.get_running_loop().time() + 60
        while len(seen) < 2000 and asyncio.get_running_loop().time() < deadline:
            seen += await asyncio.gather(*(ask(len(seen) + i) for i in range(50)))
            if reloads >= 2 and len(seen) >= 200:
                break
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


# -- the reply's pieces, on the real messages ------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        (9, ["aa", "bb", "cc"]),  # each line and its newline: exactly the budget
        (8, ["aa", "+2"]),  # "bb" would fit, but then not the note for "cc"
        (6, ["aa", "+2"]),
        (5, ["+3"]),
    ],
)
def test_fit_lines_keeps_what_fits_and_counts_the_rest(budget: int, expected: list[str]) -> None:
    assert fit_lines(["aa", "bb", "cc"], budget, "+{count}") == expected


def test_fit_lines_room_for_the_note_is_counted_with_its_own_number() -> None:
    lines = ["x" * 5] * 12
    # Eleven lines and "+1" take 11 * 6 + 3 = 69; at 68 the tenth line is the last to fit
    # with its note ("+2", 3 with the newline): 10 * 6 + 3 = 63 <= 68, 11 * 6 + 3 > 68.
    assert fit_lines(lines, 68, "+{count}") == ["x" * 5] * 10 + ["+2"]
    assert fit_lines(lines, 69, "+{count}") == ["x" * 5] * 11 + ["+1"]
    assert fit_lines(lines, 72, "+{count}") == lines
    assert fit_lines([], 0, "+{count}") == []


def _grown(kb: KnowledgeBase, count: int) -> KnowledgeBase:
    """`kb` with `count` more topics (copies of mgp under long ids), loaded later."""
    extra = {f"topic-with-a-long-id-{i:04d}": kb.topics["mgp"] for i in range(count)}
    return replace(
        kb,
        topics={**kb.topics, **extra},
        version="0123456789ab",
        loaded_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def test_a_reload_reply_names_version_time_count_and_each_change(tmp_path: Path) -> None:
    kb = knowledge()
    new = _grown(kb, 2)
    reply = reload_reply(kb.messages, Reload(kb, LoadResult(new, ())), tmp_path)
    assert reply.ok and reply.command == "reload" and reply.title == "Knowledge reloaded"
    assert reply.colour == INFO_COLOUR
    assert reply.body == (
        f"Version `0123456789ab` is live (loaded 2026-01-02 03:04:05 UTC), with"
        f" {len(kb.topics) + 2} topics.\n\nTopics added: `topic-with-a-long-id-0000`,"
        " `topic-with-a-long-id-0001`. Removed: none. Changed: none."
    )
    assert reply.data == {
        "reloaded": True,
        "version": "0123456789ab",
        "previous_version": kb.version,
        "topics": len(kb.topics) + 2,
        "added": ["topic-with-a-long-id-0000", "topic-with-a-long-id-0001"],
        "removed": [],
        "changed": [],
    }


def _removed_text(kb: KnowledgeBase, ids: list[str], tmp_path: Path) -> str:
    """The changes section of the reply after a reload that removed topics `ids`."""
    before = replace(kb, topics={**kb.topics, **dict.fromkeys(ids, kb.topics["mgp"])})
    reply = reload_reply(kb.messages, Reload(before, LoadResult(kb, ())), tmp_path)
    assert reply.data["removed"] == sorted(ids)  # the data keeps them all
    return reply.body.split("\n\n", 1)[1]


def test_a_long_list_of_changes_is_cut_to_fit_a_message(tmp_path: Path) -> None:
    kb = knowledge()
    ids = [f"topic-with-a-long-id-{i:04d}" for i in range(101)]  # 27 characters in backticks
    # "Topics added: none. Removed: " (29) + 101 ids and their ", " (2,927)
    # + ". Changed: none." (16) is 2,972; a last id 28 longer makes exactly 3,000.
    exact = [*ids[:-1], ids[-1] + "x" * 28]
    text = _removed_text(kb, exact, tmp_path)
    assert len(text) == 3000 and text.endswith("x`. Changed: none.")
    text = _removed_text(kb, [*ids[:-1], ids[-1] + "x" * 29], tmp_path)
    assert len(text) == 3000 and text.endswith("x`. Changed: non…")  # one over: cut
    text = _removed_text(kb, [*ids, "z" * 900], tmp_path)  # under 4,000 before the cut
    assert len(text) == 3000 and text.endswith("…")
    assert text.startswith("Topics added: none. Removed: `topic-with-a-long-id-0000`, ")


def test_a_refused_reload_reply_leads_with_the_count_and_lists_every_problem(
    tmp_path: Path,
) -> None:
    kb = knowledge()
    problems = (
        Problem(tmp_path / "topics" / "mgp.yaml", 2, "missing required key 'group'"),
        Problem(tmp_path / "bands" / "dose.yaml", 14, "gap between 'low' and 'typical'"),
    )
    reply = reload_reply(kb.messages, Reload(kb, LoadResult(None, problems)), tmp_path)
    assert not reply.ok and reply.title == "Knowledge not reloaded"
    assert reply.body == (
        "2 problem(s) in the knowledge folder, so nothing was swapped in: dk2 keeps answering"
        f" from version `{kb.version}`. Fix these, check with `python -m bot check`, then"
        " reload again.\n\n"
        "• topics/mgp.yaml:2: missing required key 'group'\n"
        "• bands/dose.yaml:14: gap between 'low' and 'typical'"
    )
    assert reply.error == reply.body and reply.command == "reload" and reply.ok is False
    assert reply.data == {
        "reloaded": False,
        "problems": [
            "topics/mgp.yaml:2: missing required key 'group'",
            "bands/dose.yaml:14: gap between 'low' and 'typical'",
        ],
        "version": kb.version,
    }


def test_pins_are_listed_as_safe_links_with_a_title_each() -> None:
    messages = knowledge().messages
    long = "Vitamin D " * 15
    pins = [
        ("42 ng/mL: [in range]\nsecond line", "https://discord.com/channels/1/2/3"),
        ("  ", "https://discord.com/channels/1/2/4"),
        (long, "https://discord.com/channels/1/2/5"),
        ("x" * 100, "https://discord.com/channels/1/2/6"),
        ("y" * 101, "https://discord.com/channels/1/2/7"),
        ("a" * 98 + " then more words", "https://discord.com/channels/1/2/8"),
    ]
    reply = pins_reply(messages, pins)
    assert reply.ok and reply.command == "pins" and reply.colour == INFO_COLOUR
    assert reply.title == "dk2 answers pinned in this channel"
    assert reply.body.split("\n") == [
        "• [42 ng/mL: (in range) second line](https://discord.com/channels/1/2/3)",
        "• [a dk2 answer](https://discord.com/channels/1/2/4)",
        f"• [{long[:99].rstrip()}…](https://discord.com/channels/1/2/5)",
        f"• [{'x' * 100}](https://discord.com/channels/1/2/6)",
        f"• [{'y' * 99}…](https://discord.com/channels/1/2/7)",
        f"• [{'a' * 98}…](https://discord.com/channels/1/2/8)",
    ]
    assert reply.data == {"pins": [{"title": title, "url": url} for title, url in pins]}


def test_no_pins_and_too_many_pins() -> None:
    messages = knowledge().messages
    none = pins_reply(messages, [])
    assert none.ok and none.body == messages.get("pins.none") and none.data == {"pins": []}
    many = [(f"Answer {i}", f"https://discord.com/channels/1/2/{i}") for i in range(200)]
    body = pins_reply(messages, many).body
    assert len(body) <= 3500
    shown = body.count("• [")
    assert 50 < shown < 200 and body.endswith(f"\n… and {200 - shown} more.")


async def test_a_moderators_reload_tells_other_processes_only_when_it_took(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    root = copy_knowledge(tmp_path)
    holder = KnowledgeHolder(root, knowledge())
    told: list[str] = []

    async def tell() -> None:
        told.append(holder.current.version)

    edit(root / "topics" / "mgp.yaml", MGP_SHORT_START, NEW_SHORT_START)
    reply = await reload_now(holder, "/dk2-admin reload by ana", tell)
    assert reply.ok and told == [holder.current.version] != [knowledge().version]
    assert any(
        r.getMessage().startswith("/dk2-admin reload by ana: knowledge reloaded")
        for r in caplog.records
    )
    edit(root / "topics" / "mgp.yaml", "group:", "groop:")
    reply = await reload_now(holder, "/dk2-admin reload by ana", tell)
    assert not reply.ok and len(told) == 1
    assert "• topics/mgp.yaml:4: unknown key 'groop'" in reply.body


async def test_a_failure_to_tell_other_processes_is_logged_and_the_reload_stands(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = copy_knowledge(tmp_path)
    holder = KnowledgeHolder(root, knowledge())

    async def broken() -> None:
        raise ConnectionError("the database is away")

    edit(root / "topics" / "mgp.yaml", MGP_SHORT_START, NEW_SHORT_START)
    reply = await reload_now(holder, "manager", broken)
    assert reply.ok and holder.current.topics["mgp"].short.startswith(NEW_SHORT_START)
    (failed,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failed.getMessage() == "telling other dk2 processes about the reload failed"
    assert reply.body.startswith(f"Version `{holder.current.version}` is live")
    edit(root / "topics" / "mgp.yaml", NEW_SHORT_START, MGP_SHORT_START)
    assert (await reload_now(holder, "manager", None)).ok
