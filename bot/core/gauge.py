"""A one-line text gauge showing which band of a scale a value falls in."""

from __future__ import annotations

from bot.core.model import Band, BandTable


def gauge(table: BandTable, current: Band) -> str:
    """Every band's short label left to right, the current one marked: "low · ▶typical◀ · high"."""
    return gauge_marks([(band.gauge, band.id == current.id) for band in table.bands])


def gauge_marks(labels: list[tuple[str, bool]]) -> str:
    """Short labels left to right, the one flagged True marked."""
    return " · ".join(f"▶ {label} ◀" if current else label for label, current in labels)
