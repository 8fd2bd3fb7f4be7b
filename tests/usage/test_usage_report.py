"""The `/dk2-admin stats` reply built from a usage summary."""

from __future__ import annotations

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.reply import render_text, to_json_dict
from bot.usage import UsageSummary, stats_reply
from bot.usage.report import FIELD_LIMIT

MESSAGES = load_knowledge(default_knowledge_path()).knowledge.messages  # type: ignore[union-attr]

SECTION_NAMES = ["Top topics", "Dose bands", "K2 bands", "Level bands", "Unanswered terms"]


def test_no_data_yet_is_said_plainly() -> None:
    reply = stats_reply(UsageSummary(days=7, guild_id=123), 7, MESSAGES)
    assert reply.ok
    assert reply.command == "stats"
    assert "No usage recorded in the last 7 days in this server yet." in reply.body
    assert reply.sections == ()


def test_a_summary_becomes_five_short_sections() -> None:
    summary = UsageSummary(
        days=30,
        guild_id=None,
        total_answered=5,
        total_unanswered=2,
        commands=(("explain", 4), ("dose", 3)),
        top_topics=(("mgp", 3),),
        dose_bands=(("moderate", 2),),
        k2_bands=(("typical", 2),),
        unanswered_terms=(("what is mk-7", 2),),
    )
    reply = stats_reply(summary, 30, MESSAGES)

    assert [section.name for section in reply.sections] == SECTION_NAMES
    values = {section.name: section.value for section in reply.sections}
    assert values["Top topics"] == "mgp — 3"
    assert values["Level bands"] == "None."
    assert values["Unanswered terms"] == '"what is mk-7" — 2'
    assert "7 request(s) in the last 30 days across all servers" in reply.body
    assert "5 answered, 2 without an answer" in reply.body
    text = render_text(reply)
    assert "-- Dose bands --\nmoderate — 2" in text
    assert to_json_dict(reply)["top_topics"] == {"mgp": 3}


def test_long_lists_stay_within_discord_limits() -> None:
    terms = tuple((f"{index:02d} " + "long question " * 20, 50 - index) for index in range(25))
    summary = UsageSummary(
        days=7,
        guild_id=1,
        total_unanswered=sum(count for _, count in terms),
        unanswered_terms=terms,
        top_topics=tuple((f"topic-{index}", 1) for index in range(25)),
    )
    reply = stats_reply(summary, 7, MESSAGES)

    for section in reply.sections:
        assert len(section.value) <= FIELD_LIMIT
        assert len(section.value.splitlines()) <= 10
    values = {section.name: section.value for section in reply.sections}
    assert values["Unanswered terms"].startswith('"00 long question')
    assert values["Unanswered terms"].endswith("more")
    assert values["Top topics"].splitlines()[0] == "topic-0 — 1"


def test_an_unreadable_log_is_reported_not_raised() -> None:
    summary = UsageSummary(days=7, guild_id=None, error="can't read the log: disk I/O error")
    reply = stats_reply(summary, 7, MESSAGES)
    assert reply.ok
    assert "can't be read right now" in reply.body
    assert "disk I/O error" in reply.body
    assert reply.sections == ()


def test_unanswered_terms_are_shown_to_moderators_escaped() -> None:
    summary = UsageSummary(
        days=7,
        guild_id=None,
        total_unanswered=2,
        commands=(("explain", 2),),
        unanswered_terms=(("**free** [pills](https://evil.example)", 1), ("@everyone hi", 1)),
    )
    values = {s.name: s.value for s in stats_reply(summary, 7, MESSAGES).sections}
    terms = values["Unanswered terms"]
    assert r"\*\*free\*\* \[pills\]" in terms and r"\@everyone" in terms
    assert "**free**" not in terms and "[pills](" not in terms
