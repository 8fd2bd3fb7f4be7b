"""The gauge picture, read back from its PNG: what a member sees is what the knowledge says."""

from __future__ import annotations

import itertools
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.commands import reply_for_text
from bot.core.loader import load_knowledge
from bot.core.model import BandTable, KnowledgeBase
from bot.core.reply import Picture
from bot.pictures.gauge import gauge_png, render
from tests.pictures.reading import (
    WHITE,
    Run,
    bar_top,
    marker_x,
    open_png,
    rgb,
    runs,
)

REPO = Path(__file__).resolve().parents[2]
DISCORD_UPLOAD_LIMIT = 10 * 1024 * 1024  # a bot's attachment limit in a server without boosts
DISCORD_IMAGE_SIDE = 4096  # embeds scale anything larger down; keep well under it


def bands_of(table: BandTable) -> set[tuple[int, int, int]]:
    return {rgb(band.colour) for band in table.bands}


def drawn_high(table: BandTable) -> Decimal:
    """The open top band is drawn as wide, in value, as the band below it (see gauge.py)."""
    last, below = table.bands[-1], table.bands[-2]
    assert last.range.low is not None and below.range.low is not None
    assert below.range.high is not None
    return last.range.low + (below.range.high - below.range.low)


def picture(kb: KnowledgeBase, kind: str, value: Decimal) -> bytes:
    return render(kb.bands[kind], value, f"{value} {kb.bands[kind].unit}")


def scale_runs(kb: KnowledgeBase, kind: str) -> tuple[list[Run], int]:
    """The bands as drawn, read from a picture whose marker covers no inner edge (the value
    is past the top), with the left end; and the right end from one marked in band 0."""
    table = kb.bands[kind]
    colours = bands_of(table)
    far = open_png(picture(kb, kind, Decimal(10) ** 9))
    y = bar_top(far, colours) + 2
    found = runs(far, y, colours)
    low = open_png(picture(kb, kind, _middle(table, 0)))
    right_end = runs(low, bar_top(low, colours) + 2, colours)[-1].x1
    return found, right_end


def _middle(table: BandTable, index: int) -> Decimal:
    band = table.bands[index]
    low = band.range.low if band.range.low is not None else Decimal(0)
    high = band.range.high if band.range.high is not None else drawn_high(table)
    return (low + high) / 2


def expected_x(kb: KnowledgeBase, kind: str, value: Decimal) -> float:
    """Where `value` belongs: linear within its band, between the edges read from the image."""
    table = kb.bands[kind]
    found, right_end = scale_runs(kb, kind)
    edges = [run.x0 for run in found] + [right_end]
    for index, band in enumerate(table.bands):
        low = band.range.low if band.range.low is not None else Decimal(0)
        high = band.range.high if band.range.high is not None else drawn_high(table)
        if value <= high or index == len(table.bands) - 1:
            share = float((min(value, high) - low) / (high - low))
            return edges[index] + share * (edges[index + 1] - edges[index])
    raise AssertionError


@pytest.mark.parametrize("kind", ["dose", "level", "k2"])
def test_each_bands_colour_is_drawn_in_the_knowledges_order(kb: KnowledgeBase, kind: str) -> None:
    table = kb.bands[kind]
    found, right_end = scale_runs(kb, kind)
    assert [run.colour for run in found] == [rgb(band.colour) for band in table.bands]
    image = open_png(picture(kb, kind, Decimal(1)))
    assert found[0].x0 >= 0 and right_end <= image.width
    # Each band is wide enough to see and read (a phone shows the picture about 350 px wide).
    assert min(run.width for run in found) >= 60
    assert all(a.x1 == b.x0 for a, b in itertools.pairwise(found))


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        # Band edges (each shared by two bands), inside bands, the bottom and past the top.
        ("dose", ["1000", "2000", "4000", "10000", "500", "3000", "7000", "1", "13000"]),
        ("level", ["12", "20", "30", "50", "150", "42", "25", "100", "6", "200"]),
        ("k2", ["90", "200", "45", "150", "250"]),
    ],
)
def test_the_marker_sits_where_the_value_is_on_the_scale(
    kb: KnowledgeBase, kind: str, values: list[str]
) -> None:
    colours = bands_of(kb.bands[kind])
    for text in values:
        value = Decimal(text)
        image = open_png(picture(kb, kind, value))
        x = marker_x(image, bar_top(image, colours) + 2)
        assert abs(x - expected_x(kb, kind, value)) <= 2, f"{kind} {text}: marker at {x}"


