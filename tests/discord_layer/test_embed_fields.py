"""What a member reads in an embed, part by part, for replies built here by hand: the title,
the description (body, then the gauge), one field per section in order, "(cont.)" fields,
the footer (the source line, then the disclaimer), the colour and the picture; and how a reply too big for
Discord is shortened, with small limits so every edge can be reached."""

from __future__ import annotations

from decimal import Decimal

import discord
import pytest

from bot.core.reply import Picture, Reply, Section, SourceRef
from bot.discord_layer.embeds import (
    CONTINUED,
    DEFAULT_COLOUR,
    ERROR_COLOUR,
    SHORTENED_NAME,
    SHORTENED_VALUE,
    SOURCES_NAME,
    Limits,
    error_embed,
    limit_problems,
    paged_embeds,
    reply_embed,
    split_text,
    truncate,
)


def source(label: str | None) -> SourceRef:
    return SourceRef(id="s", title="T", section=None, citation=None, label=label)


def reply(**changes: object) -> Reply:
    base: dict[str, object] = {
        "command": "dose",
        "ok": True,
        "title": "5,000 IU: above the UL",
        "body": "5,000 IU/day (125 µg/day)",
        "sections": (Section("Vitamin K2", "advice"), Section("Cautions", "care")),
        "gauge": "low · ▶ high ◀",
        "sources": (source("IOM 2011"), source(None), source("NIH ODS")),
        "disclaimer": "not medical advice",
        "colour": 0x123456,
    }
    base.update(changes)
    return Reply(**base)  # type: ignore[arg-type]


def fields(embed: discord.Embed) -> list[tuple[str | None, str | None]]:
    return [(field.name, field.value) for field in embed.fields]


def test_every_part_of_a_reply_lands_in_its_place() -> None:
    picture = Picture("dose", Decimal(5000), "5,000 IU/day", "a gauge")
    embed = reply_embed(reply(picture=picture))
    assert embed.title == "5,000 IU: above the UL"
    assert embed.description == "5,000 IU/day (125 µg/day)\nlow · ▶ high ◀"
    assert fields(embed) == [("Vitamin K2", "advice"), ("Cautions", "care")]
    assert all(not field.inline for field in embed.fields)
    # The unlabelled source (named beside a line already) is left out of the source line.
    assert embed.footer.text == f"{SOURCES_NAME}: IOM 2011; NIH ODS\nnot medical advice"
    assert embed.colour == discord.Colour(0x123456)
    assert embed.image.url == "attachment://gauge.png"


def test_missing_parts_leave_nothing_behind() -> None:
    embed = reply_embed(reply(gauge=None, sources=(source(None),), disclaimer=None, colour=None))
    assert embed.description == "5,000 IU/day (125 µg/day)"
    assert [name for name, _ in fields(embed)] == ["Vitamin K2", "Cautions"]
    assert embed.footer.text is None
    assert embed.colour == discord.Colour(DEFAULT_COLOUR)
    assert embed.image.url is None
    only_gauge = reply_embed(reply(body="  "))
    assert only_gauge.description == "low · ▶ high ◀"


def test_blank_section_names_and_source_labels_never_make_blank_fields() -> None:
    embed = reply_embed(reply(sections=(Section("  ", "text"),), sources=(source("  "),)))
    assert fields(embed) == [("-", "text")]


def test_an_error_reply_is_a_red_embed_with_its_message() -> None:
    failed = Reply(command="dose", ok=False, title="Can't read that", body="b", error="`amount`: x")
    for embed in (reply_embed(failed), paged_embeds(failed)[0]):
        assert (embed.title, embed.description) == ("Can't read that", "`amount`: x")
        assert embed.colour == discord.Colour(ERROR_COLOUR)
    no_error = Reply(command="dose", ok=False, title="T", body="the body")
    assert reply_embed(no_error).description == "the body"
    assert error_embed("  ", "  ").title is None
    assert reply_embed(failed).footer.text is None


def test_an_error_that_places_amounts_keeps_its_disclaimer_in_the_footer() -> None:
    """A range across two bands says where each end sits: the disclaimer stays with it."""
    failed = Reply(
        command="dose", ok=False, title="T", body="b", error="x", disclaimer="not medical advice"
    )
    for embed in (reply_embed(failed), paged_embeds(failed)[0]):
        assert embed.footer.text == "not medical advice"


