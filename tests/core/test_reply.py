"""The plain-text rendering of a reply (console and `reply`), line by line, and the JSON
object built on it: a reply made here by hand, so every part is known."""

from __future__ import annotations

from bot.core.reply import Reply, Section, SourceRef, error_reply, render_text, to_json_dict


def source(label: str | None, ident: str = "s") -> SourceRef:
    return SourceRef(id=ident, title="T", section=None, citation=None, label=label)


FULL = Reply(
    command="dose",
    ok=True,
    title="5,000 IU: above the UL",
    body="Check your input: a hint\n5,000 IU/day (125 µg/day)",
    sections=(Section("Vitamin K2", "advice\nmore advice"), Section("Cautions", "care")),
    gauge="low · ▶ high ◀",
    sources=(source("IOM 2011", "iom"), source(None, "art"), source("NIH ODS", "nih")),
    disclaimer="dk2 is informational, not medical advice.",
    data={"daily_iu": 5000.0, "band": "high"},
)


def test_every_part_of_a_reply_is_rendered_in_order_with_blank_lines_between() -> None:
    assert render_text(FULL).split("\n") == [
        "== 5,000 IU: above the UL ==",
        "Check your input: a hint",
        "5,000 IU/day (125 µg/day)",
        "",
        "low · ▶ high ◀",
        "",
        "-- Vitamin K2 --",
        "advice",
        "more advice",
        "",
        "-- Cautions --",
        "care",
        "",
        "Sources: IOM 2011; NIH ODS",
        "",
        "dk2 is informational, not medical advice.",
    ]


def test_parts_a_reply_lacks_leave_no_blank_lines() -> None:
    bare = Reply(command="x", ok=True, title="T", body="")
    assert render_text(bare) == "== T =="
    only_body = Reply(command="x", ok=True, title="T", body="b", disclaimer="d")
    assert render_text(only_body) == "== T ==\nb\n\nd"


def test_sources_without_labels_make_no_sources_line() -> None:
    unlabelled = Reply(command="x", ok=True, title="T", body="b", sources=(source(None),))
    assert unlabelled.source_line is None
    assert "Sources" not in render_text(unlabelled)
    one = Reply(command="x", ok=True, title="T", body="b", sources=(source("A"),))
    assert one.source_line == "Sources: A"


def test_an_error_reply_is_its_message_and_nothing_else() -> None:
    reply = error_reply("level", "`value`: type a number")
    assert reply.command == "level"
    assert (reply.ok, reply.title, reply.body, reply.error) == (
        False,
        "Can't read that",
        "`value`: type a number",
        "`value`: type a number",
    )
    assert render_text(reply) == "== Can't read that ==\n`value`: type a number"
    assert error_reply("x", "m", title="Oops").title == "Oops"


def test_json_has_the_contract_fields_then_the_data() -> None:
    out = to_json_dict(FULL)
    assert list(out)[:4] == ["command", "ok", "title", "text"]
    assert out["text"] == render_text(FULL)
    assert (out["command"], out["ok"], out["title"]) == ("dose", True, FULL.title)
    assert out["daily_iu"] == 5000.0 and out["band"] == "high"
    assert "error" not in out
    failed = to_json_dict(error_reply("dose", "bad"))
    assert failed["error"] == "bad" and failed["ok"] is False
