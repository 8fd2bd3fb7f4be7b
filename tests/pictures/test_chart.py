"""The moderators' usage chart, from a real SQLite usage log, read back from its PNG."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.model import KnowledgeBase
from bot.pictures.chart import PALETTE, stats_png
from bot.usage.events import INSERT_ROW, UsageEvent, to_row
from bot.usage.report import window_text
from bot.usage.schema import connect, migrate
from bot.usage.summary import UsageSummary, read_summary
from tests.pictures.reading import open_png

DAY = 86_400
NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC).timestamp()
DOSE, LEVEL, EXPLAIN = PALETTE[0], PALETTE[1], PALETTE[2]


def log_with(path: Path, events: list[tuple[float, UsageEvent]]) -> UsageSummary:
    conn = connect(path)
    migrate(conn)
    with conn:
        for at, event in events:
            conn.execute(INSERT_ROW, to_row(event, at))
    summary = read_summary(conn, days=7, guild_id=None, now=NOW)
    conn.close()
    return summary


def column_heights(image_bytes: bytes, colour: tuple[int, int, int]) -> list[int]:
    """For each x, how many pixels of `colour` the column has: a bar's height."""
    image = open_png(image_bytes)
    pixels = image.load()
    return [
        sum(1 for y in range(image.height) if pixels[x, y] == colour) for x in range(image.width)
    ]


def bars(heights: list[int], legend: int = 17) -> list[int]:
    """The heights of the separate bars of one colour, left to right (the legend's swatch,
    `legend` px tall, is left out: no bar in these tests is that tall)."""
    found: list[int] = []
    current = 0
    for height in [*heights, 0]:
        if height and height != legend:
            current = max(current, height)
        elif current:
            found.append(current)
            current = 0
    return found


def test_bars_stack_each_days_questions_by_command(tmp_path: Path, kb: KnowledgeBase) -> None:
    events = (
        [(NOW - 2 * DAY, UsageEvent("dose", True, 1, outcome="typical"))] * 4
        + [(NOW - 2 * DAY, UsageEvent("level", True, 1, outcome="goal"))] * 2
        + [(NOW - 1 * DAY, UsageEvent("dose", True, 1, outcome="typical"))] * 2
        + [(NOW - 20 * DAY, UsageEvent("dose", True, 1, outcome="typical"))] * 9  # before
    )
    summary = log_with(tmp_path / "usage.sqlite3", events)
    assert summary.daily == (
        ("2026-03-08", "dose", 4),
        ("2026-03-08", "level", 2),
        ("2026-03-09", "dose", 2),
    )
    data = stats_png(summary, window_text(kb.messages, 7, None), kb.messages)
    dose_bars = bars(column_heights(data, DOSE))
    level_bars = bars(column_heights(data, LEVEL))
    # Two days with dose questions, 4 then 2; one with level questions, 2: heights in proportion.
    assert len(dose_bars) == 2 and len(level_bars) == 1
    assert abs(dose_bars[0] - 2 * dose_bars[1]) <= 2
    assert abs(dose_bars[1] - level_bars[0]) <= 2
    assert bars(column_heights(data, EXPLAIN)) == []  # no explain questions: no green bars


def test_top_topics_are_bars_in_order(tmp_path: Path, kb: KnowledgeBase) -> None:
    events = [(NOW - DAY, UsageEvent("explain", True, 1, outcome="mgp"))] * 6 + [
        (NOW - DAY, UsageEvent("explain", True, 1, outcome="synergy"))
    ] * 3
    summary = log_with(tmp_path / "usage.sqlite3", events)
    data = stats_png(summary, window_text(kb.messages, 7, None), kb.messages)
    image = open_png(data)
    pixels = image.load()
    # The topic rows under the plot: horizontal runs of the topic bar colour.
    widths = []
    for y in range(image.height // 2, image.height):
        row = sum(1 for x in range(image.width) if pixels[x, y] == EXPLAIN)
        if row > 20 and (not widths or abs(row - widths[-1]) > 3):
            widths.append(row)
    assert len(widths) == 2 and abs(widths[0] - 2 * widths[1]) <= 3


def test_a_long_window_is_drawn_in_buckets_and_an_empty_one_still_draws(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    long = UsageSummary(days=365, guild_id=1, daily=(("2026-01-05", "dose", 3),), until=NOW)
    data = stats_png(long, window_text(kb.messages, 365, 1), kb.messages)
    assert len(bars(column_heights(data, DOSE))) == 1
    empty = UsageSummary(days=30, guild_id=None, until=NOW)
    image = open_png(stats_png(empty, window_text(kb.messages, 30, None), kb.messages))
    assert image.width == 800 and image.height < 1000
