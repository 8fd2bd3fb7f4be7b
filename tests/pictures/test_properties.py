"""Properties of the gauge's scale and text fitting, for any value and any label."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.model import KnowledgeBase
from bot.pictures.draw import fit
from bot.pictures.gauge import LABEL_SIZES, Scale

VALUES = st.decimals(min_value=0, max_value=10**7, allow_nan=False, allow_infinity=False)


@settings(max_examples=100, deadline=None)
@given(a=VALUES, b=VALUES, kind=st.sampled_from(["dose", "level", "k2"]))
def test_a_larger_value_never_sits_left_of_a_smaller_one(
    kb: KnowledgeBase, a: Decimal, b: Decimal, kind: str
) -> None:
    scale = Scale.of(kb.bands[kind], 16, 784)
    low, high = sorted((a, b))
    assert 16 <= scale.x(low) <= scale.x(high) <= 784


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(["dose", "level", "k2"]),
    index=st.integers(min_value=0, max_value=5),
    share=st.fractions(min_value=0, max_value=1),
)
def test_a_value_inside_a_band_is_drawn_inside_that_band(
    kb: KnowledgeBase, kind: str, index: int, share: object
) -> None:
    table = kb.bands[kind]
    index %= len(table.bands)
    band = table.bands[index]
    scale = Scale.of(table, 16, 784)
    low, high = scale.extents[index]
    value = low + (high - low) * Decimal(str(float(share)))  # type: ignore[arg-type]
    if value not in band.range:
        return  # an open edge belongs to the neighbour
    assert scale.edge_x(index) - 1e-6 <= scale.x(value) <= scale.edge_x(index + 1) + 1e-6


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(min_size=1, max_size=60).filter(lambda t: t.strip()),
    box=st.integers(min_value=30, max_value=400),
)
def test_fitted_text_never_overflows_its_box(text: str, box: int) -> None:
    fitted = fit(text, box, 80, LABEL_SIZES, bold=True)
    assert fitted.width <= box
    assert 1 <= len(fitted.lines) <= 2
