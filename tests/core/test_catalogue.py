"""/dk2 topics, /dk2 about and /dk2 help as a member reads them: the rendered text, in order."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from bot.core.catalogue import HELP_COMMANDS, about_reply, help_reply, topics_reply
from bot.core.commands import Request, run
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text

BLUE = 0x3498DB  # the colour of dk2's informational replies (explain, topics, about, help)


def test_topics_are_listed_by_group_then_title_with_their_ids(kb: KnowledgeBase) -> None:
    reply = topics_reply(kb)
    assert reply.ok and reply.command == "topics" and reply.colour == BLUE
    assert reply.title == "What dk2 can explain"
    # Groups in alphabetical order, as knowledge/topics/*.yaml names them.
    assert [s.name for s in reply.sections] == [
        "Basics",
        "Health effects",
        "How calcium is handled",
        "Reference figures",
        "Safety",
        "Taking them",
    ]
    basics = reply.sections[0].value
    # Within a group, by title (summary.yaml's "The article in brief" before "Vitamin D").
    assert basics == (
        "`summary`: The article in brief\n`vitamin-d`: Vitamin D\n`vitamin-k2`: Vitamin K2"
    )
    calcium = reply.sections[2].value.splitlines()
    assert calcium == [
        "`mgp`: Matrix Gla protein (MGP)",
        "`osteocalcin`: Osteocalcin",
        "`synergy`: Why D and K2 together",
    ]
    listed = [line for s in reply.sections for line in s.value.splitlines()]
    assert len(listed) == len(kb.topics) == 25
    assert reply.data == {"topics": sorted(kb.topics)}
    assert reply.data["topics"][:2] == ["bone-health", "cardiovascular"]


def test_the_topics_footer_gives_a_real_topic_as_the_example(kb: KnowledgeBase) -> None:
    reply = topics_reply(kb)
    # The first topic file (bone-health.yaml) is the example; it is a topic explain answers.
    assert reply.body == "Type `/dk2 explain <topic>`, for example `/dk2 explain bone-health`."
    assert run(kb, Request("explain", {"term": "bone-health"})).data["topic"] == "bone-health"
    text = render_text(reply)
    assert text.startswith("== What dk2 can explain ==\nType `/dk2 explain <topic>`")
    assert (
        "\n-- Safety --\n`children`: Children and infants\n"
        "`cautions`: Conditions and medicines to check first\n"
    ) in text


def test_about_names_every_source_and_the_loaded_version(kb: KnowledgeBase) -> None:
    loaded = datetime(2026, 1, 2, 3, 4, 59, tzinfo=UTC)
    reply = about_reply(dataclasses.replace(kb, version="v-test", loaded_at=loaded))
    assert reply.ok and reply.command == "about" and reply.colour == BLUE
    assert reply.title == "About dk2"
    assert reply.body.startswith("dk2 answers common questions about vitamin D and vitamin K2")
    assert reply.disclaimer == "dk2 is informational, not medical advice."
    assert [s.name for s in reply.sections] == ["Commands", "Sources", "Knowledge base version"]
    commands, sources, version = (s.value for s in reply.sections)
    assert commands.startswith("`/dk2 dose 5000` (a daily vitamin D3 dose")
    assert "`/dk2 topics` (everything dk2 can explain)." in commands
    # Seconds are left out; the time is UTC and says so.
    assert version == "v-test (loaded 2026-01-02 03:04 UTC; 25 topics)"
    lines = sources.split("\n")
    assert len(lines) == len(kb.sources)
    assert lines[0] == (
        '• the source article: "Vitamin D and Vitamin K2: Are They Better Together?", '
        "forum post by eazy (knowledge/article.md)"
    )
    assert lines[1].startswith("• IOM 2011: Institute of Medicine, Dietary Reference Intakes")
    assert reply.data == {"version": "v-test", "loaded_at": "2026-01-02T03:04:59+00:00"}
    text = render_text(reply)
    assert text.endswith("\n\ndk2 is informational, not medical advice.")
    assert "-- Knowledge base version --\nv-test (loaded 2026-01-02 03:04 UTC; 25 topics)" in text


def test_help_lists_every_command_with_an_example_then_the_moderators(kb: KnowledgeBase) -> None:
    reply = help_reply(kb)
    assert reply.ok and reply.command == "help" and reply.colour == BLUE
    assert reply.title == "How to ask dk2"
    assert reply.body.startswith("Type `/dk2` and a command.")
    assert [s.name for s in reply.sections] == ["Commands", "For moderators"]
    lines = reply.sections[0].value.split("\n")
    assert [line.split("`")[1].split()[1] for line in lines] == list(HELP_COMMANDS)
    assert list(HELP_COMMANDS) == ["dose", "level", "explain", "topics", "about", "help"]
    assert lines[0] == (
        "• `/dk2 dose 5000 IU k2:100`: where a daily vitamin D3 dose (and a K2 amount) sits; "
        "weekly or monthly doses work too (`/dk2 dose 50000 IU weekly`)."
    )
    assert lines[-1] == "• `/dk2 help`: this list."
    assert reply.sections[1].value.startswith("`/dk2-admin reload` loads edited knowledge")
    assert reply.data == {"commands": list(HELP_COMMANDS)}
