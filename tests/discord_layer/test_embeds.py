"""Every reply dk2 can give fits Discord's embed limits, and shows what the console shows."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.catalogue import topics_reply
from bot.core.commands import Request, reply_for_text, run
from bot.core.model import Band, BandTable, KnowledgeBase
from bot.core.reply import Reply, Section, SourceRef, render_text
from bot.discord_layer.embeds import (
    CONTINUED,
    ERROR_COLOUR,
    LIMITS,
    SOURCES_NAME,
    limit_problems,
    paged_embeds,
    reply_embed,
    split_text,
    truncate,
)
from tests.discord_layer.helpers import knowledge


def inside(table: BandTable, band: Band) -> Decimal:
    """A value well inside a band (its midpoint, within the table's domain)."""
    low = band.range.low if band.range.low is not None else table.domain.low or Decimal(0)
    high = band.range.high if band.range.high is not None else table.domain.high
    if high is None:
        high = max(low * 2, low + 10)
    return (low + high) / 2


def band_replies(kb: KnowledgeBase) -> list[tuple[str, Reply]]:
    replies = []
    for band in kb.bands["dose"].bands:
        value = inside(kb.bands["dose"], band)
        replies.append((f"dose {band.id}", run(kb, Request("dose", {"amount": f"{value} IU"}))))
    for band in kb.bands["k2"].bands:
        value = inside(kb.bands["k2"], band)
        options = {"amount": "2000", "k2": f"{value} mcg"}
        replies.append((f"k2 {band.id}", run(kb, Request("dose", options))))
    for band in kb.bands["level"].bands:
        value = inside(kb.bands["level"], band)
        replies.append((f"level {band.id}", run(kb, Request("level", {"value": f"{value}"}))))
    return replies


ERROR_LINES = [
    "/dk2 dose",
    "/dk2 dose lots",
    "/dk2 dose -5",
    "/dk2 dose 0",
    "/dk2 dose 5000 furlongs",
    "/dk2 dose 1e400",
    "/dk2 dose 5,00,0",
    "/dk2 dose 99999999999 IU",
    "/dk2 dose 5000 k2:lots",
    "/dk2 level",
    "/dk2 level abc",
    "/dk2 level 42 mg/dL",
    "/dk2 level 99999",
    "/dk2 explain",
    "/dk2 explain " + "x" * 5000,
    "/dk2 dose " + "9" * 5000,
]


def all_sample_replies() -> list[tuple[str, Reply]]:
    kb = knowledge()
    samples = band_replies(kb)
    samples += [(f"topic {tid}", run(kb, Request("explain", {"term": tid}))) for tid in kb.topics]
    samples += [(line[:40], reply_for_text(kb, line)[0]) for line in ERROR_LINES]
    samples += [
        ("not found", run(kb, Request("explain", {"term": "zzqx"}))),
        ("suggestions", run(kb, Request("explain", {"term": "vitamin arteries bone"}))),
        ("topics", run(kb, Request("topics"))),
        ("about", run(kb, Request("about"))),
    ]
    return samples


SAMPLES = all_sample_replies()


def test_samples_cover_every_band_topic_and_error() -> None:
    kb = knowledge()
    bands = {(label.split()[0], reply.data.get("band")) for label, reply in SAMPLES}
    for kind in ("dose", "level"):
        assert {(kind, band.id) for band in kb.bands[kind].bands} <= bands
    k2_bands = {r.data.get("k2_band") for label, r in SAMPLES if label.startswith("k2")}
    assert k2_bands == {band.id for band in kb.bands["k2"].bands}
    assert sum(not reply.ok for _, reply in SAMPLES) == len(ERROR_LINES)


@pytest.mark.parametrize(("label", "reply"), SAMPLES, ids=[label for label, _ in SAMPLES])
def test_every_sample_reply_fits_discords_limits(label: str, reply: Reply) -> None:
    embed = reply_embed(reply)
    assert limit_problems([embed]) == []
    for page in paged_embeds(reply):
        assert limit_problems([page]) == []
    if not reply.ok:
        assert embed.colour is not None and embed.colour.value == ERROR_COLOUR
        assert embed.fields == [] and embed.footer.text is None


@pytest.mark.parametrize(
    ("label", "reply"),
    [s for s in SAMPLES if s[1].ok and s[0] != "topics"],
    ids=[s[0] for s in SAMPLES if s[1].ok and s[0] != "topics"],
)
def test_embed_shows_what_the_console_shows(label: str, reply: Reply) -> None:
    embed = reply_embed(reply)
    text = render_text(reply)
    assert embed.title == reply.title
    assert embed.description is not None and reply.body.strip() in embed.description
    if reply.gauge:
        assert embed.description.endswith(reply.gauge) and reply.gauge in text
    fields = [(str(f.name), str(f.value)) for f in embed.fields]
    # The footer: the console's source line, then the disclaimer. The fields are the
    # sections and nothing else (checked below).
    footer = "\n".join(line for line in (reply.source_line, reply.disclaimer) if line)
    assert embed.footer.text == (footer or None)
    assert reply.source_line is None or reply.source_line in text
    merged: list[tuple[str, str]] = []
    for name, value in fields:
        if merged and name == merged[-1][0] + CONTINUED:
            merged[-1] = (merged[-1][0], f"{merged[-1][1]}\n{value}")
        else:
            merged.append((name, value))
    # A line too long for one field continues in the next: only whitespace may differ.
    assert [(name, " ".join(value.split())) for name, value in merged] == [
        (s.name, " ".join(s.value.split())) for s in reply.sections
    ]
    assert embed.colour is not None and embed.colour.value == reply.colour


def test_topics_fit_however_many_topics_there_are() -> None:
    kb = knowledge()
    model = next(iter(kb.topics.values()))
    many = {
        f"topic-{n:04d}": model.model_copy(
            update={
                "id": f"topic-{n:04d}",
                "title": f"A rather long topic title number {n} " + "x" * (n % 60),
                "group": f"Group {n % 7}",
            }
        )
        for n in range(1500)
    }
    big = dataclasses.replace(kb, topics=many)
    reply = topics_reply(big)
    pages = paged_embeds(reply)
    assert len(pages) > 1
    for page in pages:
        assert limit_problems([page]) == []
    shown = "\n".join(str(f.value) for page in pages for f in page.fields)
    assert all(f"`{topic_id}`" in shown for topic_id in many)
    assert pages[1].title is not None and pages[1].title.endswith(f"(2/{len(pages)})")


lines = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=1500)
section_values = st.lists(lines, min_size=1, max_size=8).map("\n".join)
sections = st.lists(
    st.builds(Section, st.text(min_size=0, max_size=300), section_values), max_size=40
)


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(max_size=400),
    body=st.text(max_size=6000),
    gauge=st.one_of(st.none(), st.text(min_size=1, max_size=300)),
    sections=sections,
    sources=st.lists(st.text(min_size=1, max_size=200), max_size=12),
    disclaimer=st.one_of(st.none(), st.text(min_size=1, max_size=2500)),
)
def test_any_reply_fits_and_keeps_its_title_sources_and_disclaimer(
    title: str,
    body: str,
    gauge: str | None,
    sections: list[Section],
    sources: list[str],
    disclaimer: str | None,
) -> None:
    reply = Reply(
        command="dose",
        ok=True,
        title=title,
        body=body,
        sections=tuple(sections),
        gauge=gauge,
        sources=tuple(
            SourceRef(str(n), str(n), None, None, label) for n, label in enumerate(sources)
        ),
        disclaimer=disclaimer,
        colour=0x2ECC71,
    )
    embed = reply_embed(reply)
    assert limit_problems([embed]) == []
    # The footer: the disclaimer always, after the source line whenever it leaves room.
    footer = embed.footer.text or ""
    shown = truncate(disclaimer.strip(), LIMITS.footer) if disclaimer else ""
    assert footer.endswith(shown)
    labelled = any(label.strip() for label in sources)
    if labelled and len(shown) < LIMITS.footer - 20:
        assert footer.startswith(f"{SOURCES_NAME}: ")
    if not labelled:
        assert footer == shown
    for page in paged_embeds(reply):
        assert limit_problems([page]) == []