def test_a_long_section_continues_over_fields_named_as_continued() -> None:
    lines = "\n".join(f"line {n:02d}" for n in range(10))  # ten lines of 7 characters
    embed = reply_embed(reply(sections=(Section("Long", lines),)), Limits(field_value=30))
    assert fields(embed)[:4] == [
        ("Long", "line 00\nline 01\nline 02"),
        (f"Long{CONTINUED}", "line 03\nline 04\nline 05"),
        (f"Long{CONTINUED}", "line 06\nline 07\nline 08"),
        (f"Long{CONTINUED}", "line 09"),
    ]


def test_a_continued_name_is_cut_to_leave_room_for_continued() -> None:
    embed = reply_embed(
        reply(sections=(Section("N" * 20, "a\nb"),)), Limits(field_name=12, field_value=1)
    )
    assert fields(embed)[:2] == [("N" * 11 + "…", "a"), ("NNN…" + CONTINUED, "b")]


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("abcdef", 6, "abcdef"),
        ("abcdef", 5, "abcd…"),
        ("ab cdef", 4, "ab…"),  # the space before the cut goes
        ("abcdef", 1, "…"),
        ("abcdef", 0, ""),
        ("abcdef", -3, ""),
    ],
)
def test_truncate_cuts_with_an_ellipsis_only_when_it_must(text: str, limit: int, cut: str) -> None:
    assert truncate(text, limit) == cut


