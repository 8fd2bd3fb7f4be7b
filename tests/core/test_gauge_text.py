"""The gauge in words, as a reply shows it: every band of the scale in order with the edge
between each two, the member's band marked, then the table's marks with their figures.
Expected lines are written from knowledge/bands (labels, edges, marks) and messages.yaml
(`gauge.scale` "{scale} {unit}", `gauge.mark` "{label}: {figures} {unit}")."""

from __future__ import annotations

from decimal import Decimal

from bot.core.dose import dose_reply
from bot.core.gauge import gauge
from bot.core.interval import Interval
from bot.core.level import level_reply
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text

DOSE_SCALE = "{} ·1,000· {} ·2,000· {} ·4,000· {} ·10,000· {} IU/day"
DOSE_LABELS = ["low", "typical", "upper typical", "above UL", "very high"]
LEVEL_SCALE = "{} ·12· {} ·20· {} ·30· {} ·50· {} ·150· {} ng/mL"
LEVEL_LABELS = ["deficient", "inadequate", "below goal", "goal", "high", "toxic"]
LEVEL_MARKS = "IOM 2011 cut-points: 12, 20, 50 ng/mL\nthe article's goal range: 30–50 ng/mL"


def _marked(labels: list[str], index: int) -> list[str]:
    return [f"▶{label}◀" if i == index else label for i, label in enumerate(labels)]


def test_each_dose_band_is_marked_on_the_whole_scale(kb: KnowledgeBase) -> None:
    for index, amount in enumerate(["500", "1500", "3000", "8000", "20000"]):
        reply = dose_reply(kb, amount)
        expected = DOSE_SCALE.format(*_marked(DOSE_LABELS, index))
        # The dose table has no marks: the scale is the whole gauge.
        assert reply.gauge == expected
        assert f"\n\n{expected}\n\n" in render_text(reply)


def test_each_level_band_is_marked_then_the_cut_points_and_goal_range(
    kb: KnowledgeBase,
) -> None:
    for index, value in enumerate(["8", "15", "25", "40", "80", "200"]):
        reply = level_reply(kb, f"{value} ng/mL")
        expected = LEVEL_SCALE.format(*_marked(LEVEL_LABELS, index)) + "\n" + LEVEL_MARKS
        assert reply.gauge == expected
        assert expected in render_text(reply)


def test_the_picture_description_is_the_gauge_on_one_line(kb: KnowledgeBase) -> None:
    # 40 ng/mL is 99.84 nmol/L (2.496 nmol/L per ng/mL, units.yaml), shown to one decimal.
    reply = level_reply(kb, "40 ng/mL")
    assert reply.picture is not None
    scale = LEVEL_SCALE.format(*_marked(LEVEL_LABELS, 3))
    marks = LEVEL_MARKS.replace("\n", "; ")
    assert reply.picture.description == (
        'Gauge of Blood 25(OH)D level: your 40 ng/mL (99.8 nmol/L) is marked in the band "goal". '
        f"{scale}; {marks}"
    )


def test_fractional_edges_and_marks_keep_two_decimals(kb: KnowledgeBase) -> None:
    # A curator may set an edge between whole numbers: the gauge writes it as the table
    # does, to two decimals (12.254 as 12.25), never as a whole number nor with a third decimal.
    level = kb.bands["level"]
    edges = ["(0, 12.254)", "[12.254, 20)", *(str(band.range) for band in level.bands[2:])]
    bands = tuple(
        band.model_copy(update={"range": Interval.parse(text)})
        for band, text in zip(level.bands, edges, strict=True)
    )
    marks = (
        level.marks[0].model_copy(update={"at": (Decimal("12.254"), Decimal(20), Decimal(50))}),
        level.marks[1].model_copy(update={"range": Interval.parse("[30.126, 49.126]")}),
    )
    table = level.model_copy(update={"bands": bands, "marks": marks})
    text = gauge(table, bands[0], kb.messages)
    assert text.splitlines() == [
        "▶deficient◀ ·12.25· inadequate ·20· below goal ·30· goal ·50· high ·150· toxic ng/mL",
        "IOM 2011 cut-points: 12.25, 20, 50 ng/mL",
        "the article's goal range: 30.13–49.13 ng/mL",
    ]


def test_a_childs_gauge_is_the_two_verdicts_either_side_of_the_limit(kb: KnowledgeBase) -> None:
    # ages.yaml: the verdicts' gauge words "within limit" and "above limit"; the IOM upper
    # limit at 6 years (4–8 years) is 3,000 IU/day.
    within = dose_reply(kb, "1000", age_text="6").gauge
    assert within == "▶within limit◀ ·3,000· above limit IU/day"
    above = dose_reply(kb, "5000", age_text="6").gauge
    assert above == "within limit ·3,000· ▶above limit◀ IU/day"