def test_long_section_continues_over_fields_at_line_breaks() -> None:
    value = "\n".join(f"line {n} " + "w" * 90 for n in range(40))
    reply = Reply("explain", True, "t", "b", sections=(Section("Detail", value),))
    embed = reply_embed(reply)
    names = [f.name for f in embed.fields]
    assert names[0] == "Detail" and all(n == "Detail" + CONTINUED for n in names[1:])
    assert "\n".join(str(f.value) for f in embed.fields) == value


@given(st.text(max_size=5000), st.integers(min_value=1, max_value=1024))
def test_split_text_loses_nothing_but_whitespace(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(1 <= len(chunk) <= limit for chunk in chunks)
    squash = "".join(text.split())
    assert "".join("".join(chunks).split()) == (squash or "-")


def test_blank_source_labels_never_make_a_blank_source_line() -> None:
    reply = Reply(
        "dose",
        True,
        "t",
        "b",
        sources=(SourceRef("a", "a", None, None, " "), SourceRef("b", "b", None, None, "IOM")),
    )
    assert reply_embed(reply).footer.text == f"{SOURCES_NAME}: IOM"
    blank = Reply("dose", True, "t", "b", sources=(SourceRef("a", "a", None, None, " \n"),))
    embed = reply_embed(blank)
    assert limit_problems([embed]) == []
    assert embed.footer.text is None and embed.fields == []
