"""The gauge in words: the bands of a scale with the current one marked, their edges, and the
table's marks (cut-points and ranges with their source). The gauge picture draws the same."""

from __future__ import annotations

from bot.core.amounts import fmt
from bot.core.model import Band, BandTable, Messages


def gauge(table: BandTable, current: Band, messages: Messages) -> str:
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
    table: BandTable, current: Band, value: str, messages: Messages, gauge_text: str
) -> str:
    """What the gauge picture shows, in words (its alt text); `gauge_text` is `gauge(...)`
    for this band, which replies have built already."""
    text = messages.get("gauge.alt", title=table.title, value=value, band=current.gauge)
    return f"{text} {gauge_text}".replace("\n", "; ")