def test_a_value_past_the_drawn_scale_sits_at_its_right_end(kb: KnowledgeBase) -> None:
    colours = bands_of(kb.bands["dose"])
    _, right_end = scale_runs(kb, "dose")
    for value in ("50000", "1000000"):
        image = open_png(picture(kb, "dose", Decimal(value)))
        assert abs(marker_x(image, bar_top(image, colours) + 2) - right_end) <= 3


@pytest.mark.parametrize("text", ["/dk2 dose 5000", "/dk2 level 42 ng/mL", "/dk2 level 400"])
def test_the_png_is_within_discords_limits(kb: KnowledgeBase, text: str) -> None:
    reply, _ = reply_for_text(kb, text)
    assert reply.picture is not None
    data = gauge_png(kb, reply.picture)
    assert len(data) < DISCORD_UPLOAD_LIMIT
    assert len(data) < 100_000  # and small: it goes out with every dose and level answer
    image = open_png(data)
    assert 600 <= image.width <= DISCORD_IMAGE_SIDE and image.height <= image.width


def test_changed_colours_and_labels_come_from_the_knowledge(knowledge_copy: Path) -> None:
    path = knowledge_copy / "bands" / "level.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('colour: "#27ae60"', 'colour: "#123456"').replace(
        "gauge: goal\n", "gauge: target\n"
    )
    path.write_text(text, encoding="utf-8")
    kb = load_knowledge(knowledge_copy).knowledge
    assert kb is not None
    table = kb.bands["level"]
    found, _ = scale_runs(kb, "level")
    goal = next(i for i, band in enumerate(table.bands) if band.id == "goal")
    assert found[goal].colour == (0x12, 0x34, 0x56)
    image = open_png(picture(kb, "level", Decimal(40)))
    y = bar_top(image, bands_of(table)) + 2
    x = marker_x(image, y)
    assert found[goal].x0 < x < found[goal].x1


def test_long_labels_stay_inside_their_band_and_the_image(knowledge_copy: Path) -> None:
    path = knowledge_copy / "bands" / "dose.yaml"
    text = path.read_text(encoding="utf-8")
    # The longest labels the checker allows (20 characters), at both ends, one unbreakable.
    text = text.replace("gauge: low\n", "gauge: WWWWWWWWWWWWWWWWWWWW\n")
    text = text.replace("gauge: very high\n", "gauge: WWWWWWWW WWWWWWWWWWW\n")
    path.write_text(text, encoding="utf-8")
    kb = load_knowledge(knowledge_copy).knowledge
    assert kb is not None, "the longest allowed label must load"
    table = kb.bands["dose"]
    colours = bands_of(table)
    for value in (Decimal(500), Decimal(10) ** 9):
        image = open_png(picture(kb, "dose", value))
        pixels = image.load()
        top = bar_top(image, colours)
        found = runs(image, top + 2, colours)
        bottom = next(y for y in range(top, image.height) if pixels[found[0].x0 + 1, y] == WHITE)
        for run in (found[0], found[-1]):
            inside = [
                (x, y)
                for y in range(top, bottom)
                for x in range(run.x0, run.x1)
                if pixels[x, y] != run.colour
            ]
            text_x = [x for x, _ in inside if abs(x - marker_x(image, top + 2)) > 8]
            assert text_x, "the label is drawn"
            # Nothing but the band colour in the outer 4 px of the band: the text fits inside.
            assert min(text_x) >= run.x0 + 4 and max(text_x) < run.x1 - 4
        # Nothing at all in the image's outermost columns.
        for x in (0, 1, image.width - 2, image.width - 1):
            assert {pixels[x, y] for y in range(image.height)} == {WHITE}