@pytest.mark.parametrize(
    ("text", "limit", "chunks"),
    [
        ("one\ntwo\nthree", 7, ["one\ntwo", "three"]),
        ("one\ntwo\nthree", 8, ["one\ntwo", "three"]),
        ("one\ntwo", 7, ["one\ntwo"]),
        ("aaaa bbbb cccc", 9, ["aaaa bbbb", "cccc"]),
        ("aaaa bbbb cccc", 10, ["aaaa bbbb", "cccc"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # no space: cut hard
        # A long line is cut at its last space in the second half of the limit, else hard.
        ("abcd efghijk", 8, ["abcd", "efghijk"]),
        ("abc defghijk", 8, ["abc defg", "hijk"]),
        ("abcdefgh ijk", 8, ["abcdefgh", "ijk"]),
        ("abcde fg hijklmn", 8, ["abcde fg", "hijklmn"]),
        ("\n\n  \n", 5, ["-"]),
        ("x\n\n\ny", 5, ["x\n\n\ny"]),
    ],
)
def test_split_text_breaks_at_lines_then_spaces(text: str, limit: int, chunks: list[str]) -> None:
    assert split_text(text, limit) == chunks


def test_split_text_needs_room_for_a_character() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        split_text("x", 0)
    assert split_text("x", 1) == ["x"]


def test_a_reply_over_the_total_loses_its_last_sections_first_and_says_so() -> None:
    sections = tuple(Section(f"S{n}", "v" * 40) for n in range(5))
    full = reply(sections=sections, sources=(source("SRC"),), gauge=None)
    footer = f"{SOURCES_NAME}: SRC\n{full.disclaimer}"
    fixed = len(full.title) + len(footer)
    body = len(full.body)
    note = len(SHORTENED_NAME) + len(SHORTENED_VALUE)
    # Room for exactly two sections and the note.
    total = fixed + body + 2 * 42 + note
    embed = reply_embed(full, Limits(total=total))
    assert fields(embed) == [
        ("S0", "v" * 40),
        ("S1", "v" * 40),
        (SHORTENED_NAME, SHORTENED_VALUE),
    ]
    assert embed.footer.text == footer
    assert len(embed) == total
    one_less = reply_embed(full, Limits(total=total - 1))
    assert [name for name, _ in fields(one_less)] == ["S0", SHORTENED_NAME]
    assert one_less.footer.text == footer
    everything = fixed + body + 5 * 42
    assert [name for name, _ in fields(reply_embed(full, Limits(total=everything)))] == [
        "S0",
        "S1",
        "S2",
        "S3",
        "S4",
    ]
    assert SHORTENED_NAME in [n for n, _ in fields(reply_embed(full, Limits(total=everything - 1)))]


def test_too_many_fields_keep_room_for_the_note_and_the_footer_keeps_the_sources() -> None:
    sections = tuple(Section(f"S{n}", "v") for n in range(6))
    embed = reply_embed(reply(sections=sections), Limits(fields=5))
    assert [name for name, _ in fields(embed)] == ["S0", "S1", "S2", "S3", SHORTENED_NAME]
    assert (embed.footer.text or "").startswith(f"{SOURCES_NAME}: IOM 2011; NIH ODS\n")
    fits = reply_embed(reply(sections=sections[:5]), Limits(fields=5))
    assert [name for name, _ in fields(fits)] == ["S0", "S1", "S2", "S3", "S4"]


def test_when_even_no_sections_do_not_fit_the_body_gives_way() -> None:
    full = reply(body="b" * 500, sections=(Section("S", "v"),), gauge=None, sources=())
    title, footer = len(full.title), len(full.disclaimer or "")
    note = len(SHORTENED_NAME) + len(SHORTENED_VALUE)
    total = title + footer + note + 100
    embed = reply_embed(full, Limits(total=total))
    assert embed.description == "b" * 99 + "…"
    assert fields(embed) == [(SHORTENED_NAME, SHORTENED_VALUE)]
    assert len(embed) == total
    tiny = reply_embed(full, Limits(total=title + footer + note))
    assert tiny.description is None and embed.title == full.title


def test_paged_embeds_spread_sections_and_number_the_titles() -> None:
    sections = tuple(Section(f"S{n}", "v" * 100) for n in range(6))
    full = reply(sections=sections, sources=(source("SRC"),))
    pages = paged_embeds(full, Limits(fields=3))
    assert [embed.title for embed in pages] == [
        full.title,
        f"{full.title} (2/3)",
        f"{full.title} (3/3)",
    ]
    assert [[name for name, _ in fields(page)] for page in pages] == [
        ["S0", "S1"],
        ["S2", "S3"],
        ["S4", "S5"],
    ]
    assert pages[0].description == f"{full.body}\n{full.gauge}"
    assert all(page.description is None for page in pages[1:])
    # The disclaimer on every page, the source line before it on the last.
    assert all(page.footer.text == full.disclaimer for page in pages[:-1])
    assert pages[-1].footer.text == f"{SOURCES_NAME}: SRC\n{full.disclaimer}"
    assert limit_problems(pages[:1]) == []


def test_paged_embeds_budget_each_page_for_the_footer_with_the_sources() -> None:
    sections = (Section("S0", "v" * 300), Section("S1", "v" * 300))
    full = reply(sections=sections, sources=(source("L" * 400),))
    pages = paged_embeds(full, Limits(total=1200))
    assert [[name for name, _ in fields(page)] for page in pages] == [["S0"], ["S1"]]
    assert limit_problems(pages[-1:], Limits(total=1200)) == []
    assert (pages[-1].footer.text or "").startswith(f"{SOURCES_NAME}: LLL")
    short = paged_embeds(reply(sections=sections), Limits(total=1200))
    assert [[name for name, _ in fields(page)] for page in short] == [["S0", "S1"]]


def test_a_source_line_too_long_for_the_footer_is_shortened_never_the_disclaimer() -> None:
    embed = reply_embed(reply(sources=(source("L" * 300),)), Limits(footer=100))
    text = embed.footer.text or ""
    assert len(text) == 100 and text.endswith("…\nnot medical advice")
    assert text.startswith(f"{SOURCES_NAME}: LLL")
    # A disclaimer that leaves no room for a source line keeps the footer to itself.
    crowded = reply_embed(reply(disclaimer="d" * 98), Limits(footer=100))
    assert crowded.footer.text == "d" * 98


def test_limit_problems_name_each_broken_limit() -> None:
    embed = discord.Embed(title="t" * 257, description="d")
    embed.add_field(name=" ", value="v")
    embed.add_field(name="n", value="x" * 1025)
    assert limit_problems([embed]) == [
        "embed 0 field 0 is empty",
        "embed 0 title: 257 (limit 256)",
        "embed 0 field 1 value: 1025 (limit 1024)",
    ]
    many = [discord.Embed(title="t") for _ in range(11)]
    assert limit_problems(many) == ["11 embeds in one message (limit 10)"]
    big = [discord.Embed(description="d" * 4000), discord.Embed(description="d" * 2001)]
    assert limit_problems(big) == ["total 6001 characters (limit 6000)"]
    assert limit_problems([discord.Embed(description="d" * 4000)]) == []


@pytest.mark.parametrize(
    ("text", "limit", "chunks"),
    [
        ("abcd ab c", 4, ["abcd", "ab c"]),  # what is left fits exactly: not cut again
        ("a bcdef", 3, ["a", "bcd", "ef"]),  # a space at half the limit is a place to cut
        ("ab  cdef", 4, ["ab", "cdef"]),  # the spaces at the cut go
    ],
)
def test_split_text_cuts_only_where_it_must(text: str, limit: int, chunks: list[str]) -> None:
    assert split_text(text, limit) == chunks


def test_split_text_says_why_it_refuses_a_limit() -> None:
    with pytest.raises(ValueError) as caught:
        split_text("x", 0)
    assert str(caught.value) == "limit must be at least 1"


@pytest.mark.parametrize(
    ("description", "shown"),
    [
        (17, "b" * 9 + "…\n" + "g" * 5),  # the body cut to leave room for a line break
        (7, "g" * 5),  # no room for any body: the gauge alone
        (8, "…\n" + "g" * 5),
    ],
)
def test_the_gauge_always_fits_under_the_body(description: int, shown: str) -> None:
    embed = reply_embed(
        reply(body="b" * 12, gauge="g" * 5, sections=()), Limits(description=description)
    )
    assert embed.description == shown


def test_fields_are_never_inline() -> None:
    embed = reply_embed(reply())
    assert [field.inline for field in embed.fields] == [False, False]


def test_without_sources_every_field_is_a_section() -> None:
    sections = tuple(Section(f"S{n}", "v") for n in range(5))
    embed = reply_embed(reply(sections=sections, sources=()), Limits(fields=5))
    assert [name for name, _ in fields(embed)] == ["S0", "S1", "S2", "S3", "S4"]


def test_without_a_disclaimer_the_total_counts_no_footer() -> None:
    sections = tuple(Section(f"S{n}", "v" * 40) for n in range(3))
    full = reply(sections=sections, sources=(), gauge=None, disclaimer=None)
    total = len(full.title) + len(full.body) + 3 * 42
    assert [name for name, _ in fields(reply_embed(full, Limits(total=total)))] == [
        "S0",
        "S1",
        "S2",
    ]


def test_one_character_of_room_leaves_an_ellipsis_for_the_body() -> None:
    full = reply(body="b" * 500, sections=(Section("S", "v"),), gauge=None, sources=())
    note = len(SHORTENED_NAME) + len(SHORTENED_VALUE)
    total = len(full.title) + len(full.disclaimer or "") + note + 1
    assert reply_embed(full, Limits(total=total)).description == "…"


def test_paged_embeds_keep_the_colour_title_room_and_picture_on_the_first_page() -> None:
    picture = Picture("dose", Decimal(5000), "5,000 IU/day", "a gauge")
    sections = tuple(Section(f"S{n}", "v") for n in range(4))
    full = reply(title="T" * 30, sections=sections, picture=picture)
    pages = paged_embeds(full, Limits(fields=3, title=20))
    assert [page.title for page in pages] == ["T" * 11 + "…", "T" * 11 + "… (2/2)"]
    assert all(page.colour == discord.Colour(0x123456) for page in pages)
    assert pages[0].image.url == "attachment://gauge.png" and pages[1].image.url is None
    plain = paged_embeds(reply(colour=None, sections=()))
    assert plain[0].colour == discord.Colour(DEFAULT_COLOUR)


def test_paged_embeds_give_the_body_at_most_half_the_total() -> None:
    pages = paged_embeds(reply(body="b" * 800, gauge=None, sections=()), Limits(total=1000))
    assert pages[0].description == "b" * 499 + "…"


def test_limit_problems_name_every_kind_of_limit() -> None:
    embed = discord.Embed(title="t", description="d" * 4097)
    embed.set_footer(text="f" * 2049)
    embed.set_author(name="a" * 257)
    for _ in range(26):
        embed.add_field(name="n", value="v")
    assert limit_problems([embed], Limits(total=100_000)) == [
        "embed 0 description: 4097 (limit 4096)",
        "embed 0 fields: 26 (limit 25)",
        "embed 0 footer: 2049 (limit 2048)",
        "embed 0 author: 257 (limit 256)",
    ]
    blank = discord.Embed(title="t")
    blank.add_field(name="n", value="")
    blank.add_field(name="", value="v")
    assert limit_problems([blank]) == ["embed 0 field 0 is empty", "embed 0 field 1 is empty"]
    assert limit_problems([discord.Embed(title="t") for _ in range(10)]) == []
    exact = [discord.Embed(description="d" * 4000), discord.Embed(description="d" * 2000)]
    assert limit_problems(exact) == []
