"""The gauge in words: the bands of a scale with the current one marked, their edges, and the
table's marks (cut-points and ranges with their source). The gauge picture draws the same."""

from __future__ import annotations

from bot.core.amounts import fmt
from bot.core.model import Band, BandTable, Messages


def gauge(table: BandTable, current: Band, messages: Messages) -> str:
    """Lines like "low · ▶typical◀ · high", "Band edges (IU/day): 1,000 · 2,000", marks."""
    lines = [gauge_marks([(band.gauge, band.id == current.id) for band in table.bands])]
    edges = [fmt(band.range.low, 2) for band in table.bands[1:] if band.range.low is not None]
    if edges:
        lines.append(messages.get("gauge.edges", unit=table.unit, edges=" · ".join(edges)))
    for mark in table.marks:
        if mark.range is not None and mark.range.low is not None and mark.range.high is not None:
            figures = f"{fmt(mark.range.low, 2)}–{fmt(mark.range.high, 2)}"
        else:
            figures = ", ".join(fmt(value, 2) for value in mark.at)
        lines.append(messages.get("gauge.mark", label=mark.text, figures=figures, unit=table.unit))
    return "\n".join(lines)


def gauge_marks(labels: list[tuple[str, bool]]) -> str:
    """Short labels left to right, the one flagged True marked."""
    return " · ".join(f"▶ {label} ◀" if current else label for label, current in labels)


def picture_description(
    table: BandTable, current: Band, value: str, messages: Messages, gauge_text: str
) -> str:
    """What the gauge picture shows, in words (its alt text); `gauge_text` is `gauge(...)`
    for this band, which replies have built already."""
    text = messages.get("gauge.alt", title=table.title, value=value, band=current.gauge)
    return f"{text} {gauge_text}".replace("\n", "; ")
