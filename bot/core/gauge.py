"""The gauge in words: the bands of a scale with the current one marked, their edges, and the
table's marks (cut-points and ranges with their source). The gauge picture draws the same.

A scale is a band table from `bands/` or one made from other knowledge (a child's upper
limits, `ages.yaml`); both are read through the `GaugeScale` protocol, so the words and the
picture of either come from the same code.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from bot.core.amounts import fmt
from bot.core.interval import Interval
from bot.core.model import Messages


class GaugeBand(Protocol):
    """One band of a gauge: its short label, colour and range."""

    @property
    def id(self) -> str: ...
    @property
    def gauge(self) -> str: ...
    @property
    def colour(self) -> int: ...
    @property
    def range(self) -> Interval: ...


class GaugeMark(Protocol):
    """Figures under a gauge, labelled with their source: cut-points or a range."""

    @property
    def text(self) -> str: ...
    @property
    def at(self) -> tuple[Decimal, ...]: ...
    @property
    def range(self) -> Interval | None: ...


class GaugeScale(Hashable, Protocol):
    """What a gauge is drawn from: bands lowest first, marks, a title and a unit."""

    @property
    def title(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def bands(self) -> Sequence[GaugeBand]: ...
    @property
    def marks(self) -> Sequence[GaugeMark]: ...


@dataclass(frozen=True, slots=True)
class BuiltBand:
    """A band of a scale made from other knowledge (see `GaugeBand`)."""

    id: str
    gauge: str
    colour: int
    range: Interval


@dataclass(frozen=True, slots=True)
class BuiltMark:
    """Cut-points of a scale made from other knowledge (see `GaugeMark`)."""

    text: str
    at: tuple[Decimal, ...]
    range: Interval | None = None


@dataclass(frozen=True)
class BuiltScale:
    """A gauge's scale made from other knowledge than a band table (see `GaugeScale`)."""

    title: str
    unit: str
    bands: tuple[BuiltBand, ...]
    marks: tuple[BuiltMark, ...] = ()

    # A drawn gauge is looked up by its picture, scale and all, on every answer: hash once.
    @functools.cached_property
    def _hash(self) -> int:
        return hash((self.title, self.unit, self.bands, self.marks))

    def __hash__(self) -> int:
        return self._hash


def gauge(table: GaugeScale, current: GaugeBand, messages: Messages) -> str:
    """The scale on one line, each edge between the bands it divides and the current band
    marked, in two phone rows ("low ·1,000· ▶typical◀ ·2,000· high IU/day"), then the
    table's marks."""
    labels = [(band.gauge, band.id == current.id) for band in table.bands]
    edges = [band.range.low for band in table.bands[1:]]
    parts = [gauge_marks(labels[:1])]
    for (label, marked), edge in zip(labels[1:], edges, strict=True):
        parts.append(f"·{fmt(edge, 2)}·" if edge is not None else "·")
        parts.append(gauge_marks([(label, marked)]))
    lines = [messages.get("gauge.scale", scale=" ".join(parts), unit=table.unit)]
    for mark in table.marks:
        if mark.range is not None and mark.range.low is not None and mark.range.high is not None:
            figures = f"{fmt(mark.range.low, 2)}–{fmt(mark.range.high, 2)}"
        else:
            figures = ", ".join(fmt(value, 2) for value in mark.at)
        lines.append(messages.get("gauge.mark", label=mark.text, figures=figures, unit=table.unit))
    return "\n".join(lines)


def gauge_marks(labels: list[tuple[str, bool]]) -> str:
    """Short labels left to right, the one flagged True marked."""
    return " · ".join(f"▶{label}◀" if current else label for label, current in labels)


def picture_description(
    table: GaugeScale, current: GaugeBand, value: str, messages: Messages, gauge_text: str
) -> str:
    """What the gauge picture shows, in words (its alt text); `gauge_text` is `gauge(...)`
    for this band, which replies have built already."""
    text = messages.get("gauge.alt", title=table.title, value=value, band=current.gauge)
    return f"{_one_line(text)} {_gauge_line(gauge_text)}"


def _one_line(text: str) -> str:
    return text.replace("\n", "; ")


# A band's gauge text is the same object on every reply: put on one line once. The result
# depends on the text alone, so it can't go stale.
_gauge_line = functools.lru_cache(maxsize=256)(_one_line)
