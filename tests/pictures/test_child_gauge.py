"""A child's dose gauge, read back from its PNG: two bands, at or below the upper limit for the
child's age and above it, split where ages.yaml puts that limit, in the verdicts' colours; every
source's limit for the age ticked under the bar; the same facts in the reply's words."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from bot.core.commands import reply_for_text
from bot.core.dosetext import iu_per_mcg
from bot.core.loader import load_knowledge
from bot.core.model import AgeGroup, AgeScale, KnowledgeBase
from bot.core.reply import Picture, render_text
from bot.pictures.gauge import gauge_png, render
from tests.pictures.reading import RGB, WHITE, Run, bar_top, marker_x, open_png, rgb, runs

# An age in each of the first scale's groups, as a member types it, and its months.
AGES = [("3 months", 3), ("9 months", 9), ("2", 24), ("6", 72), ("10", 120)]


def child_picture(kb: KnowledgeBase, dose: str, age: str) -> Picture:
    reply, _ = reply_for_text(kb, f"/dk2 dose {dose} age:{age}")
    assert reply.ok and reply.picture is not None, reply.body
    return reply.picture


def verdict_colours(kb: KnowledgeBase) -> list[RGB]:
    assert kb.ages is not None
    return [rgb(kb.ages.verdicts.within.colour), rgb(kb.ages.verdicts.above.colour)]


def groups(kb: KnowledgeBase, months: int) -> list[tuple[AgeScale, AgeGroup]]:
    assert kb.ages is not None
    found = [(scale, scale.find(Decimal(months))) for scale in kb.ages.limits]
    return [(scale, group) for scale, group in found if group is not None]


def limit_iu(kb: KnowledgeBase, scale: AgeScale, group: AgeGroup) -> Decimal:
    return group.ul if scale.unit == "IU" else group.ul * iu_per_mcg(kb)


def drawn_bands(kb: KnowledgeBase, picture: Picture) -> tuple[list[Run], int]:
    """The two bands as drawn (read with the marker far past the top, off both) and the bar's
    right end (read with the marker near the bottom)."""
    assert picture.scale is not None
    colours = set(verdict_colours(kb))
    far = open_png(render(picture.scale, Decimal(10) ** 9, "far"))
    found = runs(far, bar_top(far, colours) + 2, colours)
    near = open_png(render(picture.scale, Decimal(1), "near"))
    return found, runs(near, bar_top(near, colours) + 2, colours)[-1].x1


def expected_x(found: list[Run], right_end: int, limit: Decimal, value: Decimal) -> float:
    """Linear within each band: (0, limit] across the first, (limit, 2 × limit] the second
    (the open top band is drawn as wide, in value, as the band below it)."""
    if value <= limit:
        return found[0].x0 + float(value / limit) * (found[0].x1 - found[0].x0)
    share = float(min(value - limit, limit) / limit)
    return found[1].x0 + share * (right_end - found[1].x0)


def marker_in(kb: KnowledgeBase, data: bytes) -> float:
    image = open_png(data)
    return marker_x(image, bar_top(image, set(verdict_colours(kb))) + 2)


@pytest.mark.parametrize(("age", "months"), AGES)
def test_the_bands_are_the_verdicts_split_at_the_first_sources_limit(
    kb: KnowledgeBase, age: str, months: int
) -> None:
    picture = child_picture(kb, "400", age)
    found, right_end = drawn_bands(kb, picture)
    assert [run.colour for run in found] == verdict_colours(kb)
    assert found[0].x1 == found[1].x0 and found[1].x1 <= right_end  # (the marker ends it)
    assert min(run.width for run in found) >= 60  # each readable on a phone
    (scale, group), *_ = groups(kb, months)
    limit = limit_iu(kb, scale, group)
    # The split is where the limit is: a marker at the limit sits on it.
    at_limit = picture._replace(value=limit, label=f"{limit} IU/day")
    assert abs(marker_in(kb, gauge_png(kb, at_limit)) - found[0].x1) <= 2


@pytest.mark.parametrize(("age", "months"), [("2", 24), ("9 months", 9), ("10", 120)])
def test_the_marker_sits_where_the_childs_dose_is(kb: KnowledgeBase, age: str, months: int) -> None:
    (scale, group), *_ = groups(kb, months)
    limit = limit_iu(kb, scale, group)
    found = right_end = None
    # The limit itself (the band edge), either side of it, inside each band, the bottom.
    for value in (limit, limit - 1, limit + 1, limit / 2, limit / 5, limit * 3 / 2, Decimal(50)):
        picture = child_picture(kb, format(value.normalize(), "f"), age)
        assert picture.value == value
        if found is None:
            found, right_end = drawn_bands(kb, picture)
        assert right_end is not None
        x = marker_in(kb, gauge_png(kb, picture))
        wanted = expected_x(found, right_end, limit, value)
        assert abs(x - wanted) <= 2, f"{value} IU/day at {age}: marker at {x}, not {wanted}"
        band = found[0] if value <= limit else found[1]
        assert band.x0 - 2 <= x <= band.x1 + 2


def test_a_dose_past_the_drawn_scale_sits_at_its_right_end(kb: KnowledgeBase) -> None:
    picture = child_picture(kb, "20000", "2")
    found, right_end = drawn_bands(kb, picture)
    assert abs(marker_in(kb, gauge_png(kb, picture)) - right_end) <= 3
    assert found[1].x0 < right_end


def dark_columns_under_the_bar(kb: KnowledgeBase, image: Image.Image) -> set[int]:
    """Columns with near-black pixels below the bar and the figures under it: the ticks."""
    colours = set(verdict_colours(kb))
    pixels = image.load()
    top = bar_top(image, colours)
    first = runs(image, top + 2, colours)[0]
    bottom = next(y for y in range(top, image.height) if pixels[first.x0 + 1, y] == WHITE)
    below = bottom + 40  # past the marker's notch and the edge figures
    return {
        x for y in range(below, image.height) for x in range(image.width) if sum(pixels[x, y]) < 120
    }


@pytest.mark.parametrize(("age", "months"), [("2", 24), ("6", 72), ("3 months", 3)])
def test_every_sources_limit_is_ticked_and_said_in_words(
    kb: KnowledgeBase, age: str, months: int
) -> None:
    reply, _ = reply_for_text(kb, f"/dk2 dose 400 age:{age}")
    picture = reply.picture
    assert picture is not None
    words = render_text(reply)
    found, right_end = drawn_bands(kb, picture)
    (first_scale, first_group), *_ = placed = groups(kb, months)
    first_limit = limit_iu(kb, first_scale, first_group)
    assert len(placed) == len(kb.ages.limits if kb.ages else ())
    # The marker far off to the right, so that only the ticks are dark down there.
    assert picture.scale is not None
    image = open_png(render(picture.scale, Decimal(10) ** 9, "far"))
    dark = dark_columns_under_the_bar(kb, image)
    for scale, group in placed:
        limit = limit_iu(kb, scale, group)
        x = expected_x(found, right_end, first_limit, limit)
        assert any(abs(column - x) <= 2 for column in dark), f"no tick at {limit} IU ({x})"
        # The same in the reply's words: whose limit, for which ages, in IU a day.
        source = ", ".join(kb.source_name(ref) for ref in group.refs)
        # The same in the reply's words: whose limit, for which ages, in IU a day (the
        # unit the gauge is drawn in), each on its own line; and in the alt text.
        (said,) = [row for row in words.splitlines() if row.startswith(f"• {source}: ")]
        assert group.label in said and f"{limit:,.0f} IU/day" in said
        assert f"{source} limit ({group.label})" in picture.description
    # Nothing else is ticked: every dark column is within a tick's width of a limit.
    xs = [expected_x(found, right_end, first_limit, limit_iu(kb, s, g)) for s, g in placed]
    assert all(min(abs(column - x) for x in xs) <= 10 for column in dark)


def test_the_words_and_the_picture_say_which_side_of_the_limit(kb: KnowledgeBase) -> None:
    assert kb.ages is not None
    for dose, verdict, other in (
        ("400", kb.ages.verdicts.within, kb.ages.verdicts.above),
        ("3000", kb.ages.verdicts.above, kb.ages.verdicts.within),
    ):
        reply, _ = reply_for_text(kb, f"/dk2 dose {dose} age:2")
        assert reply.gauge is not None and reply.picture is not None
        assert f"▶{verdict.gauge}◀" in reply.gauge and f"▶{other.gauge}◀" not in reply.gauge
        assert f'"{verdict.gauge}"' in reply.picture.description
        assert f"{int(dose):,} IU/day" in reply.picture.label
        found, _ = drawn_bands(kb, reply.picture)
        x = marker_in(kb, gauge_png(kb, reply.picture))
        band = found[0] if verdict is kb.ages.verdicts.within else found[1]
        assert band.x0 < x < band.x1


def test_an_adults_age_gets_the_adult_gauge(kb: KnowledgeBase) -> None:
    reply, _ = reply_for_text(kb, "/dk2 dose 400 age:30")
    assert reply.picture is not None and reply.picture.scale is None
    assert reply.picture.kind == "dose"


def test_changed_verdict_colours_come_from_the_knowledge(knowledge_copy: Path) -> None:
    path = knowledge_copy / "ages.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('colour: "#27ae60"', 'colour: "#123456"')
    text = text.replace('colour: "#c0392b"', 'colour: "#654321"')
    path.write_text(text, encoding="utf-8")
    kb = load_knowledge(knowledge_copy).knowledge
    assert kb is not None
    found, _ = drawn_bands(kb, child_picture(kb, "400", "2"))
    assert [run.colour for run in found] == [(0x12, 0x34, 0x56), (0x65, 0x43, 0x21)]


def test_the_same_childs_dose_gives_the_same_bytes_and_is_drawn_once(kb: KnowledgeBase) -> None:
    first = gauge_png(kb, child_picture(kb, "400", "2"))
    assert gauge_png(kb, child_picture(kb, "400", "2")) is first
    assert gauge_png(kb, child_picture(kb, "400", "6")) != first  # another age, another limit
