"""/dk2 level as a member reads it: the rendered text, each hint on both sides of its
threshold, lab notation ("<10") on each band edge, and where the gauge marks the result.

Expected lines are built from messages.yaml's templates with figures worked out here (a
result in nmol/L is 2.496 times the ng/mL figure), so a wording change in the knowledge
base does not break them, but a hint that goes missing or a wrong number does."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.amounts import LevelValue, parse_level
from bot.core.level import _picture, level_reply
from bot.core.loader import load_knowledge
from bot.core.model import Band, KnowledgeBase
from bot.core.reply import render_text

NMOL_PER_NG = Decimal("2.496")


def band_of(kb: KnowledgeBase, band_id: str) -> Band:
    return next(band for band in kb.bands["level"].bands if band.id == band_id)


def text_of(kb: KnowledgeBase, typed: str) -> str:
    reply = level_reply(kb, typed)
    assert reply.ok, reply.error
    return render_text(reply)


def hint(kb: KnowledgeBase, line: str) -> str:
    return f"{kb.messages.get('headings.check_input')}: {line}"


@pytest.mark.parametrize(
    ("typed", "band"),
    [
        ("11.9", "deficient"),
        ("12", "inadequate"),
        ("19.9", "inadequate"),
        ("20", "below_goal"),
        ("29.9", "below_goal"),
        ("30", "goal"),
        ("50", "goal"),
        ("50.1", "high"),
        ("150", "high"),
        ("150.1", "toxic"),
    ],
)
def test_each_level_edge_from_both_sides_is_in_the_title_and_the_data(
    kb: KnowledgeBase, typed: str, band: str
) -> None:
    reply = level_reply(kb, f"{typed} ng/mL")
    label = band_of(kb, band).label
    assert reply.data["band"] == band and reply.data["label"] == label
    assert reply.title == kb.messages.get("level.title", value=f"{typed} ng/mL", label=label)
    assert reply.colour == band_of(kb, band).colour


def test_a_result_in_ng_ml_is_shown_in_both_units(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "42 ng/mL")
    line = kb.messages.get("level.value_line", ng_ml="42", nmol_l="104.8")
    assert line in render_text(reply)
    assert reply.data["ng_ml"] == 42 and reply.data["nmol_l"] == float(42 * NMOL_PER_NG)
    assert reply.data["unit_assumed"] is False
    assert kb.messages.get("level.assumed_unit") not in render_text(reply)


def test_a_result_in_nmol_l_leads_with_nmol_l(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "100 nmol/L")
    ng = 100 / NMOL_PER_NG  # 40.06...
    line = kb.messages.get("level.nmol_value_line", nmol_l="100", ng_ml="40.1")
    assert line in render_text(reply)
    assert reply.data["nmol_l"] == 100 and reply.data["ng_ml"] == float(ng)
    assert reply.data["band"] == "goal"
    assert kb.messages.get("level.nmol_placed") not in render_text(reply)


def test_no_unit_is_read_as_ng_ml_and_says_so(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "42")
    assert kb.messages.get("level.assumed_unit") in render_text(reply)
    assert reply.data["unit_assumed"] is True


@pytest.mark.parametrize(
    ("typed", "band", "ng_shown"),
    [
        # On the IOM's nmol/L cut-points: 74.9 nmol/L is below goal, though 30.008 ng/mL
        # would round into the goal band; the ng/mL figure is "about" the band's edge.
        ("74.9", "below_goal", "about 30"),
        ("125", "goal", "about 50"),
        ("375", "high", "about 150"),
    ],
)
def test_nmol_results_on_a_cut_point_keep_the_iom_band_and_say_how(
    kb: KnowledgeBase, typed: str, band: str, ng_shown: str
) -> None:
    reply = level_reply(kb, f"{typed} nmol/L")
    text = render_text(reply)
    assert reply.data["band"] == band
    assert f"({ng_shown} ng/mL)" in text
    assert kb.messages.get("level.nmol_placed") in text


@pytest.mark.parametrize(
    ("typed", "marked", "side"),
    [
        ("74.9 nmol/L", Decimal(30), -1),
        ("125 nmol/L", Decimal(50), -1),
        ("100 nmol/L", 100 / NMOL_PER_NG, 0),
        ("42", Decimal(42), 0),
        ("<10", Decimal(10), -1),
        (">150", Decimal(150), 1),
    ],
)
def test_the_gauge_marks_the_result_inside_the_band_the_reply_names(
    kb: KnowledgeBase, typed: str, marked: Decimal, side: int
) -> None:
    reply = level_reply(kb, typed)
    assert reply.picture is not None
    assert (reply.picture.kind, reply.picture.value, reply.picture.side) == ("level", marked, side)
    assert reply.picture.label in render_text(reply)


@pytest.mark.parametrize(
    ("typed", "band"),
    [
        ("<12", "deficient"),
        ("<12.5", "inadequate"),
        ("<20", "inadequate"),
        ("<30", "below_goal"),
        ("<10", "deficient"),
        (">12", "inadequate"),
        (">29", "below_goal"),
        (">30", "goal"),
        (">49", "goal"),
        (">50", "high"),
        (">150", "toxic"),
    ],
)
def test_lab_notation_takes_the_band_just_past_the_edge(
    kb: KnowledgeBase, typed: str, band: str
) -> None:
    reply = level_reply(kb, f"{typed} ng/mL")
    assert reply.data["band"] == band
    assert reply.data["bound"] == typed[0]


def test_lab_notation_stays_below_or_above_in_both_units(kb: KnowledgeBase) -> None:
    text = text_of(kb, "<10 ng/mL")
    assert kb.messages.get("level.value_line", ng_ml="<10", nmol_l="<25") in text
    text = text_of(kb, ">150")
    assert kb.messages.get("level.value_line", ng_ml=">150", nmol_l=">374.4") in text
    assert level_reply(kb, "<10").title.startswith("<10")


def _nmol_hint(kb: KnowledgeBase, key: str, number: str) -> str:
    as_ng = Decimal(number) / NMOL_PER_NG
    shown = f"{as_ng:.1f}".removesuffix(".0")  # dk2 writes no trailing zero
    return hint(kb, kb.messages.get(key, number=number, as_ng_ml=shown))


@pytest.mark.parametrize("typed", ["50", "42", "12"])
def test_no_nmol_hint_at_or_below_50(kb: KnowledgeBase, typed: str) -> None:
    reply = level_reply(kb, typed)
    text = render_text(reply)
    assert reply.data["hints"] == []
    assert "nmol/L is" not in text and f"/dk2 level {typed} nmol/L" not in text


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("50.1", "level.nmol_hint"),
        ("75", "level.nmol_hint"),
        ("150", "level.nmol_hint"),
        ("150.1", "level.nmol_only"),
        ("200", "level.nmol_only"),
    ],
)
def test_a_high_number_without_a_unit_suggests_nmol_l_with_its_figure(
    kb: KnowledgeBase, typed: str, key: str
) -> None:
    reply = level_reply(kb, typed)
    expected = _nmol_hint(kb, key, typed)
    assert expected in render_text(reply)
    assert reply.data["hints"] == [expected.split(": ", 1)[1]]
    other = "level.nmol_only" if key == "level.nmol_hint" else "level.nmol_hint"
    assert _nmol_hint(kb, other, typed) not in render_text(reply)


@pytest.mark.parametrize("typed", ["200 ng/mL", "200 nmol/L", "75 nmol/L"])
def test_a_typed_unit_gets_no_unit_hint(kb: KnowledgeBase, typed: str) -> None:
    reply = level_reply(kb, typed)
    assert reply.data["hints"] == []
    assert kb.messages.get("headings.check_input") not in render_text(reply)


def test_the_hint_comes_first_then_the_warning_then_the_result(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "200")
    lines = reply.body.split("\n")
    assert band_of(kb, "toxic").warning is not None
    assert lines[0] == _nmol_hint(kb, "level.nmol_only", "200")
    assert lines[1] and lines[1] not in reply.data["hints"]  # the toxicity warning
    assert lines[2] == kb.messages.get("level.value_line", ng_ml="200", nmol_l="499.2")
    assert lines[3] == kb.messages.get("level.assumed_unit")
    assert len(lines) == 4


def test_a_lab_bound_is_pointed_out_before_the_result(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "<10")
    first = reply.body.split("\n")[0]
    expected = kb.messages.get("hints.lab_below", number="10", unit="ng/mL")
    assert first == hint(kb, expected)


def test_a_level_reply_cites_sources_and_says_it_is_not_advice(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "42")
    assert reply.disclaimer == kb.messages.get("disclaimer")
    assert reply.sources and reply.source_line is not None
    assert reply.gauge is not None and reply.gauge in render_text(reply)
    assert any(section.value for section in reply.sections)


def test_bad_level_input_is_an_error_for_the_value_option(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "lots")
    assert not reply.ok and reply.error is not None
    assert "lots" in reply.error


def test_every_level_reply_and_error_is_a_level_command(kb: KnowledgeBase) -> None:
    assert level_reply(kb, "42").command == "level"
    failed = level_reply(kb, "lots")
    assert failed.command == "level"
    assert failed.data == {"error_key": "no_number_level", "error_option": "value"}


def test_a_lab_bound_is_shown_to_one_decimal_in_both_units(kb: KnowledgeBase) -> None:
    text = text_of(kb, "<12.34 ng/mL")
    assert kb.messages.get("level.value_line", ng_ml="<12.3", nmol_l="<30.8") in text


def test_a_hint_quotes_the_number_to_four_decimals(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "60.123456")
    expected = kb.messages.get("level.nmol_hint", number="60.1235", as_ng_ml="24.1")
    assert reply.data["hints"] == [expected]


def test_the_data_names_the_warning_and_the_cautions(kb: KnowledgeBase) -> None:
    toxic = level_reply(kb, "200 ng/mL")
    assert toxic.data["warning"] == band_of(kb, "toxic").warning is not None
    goal = level_reply(kb, "42 ng/mL")
    assert goal.data["warning"] is None
    for reply in (toxic, goal):
        assert reply.data["cautions"] and all(c in kb.cautions for c in reply.data["cautions"])
        assert "check-first" in reply.data["cautions"]


def test_the_picture_is_described_with_the_value_and_the_gauge(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "42 ng/mL")
    assert reply.picture is not None and reply.gauge is not None
    assert reply.picture.label == kb.messages.get("level.value_line", ng_ml="42", nmol_l="104.8")
    assert reply.picture.label in reply.picture.description
    assert reply.picture.description.endswith(reply.gauge.replace("\n", "; "))


def test_a_result_below_its_bands_edge_is_marked_just_inside_it(kb: KnowledgeBase) -> None:
    """A result placed by its nmol/L cut-point whose ng/mL figure falls below the band's
    lower edge is marked on that edge, inside the band (side +1)."""
    value = parse_level("29.9", kb.units)
    assert isinstance(value, LevelValue)
    table = kb.bands["level"]
    goal = band_of(kb, "goal")
    picture = _picture(table, goal, value, "shown", kb.messages, "gauge")
    assert (picture.value, picture.side) == (Decimal(30), 1)
    above = parse_level("50.1", kb.units)
    assert isinstance(above, LevelValue)
    picture = _picture(table, goal, above, "shown", kb.messages, "gauge")
    assert (picture.value, picture.side) == (Decimal(50), -1)


def test_without_nmol_cut_points_the_nmol_figure_is_the_conversion(
    knowledge_copy: Path,
) -> None:
    bands = knowledge_copy / "bands" / "level.yaml"
    lines = bands.read_text(encoding="utf-8").splitlines()
    bands.write_text(
        "\n".join(line for line in lines if not line.strip().startswith("nmol_range:")) + "\n",
        encoding="utf-8",
    )
    loaded = load_knowledge(knowledge_copy)
    assert loaded.knowledge is not None, loaded.problems
    reply = level_reply(loaded.knowledge, "42 ng/mL")
    value_line = loaded.knowledge.messages.get("level.value_line", ng_ml="42", nmol_l="104.8")
    assert value_line in render_text(reply)
    nmol = level_reply(loaded.knowledge, "74.9 nmol/L")
    assert nmol.data["band"] == "goal"  # placed by its ng/mL figure, 30.01


def test_an_nmol_figure_is_not_rounded_across_its_cut_point(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "74.96 nmol/L")  # below goal: "75.0" would read as goal
    assert reply.data["band"] == "below_goal"
    assert reply.body.split("\n")[0].startswith("74.96 nmol/L")


@pytest.mark.parametrize(
    ("typed", "band"),
    [
        ("<25", "deficient"),
        ("<30", "deficient"),
        ("<31", "inadequate"),
        ("<50", "inadequate"),
        ("<75", "below_goal"),
        ("<125", "goal"),
        (">30", "inadequate"),
        (">49", "inadequate"),
        (">50", "below_goal"),
        (">75", "goal"),
        (">125", "high"),
        (">375", "toxic"),
    ],
)
def test_lab_notation_in_nmol_takes_the_band_past_the_nmol_cut_point(
    kb: KnowledgeBase, typed: str, band: str
) -> None:
    """A lab's "<30 nmol/L" is under the IOM's 30 nmol/L cut-point: the title names the
    band below it, not the one its ng/mL figure (12.02) would fall in."""
    reply = level_reply(kb, f"{typed} nmol/L")
    label = band_of(kb, band).label
    assert reply.data["band"] == band
    assert reply.title == kb.messages.get("level.title", value=f"{typed} nmol/L", label=label)
    assert f"({typed} nmol/L)" in render_text(reply)
    assert reply.picture is not None
    picture = reply.picture
    assert picture.value in band_of(kb, band).range or picture.value in (
        band_of(kb, band).range.low,
        band_of(kb, band).range.high,
    )


@pytest.mark.parametrize(
    ("typed", "ng_shown"),
    [("<30", "<12"), ("<50", "<20"), ("<75", "<30"), ("<125", "<50"), (">125", ">50")],
)
def test_an_nmol_bound_on_a_cut_point_shows_the_same_cut_point_in_ng(
    kb: KnowledgeBase, typed: str, ng_shown: str
) -> None:
    """ "<125 nmol/L" is within the goal range, whose top is 50 ng/mL: it is shown as "<50
    ng/mL", not "<50.1" (125 / 2.496), a figure past the band the title names."""
    text = text_of(kb, f"{typed} nmol/L")
    assert kb.messages.get("level.value_line", ng_ml=ng_shown, nmol_l=typed) in text
