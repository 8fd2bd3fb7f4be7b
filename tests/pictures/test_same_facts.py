"""The text says what the gauge picture shows (for screen readers and the console): every
band's label, every edge and every sourced mark of the scale drawn, and the member's value.
The band tables' gauges say it all in the gauge's own lines; a child's says the bands there
and each source's limit in its limits section (tests/pictures/test_child_gauge.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.commands import reply_for_text
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text


def figure(value: Decimal) -> str:
    """A figure as people write it: 1,000 and 12.5."""
    return format(value.normalize(), ",f")


@pytest.mark.parametrize(
    "text",
    [
        "/dk2 dose 400",
        "/dk2 dose 5000",
        "/dk2 dose 50000 IU weekly",
        "/dk2 dose 400 age:3 months",
        "/dk2 dose 3000 age:2",
        "/dk2 dose 400 age:10",
        "/dk2 level 8",
        "/dk2 level 42 ng/mL",
        "/dk2 level 105 nmol/L",
        "/dk2 level >150",
    ],
)
def test_the_text_carries_every_fact_the_picture_draws(kb: KnowledgeBase, text: str) -> None:
    reply, _ = reply_for_text(kb, text)
    picture = reply.picture
    assert picture is not None and reply.gauge is not None
    scale = picture.scale if picture.scale is not None else kb.bands[picture.kind]
    words = render_text(reply)
    for band in scale.bands:  # the bands, the member's marked, in the gauge's first line
        assert band.gauge in reply.gauge.splitlines()[0]
    for band in scale.bands[1:]:  # each edge between the bands it divides
        assert band.range.low is not None
        assert f"·{figure(band.range.low)}·" in reply.gauge.splitlines()[0]
    for mark in scale.marks:
        # A band table's marks are labelled in the gauge's lines; a child's limits are said
        # source by source in the limits section (test_child_gauge.py reads those lines).
        if picture.scale is None:
            assert mark.text in words
        edges = (mark.range.low, mark.range.high) if mark.range is not None else ()
        for value in (*mark.at, *edges):
            assert value is not None and figure(value) in words
    assert scale.unit in words
    # The value as the picture captions it, in the reply a console or screen reader reads,
    # and the picture's alt text naming the band the words mark.
    assert picture.label in words
    (current,) = [band for band in scale.bands if f"▶{band.gauge}◀" in words]
    alt = kb.messages.get("gauge.alt", title=scale.title, value=picture.label, band=current.gauge)
    assert picture.description.startswith(alt)
