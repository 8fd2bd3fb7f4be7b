"""Band intervals: every edge from both sides, the refusals with what they name, and the
checker's coverage problems, each message with the bands and edges it is about."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.interval import Interval, IntervalError, coverage_problems

D = Decimal
OPEN = Interval(None, False, None, False)


def band(text: str) -> Interval:
    return Interval.parse(text)


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("[10, 20]", ["10", "10.0001", "19.9999", "20"], ["9.9999", "20.0001"]),
        ("(10, 20)", ["10.0001", "19.9999"], ["10", "20", "9", "21"]),
        ("[10, 20)", ["10", "19.9999"], ["20", "9.9999"]),
        ("(10, 20]", ["10.0001", "20"], ["10", "20.0001"]),
        ("(-inf, 12)", ["-1000000", "0", "11.9999"], ["12", "12.0001"]),
        ("[12, inf)", ["12", "1000000000000"], ["11.9999"]),
        ("(12, +inf)", ["12.0001"], ["12"]),
        ("(-inf, inf)", ["-5", "0", "5"], []),
    ],
)
def test_each_edge_holds_from_both_sides(text: str, inside: list[str], outside: list[str]) -> None:
    interval = band(text)
    for value in inside:
        assert D(value) in interval, value
    for value in outside:
        assert D(value) not in interval, value


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("[1000, 2000]", Interval(D(1000), True, D(2000), True)),
        ("(2000, 4000)", Interval(D(2000), False, D(4000), False)),
        ("  ( 0.5 ,  1e3 ]  ", Interval(D("0.5"), False, D(1000), True)),
        ("(-inf, 12)", Interval(None, False, D(12), False)),
        ("(-INF, Inf)", Interval(None, False, None, False)),
        ("[-5, 0)", Interval(D(-5), True, D(0), False)),
    ],
)
def test_notation_reads_into_edges_and_brackets(text: str, parsed: Interval) -> None:
    assert band(text) == parsed


@pytest.mark.parametrize(
    ("interval", "written"),
    [
        (Interval(D(1000), True, D(2000), True), "[1000, 2000]"),
        (Interval(D("2.50"), False, D("1E+3"), False), "(2.5, 1000)"),
        (Interval(None, False, D(12), True), "(-inf, 12]"),
        (Interval(D(12), True, None, False), "[12, inf)"),
    ],
)
def test_intervals_write_back_in_the_notation(interval: Interval, written: str) -> None:
    assert str(interval) == written


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 to 2", "range '1 to 2' is not interval notation; write it like \"[1000, 2000]\""),
        ("[inf, 3)", "range '[inf, 3)': an infinite edge can't be included"),
        ("(1, inf]", "range '(1, inf]': an infinite edge can't be included"),
        ("[5, 5]", "range '[5, 5]': the lower edge must be below the upper edge"),
        ("(6, 5)", "range '(6, 5)': the lower edge must be below the upper edge"),
        ("(a, 5)", "range '(a, 5)': 'a' is not a number"),
        ("(1, nan)", "range '(1, nan)': 'nan' is not a finite number"),
    ],
)
def test_refusals_quote_the_range_and_name_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(IntervalError) as caught:
        band(text)
    assert str(caught.value).startswith(message)


def test_the_notation_refusal_says_what_the_brackets_mean() -> None:
    with pytest.raises(IntervalError) as caught:
        band("10-20")
    assert str(caught.value) == (
        "range '10-20' is not interval notation; write it like \"[1000, 2000]\" "
        'or "(2000, inf)": square brackets include the edge, round ones exclude it'
    )


def test_an_unbounded_edge_may_be_open_on_either_side() -> None:
    assert band("(-inf, 5]") == Interval(None, False, D(5), True)
    assert band("[5, inf)") == Interval(D(5), True, None, False)


edge = st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: D(n) / 100)


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    low, high = sorted(draw(st.lists(edge, min_size=2, max_size=2, unique=True)))
    low_open, high_open = draw(st.booleans()), draw(st.booleans())
    return Interval(
        None if low_open and draw(st.booleans()) else low,
        draw(st.booleans()) and not low_open,
        None if high_open and draw(st.booleans()) else high,
        draw(st.booleans()) and not high_open,
    )


def _fixed(interval: Interval) -> Interval:
    """An infinite edge is never included: the notation has no way to say so."""
    return Interval(
        interval.low,
        interval.low_closed and interval.low is not None,
        interval.high,
        interval.high_closed and interval.high is not None,
    )


@settings(max_examples=100)
@given(interval=intervals().map(_fixed))
def test_any_interval_reads_back_from_what_it_writes(interval: Interval) -> None:
    assert band(str(interval)) == interval


@settings(max_examples=100)
@given(interval=intervals().map(_fixed), value=edge)
def test_a_value_is_inside_exactly_when_it_is_between_the_edges(
    interval: Interval, value: Decimal
) -> None:
    above_low = interval.low is None or value > interval.low
    below_high = interval.high is None or value < interval.high
    on_low = interval.low is not None and value == interval.low
    on_high = interval.high is not None and value == interval.high
    expected = (above_low or (on_low and interval.low_closed)) and (
        below_high or (on_high and interval.high_closed)
    )
    assert (value in interval) == expected


def parts(*texts: str) -> list[tuple[str, Interval]]:
    return [(f"b{i}", band(text)) for i, text in enumerate(texts)]


def test_bands_that_tile_the_domain_have_no_problem() -> None:
    domain = band("(0, inf)")
    assert coverage_problems(domain, parts("(0, 10)", "[10, 20]", "(20, inf)")) == []


@pytest.mark.parametrize(
    ("domain", "texts", "problems"),
    [
        ("(0, inf)", (), ["no bands"]),
        (
            "(0, inf)",
            ("[0, 10)", "[10, inf)"),
            ["band 'b0' starts at [0, 10) but the domain (0, inf) starts there"],
        ),
        (
            "(0, inf)",
            ("(1, 10)", "[10, inf)"),
            ["band 'b0' starts at (1, 10) but the domain (0, inf) starts there"],
        ),
        (
            "(0, 100]",
            ("(0, 10)", "[10, 100)"),
            ["band 'b1' ends at [10, 100) but the domain (0, 100] ends there"],
        ),
        (
            "(0, 100]",
            ("(0, 10)", "[10, 90]"),
            ["band 'b1' ends at [10, 90] but the domain (0, 100] ends there"],
        ),
        (
            "(0, inf)",
            ("(0, 10)", "(12, inf)"),
            ["gap between 'b0' (0, 10) and 'b1' (12, inf)"],
        ),
        (
            "(0, inf)",
            ("(0, 12)", "(10, inf)"),
            ["bands 'b0' (0, 12) and 'b1' (10, inf) overlap"],
        ),
        (
            "(0, inf)",
            ("(0, 10]", "[10, inf)"),
            ["bands 'b0' and 'b1' both include 10 (overlap)"],
        ),
        (
            "(0, inf)",
            ("(0, 10)", "(10, inf)"),
            ["neither 'b0' nor 'b1' includes 10 (gap)"],
        ),
        (
            "(0, inf)",
            ("(0, 10.50)", "(10.5, inf)"),
            ["neither 'b0' nor 'b1' includes 10.5 (gap)"],
        ),
        (
            "(-inf, inf)",
            ("(-inf, inf)", "(-inf, inf)"),
            ["bands 'b0' and 'b1' overlap (an unbounded edge)"],
        ),
        (
            "(0, inf)",
            ("(0, inf)", "(5, inf)"),
            ["bands 'b0' and 'b1' overlap (an unbounded edge)"],
        ),
        (
            "(-inf, 9)",
            ("(-inf, 5)", "(-inf, 9)"),
            ["bands 'b0' and 'b1' overlap (an unbounded edge)"],
        ),
    ],
)
def test_coverage_problems_name_the_bands_and_the_edge(
    domain: str, texts: tuple[str, ...], problems: list[str]
) -> None:
    assert coverage_problems(band(domain), parts(*texts)) == problems


def test_every_pair_of_neighbours_is_checked() -> None:
    domain = band("(0, inf)")
    found = coverage_problems(domain, parts("(0, 10)", "[10, 20)", "(20, 30)", "[30, inf)"))
    assert found == ["neither 'b1' nor 'b2' includes 20 (gap)"]


@settings(max_examples=60)
@given(
    edges=st.lists(st.integers(1, 10_000), min_size=1, max_size=6, unique=True).map(sorted),
    moved=st.data(),
)
def test_moving_one_edge_is_always_reported(edges: list[int], moved: st.DataObject) -> None:
    """Bands cut at `edges` tile (0, inf); nudging one band's upper edge leaves a gap or
    an overlap that names both bands."""
    bounds: list[int | None] = [0, *edges, None]
    tiles = [
        (f"b{i}", Interval(D(low), i > 0, None if high is None else D(high), False))
        for i, (low, high) in enumerate(itertools.pairwise(bounds))
        if low is not None
    ]
    domain = Interval(D(0), False, None, False)
    assert coverage_problems(domain, tiles) == []
    index = moved.draw(st.integers(0, len(edges) - 1))
    shift = moved.draw(st.sampled_from([-1, 1])) * D("0.5")
    name, old = tiles[index]
    assert old.high is not None
    tiles[index] = (name, Interval(old.low, old.low_closed, old.high + shift, old.high_closed))
    found = coverage_problems(domain, tiles)
    assert len(found) == 1
    assert f"'b{index}'" in found[0] and f"'b{index + 1}'" in found[0]
    assert ("gap" in found[0]) == (shift < 0) and ("overlap" in found[0]) == (shift > 0)
