"""Figures shown beside a band never contradict it (bot.core.shown), as members read them.

A figure is rounded to at most four decimals; when no such rounding lands inside the band, the
reply says "about" the band's nearest edge. The edges here come from knowledge/bands: the
dose bands low (0, 1000) and above_ul (4000, 10000], 40 IU per µg (units.yaml), and the level
band below_goal, [50, 75) nmol/L on the IOM's cut-points and [20, 30) ng/mL.
"""

from __future__ import annotations

from decimal import Decimal

from bot.core.dose import dose_reply
from bot.core.level import level_reply
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text


def test_a_dose_a_hair_above_the_upper_limit_reads_about_the_limit(kb: KnowledgeBase) -> None:
    # 4000.00001 rounds to 4,000 at up to four decimals, which is not above 4,000: the reply
    # says "about" the edge rather than five decimals or a figure inside the band below.
    reply = dose_reply(kb, "4000.00001")
    assert reply.data["band"] == "above_ul"
    assert "\nabout 4,000 IU/day (about 100 µg/day)\n" in render_text(reply)


def test_a_dose_a_hair_below_1000_reads_about_the_nearer_edge_1000(kb: KnowledgeBase) -> None:
    # The low band is (0, 1000): the nearer edge is its top, never its bottom.
    reply = dose_reply(kb, "999.999999")
    assert reply.data["band"] == "low"
    assert "\nabout 1,000 IU/day (about 25 µg/day)\n" in render_text(reply)


def test_a_dose_that_rounds_inside_its_band_is_shown_without_about(kb: KnowledgeBase) -> None:
    # 4000.4 at no decimals is 4,000 (not above the limit), at one decimal 4,000.4.
    text = render_text(dose_reply(kb, "4000.4"))
    assert "\n4,000.4 IU/day (100.01 µg/day)\n" in text
    assert "about 4,000" not in text
    # Three decimals in IU, four in µg: 4000.004 / 40 is 100.0001.
    assert "\n4,000.004 IU/day (100.0001 µg/day)\n" in render_text(dose_reply(kb, "4000.004"))


def test_the_level_gauge_marks_an_nmol_result_at_the_edge_of_its_band(kb: KnowledgeBase) -> None:
    # 74.9 nmol/L is below_goal on the nmol/L cut-points; in ng/mL it is a little over 30,
    # past that band's top edge: the marker sits on the nearer edge, 30 (not 20), just inside.
    reply = level_reply(kb, "74.9 nmol/L")
    assert reply.data["band"] == "below_goal"
    assert reply.picture is not None
    assert reply.picture.value == Decimal(30)
    assert reply.picture.side == -1
    assert "74.9 nmol/L (about 30 ng/mL)" in render_text(reply)
