"""The two parsers behind the checker: band intervals and line-aware YAML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.interval import Interval, IntervalError, coverage_problems
from bot.core.yamlfile import LineDict, YamlError, load_yaml


def test_interval_edges_follow_the_brackets() -> None:
    closed = Interval.parse("[1000, 2000]")
    assert Decimal(1000) in closed and Decimal(2000) in closed
    open_ = Interval.parse("(2000, 4000)")
    assert Decimal(2000) not in open_ and Decimal(4000) not in open_
    unbounded = Interval.parse("(10000, inf)")
    assert Decimal(10**12) in unbounded and Decimal(10000) not in unbounded


@pytest.mark.parametrize("text", ["[1, 1]", "(5, 2)", "[inf, 3)", "(1, inf]", "1 to 2", "(a, b)"])
def test_malformed_intervals_are_refused(text: str) -> None:
    with pytest.raises(IntervalError):
        Interval.parse(text)


@given(st.text(max_size=40))
def test_any_text_is_an_interval_or_an_interval_error(text: str) -> None:
    try:
        interval = Interval.parse(text)
    except IntervalError as exc:
        assert str(exc)
    else:
        assert Interval.parse(str(interval)) == interval


@given(
    edges=st.lists(st.integers(1, 10_000), min_size=2, max_size=8, unique=True).map(sorted),
    closed=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_bands_split_at_edges_tile_their_domain(edges: list[int], closed: list[bool]) -> None:
    """Cutting a domain at any edges, each edge owned by exactly one side, leaves no gap."""
    bounds = [None, *edges, None]
    parts = []
    for i in range(len(bounds) - 1):
        low, high = bounds[i], bounds[i + 1]
        low_closed = low is not None and not closed[i - 1] if i else False
        high_closed = high is not None and closed[i]
        parts.append(
            (
                f"b{i}",
                Interval(
                    None if low is None else Decimal(low),
                    low_closed,
                    None if high is None else Decimal(high),
                    high_closed,
                ),
            )
        )
    domain = Interval(None, False, None, False)
    assert coverage_problems(domain, parts) == []
    for edge in edges:
        assert sum(Decimal(edge) in interval for _, interval in parts) == 1


def test_yaml_mappings_remember_key_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("a: 1\n\nb:\n  c: [x, y]\n", encoding="utf-8")
    data = load_yaml(path)
    assert isinstance(data, LineDict)
    assert data.line_of("a") == 1 and data.line_of("b") == 3
    assert data["b"].line_of("c") == 4


@given(st.text(max_size=200))
def test_any_text_loads_or_gives_a_yaml_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("yaml") / "t.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_yaml(path)
    except YamlError as exc:
        assert str(exc).startswith(str(path))