def test_level_gauge_shows_the_iom_cut_points_and_the_articles_goal_range(
    kb: KnowledgeBase,
) -> None:
    table = kb.bands["level"]
    sources = list(table.marks)
    assert [s.refs for s in sources] == [("iom-2011",), ()]
    assert sources[1].quotes and "30 and 50" in sources[1].quotes[0]
    image = open_png(picture(kb, "level", Decimal(42)))
    found, _ = scale_runs(kb, "level")
    pixels = image.load()
    below = bar_top(image, bands_of(table)) + 88 + 45  # under the bar and its figures
    dark_columns = {
        x for y in range(below, image.height) for x in range(image.width) if sum(pixels[x, y]) < 120
    }
    # Ticks under the IOM cut-points (12, 20, 50) and the bracket's ends at 30 and 50.
    edges = {band.range.low: run.x0 for band, run in zip(table.bands, found, strict=True)}
    for value in (Decimal(12), Decimal(20), Decimal(30), Decimal(50)):
        assert any(abs(x - edges[value]) <= 2 for x in dark_columns), value
    reply, _ = reply_for_text(kb, "/dk2 level 42 ng/mL")
    # The same facts in words, for screen readers and the console.
    assert reply.gauge is not None and reply.picture is not None
    assert "IOM 2011 cut-points: 12, 20, 50 ng/mL" in reply.gauge
    assert "goal range: 30–50 ng/mL" in reply.gauge
    assert "IOM 2011 cut-points" in reply.picture.description
    assert "42 ng/mL" in reply.picture.description


def test_the_same_value_gives_the_same_bytes_and_is_drawn_once(kb: KnowledgeBase) -> None:
    table = kb.bands["level"]
    assert render(table, Decimal(42), "42 ng/mL") == render(table, Decimal(42), "42 ng/mL")
    wanted = Picture("level", Decimal(42), "42 ng/mL", "alt")
    first = gauge_png(kb, wanted)
    assert gauge_png(kb, Picture("level", Decimal(42), "42 ng/mL", "alt")) is first
    assert render(table, Decimal(43), "43 ng/mL") != first


def test_another_process_draws_the_same_bytes(kb: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "gauge.png"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--knowledge",
            str(REPO / "knowledge"),
            "reply",
            "--png",
            str(out),
            "/dk2 level 42 ng/mL",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    reply, _ = reply_for_text(kb, "/dk2 level 42 ng/mL")
    assert reply.picture is not None
    assert out.read_bytes() == gauge_png(kb, reply.picture)


@pytest.mark.parametrize(("text", "band"), [("/dk2 level <12", 0), ("/dk2 level >150", -1)])
def test_a_labs_below_or_above_is_marked_inside_its_band(
    kb: KnowledgeBase, text: str, band: int
) -> None:
    reply, _ = reply_for_text(kb, text)
    assert reply.picture is not None and reply.data["band"] == kb.bands["level"].bands[band].id
    image = open_png(gauge_png(kb, reply.picture))
    colours = bands_of(kb.bands["level"])
    found, _ = scale_runs(kb, "level")
    x = marker_x(image, bar_top(image, colours) + 2)
    assert found[band].x0 < x < found[band].x1


def test_a_result_placed_by_its_nmol_cut_point_is_marked_inside_that_band(
    kb: KnowledgeBase,
) -> None:
    # 125 nmol/L is 50.08 ng/mL: past the ng/mL edge of 50, yet inside the band by the IOM's
    # own nmol/L cut-point. The marker must sit in the band the reply names.
    reply, _ = reply_for_text(kb, "/dk2 level 125 nmol/L")
    assert reply.picture is not None
    table = kb.bands["level"]
    index = [band.id for band in table.bands].index(reply.data["band"])
    assert Decimal(str(reply.data["ng_ml"])) not in table.bands[index].range
    image = open_png(gauge_png(kb, reply.picture))
    found, _ = scale_runs(kb, "level")
    x = marker_x(image, bar_top(image, bands_of(table)) + 2)
    assert found[index].x0 < x < found[index].x1
    assert "125 nmol/L" in reply.picture.label
