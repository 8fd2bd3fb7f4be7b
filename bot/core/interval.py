"""Intervals in the notation curators write band ranges in: "[1000, 2000]", "(2000, 4000]"."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

INTERVAL = re.compile(r"^\s*([\[(])\s*([^,\s]+)\s*,\s*([^,\s]+)\s*([\])])\s*$")


class IntervalError(ValueError):
    """An interval string that doesn't follow the notation."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A range of numbers; `None` as an edge means unbounded on that side."""

    low: Decimal | None
    low_closed: bool
    high: Decimal | None
    high_closed: bool

    @classmethod
    def parse(cls, text: str) -> Interval:
        match = INTERVAL.match(text)
        if not match:
            raise IntervalError(
                f'range {text!r} is not interval notation; write it like "[1000, 2000]" '
                'or "(2000, inf)": square brackets include the edge, round ones exclude it'
            )
        opening, low_text, high_text, closing = match.groups()
        low = _edge(low_text, text)
        high = _edge(high_text, text)
        if (low is None and opening == "[") or (high is None and closing == "]"):
            raise IntervalError(f"range {text!r}: an infinite edge can't be included")
        if low is not None and high is not None and low >= high:
            raise IntervalError(f"range {text!r}: the lower edge must be below the upper edge")
        return cls(low, opening == "[", high, closing == "]")

    def __contains__(self, value: Decimal) -> bool:
        # Each edge read once: a reply asks a dozen times, mostly inside an open edge.
        low = self.low
        if low is not None and (value < low or (value == low and not self.low_closed)):
            return False
        high = self.high
        return high is None or value < high or (value == high and self.high_closed)

    def __str__(self) -> str:
        low = "-inf" if self.low is None else plain(self.low)
        high = "inf" if self.high is None else plain(self.high)
        return f"{'[' if self.low_closed else '('}{low}, {high}{']' if self.high_closed else ')'}"


def _edge(text: str, whole: str) -> Decimal | None:
    if text.lower() in {"inf", "+inf", "-inf"}:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise IntervalError(f"range {whole!r}: {text!r} is not a number") from exc
    if not value.is_finite():
        raise IntervalError(f"range {whole!r}: {text!r} is not a finite number")
    return value


def plain(value: Decimal) -> str:
    """A figure as written in prose: 4000 for 4E+3 or 4000.0."""
    return format(value.normalize(), "f")


def coverage_problems(domain: Interval, parts: list[tuple[str, Interval]]) -> list[str]:
    """Why `parts` (in order) don't tile `domain` exactly: gaps, overlaps, loose ends."""
    problems: list[str] = []
    if not parts:
        return ["no bands"]
    first_id, first = parts[0]
    if (first.low, first.low_closed) != (domain.low, domain.low_closed):
        problems.append(f"band {first_id!r} starts at {first} but the domain {domain} starts there")
    last_id, last = parts[-1]
    if (last.high, last.high_closed) != (domain.high, domain.high_closed):
        problems.append(f"band {last_id!r} ends at {last} but the domain {domain} ends there")
    for (prev_id, prev), (next_id, nxt) in itertools.pairwise(parts):
        if prev.high is None or nxt.low is None:
            problems.append(f"bands {prev_id!r} and {next_id!r} overlap (an unbounded edge)")
        elif prev.high < nxt.low:
            problems.append(f"gap between {prev_id!r} {prev} and {next_id!r} {nxt}")
        elif prev.high > nxt.low:
            problems.append(f"bands {prev_id!r} {prev} and {next_id!r} {nxt} overlap")
        elif prev.high_closed and nxt.low_closed:
            problems.append(
                f"bands {prev_id!r} and {next_id!r} both include {plain(prev.high)} (overlap)"
            )
        elif not prev.high_closed and not nxt.low_closed:
            problems.append(
                f"neither {prev_id!r} nor {next_id!r} includes {plain(prev.high)} (gap)"
            )
    return problems
