"""A one-line text gauge showing which band of a scale a value falls in."""

from __future__ import annotations

from bot.core.model import Band, BandTable


def gauge(table: BandTable, current: Band) -> str:
    """Every band's short label left to right, the current one marked: "low · ▶typical◀ · high"."""
    marks = [f"▶ {band.gauge} ◀" if band.id == current.id else band.gauge for band in table.bands]
    return " · ".join(marks)
