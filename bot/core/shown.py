"""Numbers shown beside a band that never contradict it.

A value is rounded for people ("4,000" for 4000.4), but rounding must not carry it across
the band's edge: 4000.4 IU is above the 4,000 IU limit, so it is shown as "4,000.4". When no
rounding up to `most` decimals lands inside the band's range on the scale shown (a result
banded on the IOM's nmol/L cut-points and shown in ng/mL can sit a hair past the ng/mL
edge), the value is shown as "about" the band's nearest edge.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from bot.core.amounts import fmt
from bot.core.interval import Interval

MOST_PLACES = 4


def agreeing(value: Decimal, fits: Callable[[Decimal], bool], places: int) -> str | None:
    """`value` formatted at the fewest decimals (from `places`) whose figure `fits`."""
    decimals = places
    while True:
        text = fmt(value, decimals)
        if fits(Decimal(text.replace(",", ""))):
            return text
        if decimals >= MOST_PLACES:
            return None
        decimals += 1


def nearest_edge(value: Decimal, band: Interval) -> Decimal:
    """The edge of `band` closest to `value` (the value itself when the band is unbounded)."""
    edges = [edge for edge in (band.low, band.high) if edge is not None]
    if not edges:
        return value
    return min(edges, key=lambda edge: abs(edge - value))
