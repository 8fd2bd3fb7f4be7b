"""The moderators' usage chart: questions per day by command over the window, and top topics.

Drawn from a `UsageSummary` (counts only: the usage log holds no user ids or message text).
Days are UTC dates; a long window is drawn in buckets of several days so each bar stays
visible. The words come from messages.yaml (`stats.chart_*`).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from PIL import Image, ImageDraw

from bot.core.model import Messages
from bot.pictures.draw import INK, MUTED, WHITE, clamp, drawable, font, png, shorten, width
from bot.usage.summary import UsageSummary

WIDTH = 800
PAD = 20
TITLE_HEIGHT = 44
LEGEND_HEIGHT = 36
PLOT_HEIGHT = 220
AXIS_HEIGHT = 34
TOPIC_ROW = 34
MAX_TOPICS = 5
MAX_BARS = 60  # more days than this are drawn in buckets of several days
GRID = (229, 231, 235)
PLOT_MARGIN = 14  # above the plot, so the top gridline's figure clears the legend
BAR_GAP = 2

# Okabe–Ito colours: told apart with any kind of colour vision. The first commands get the
# first colours; any command past the palette is grey.
PALETTE = (
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (240, 228, 66),
)
OTHER = (153, 153, 153)
COMMAND_ORDER = ("dose", "level", "explain", "topics", "about")


def _commands(summary: UsageSummary) -> list[str]:
    seen = {command for _, command, _ in summary.daily}
    known = [c for c in COMMAND_ORDER if c in seen]
    return known + sorted(seen - set(known))


def colour_of(command: str, commands: list[str]) -> tuple[int, int, int]:
    index = commands.index(command)
    return PALETTE[index] if index < len(PALETTE) else OTHER


def _days(summary: UsageSummary) -> list[date]:
    end = datetime.fromtimestamp(summary.until, UTC).date()
    start = datetime.fromtimestamp(summary.until - summary.days * 86_400, UTC).date()
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def buckets(summary: UsageSummary) -> tuple[int, list[tuple[date, dict[str, int]]]]:
    """(days per bar, [(first day, {command: count})]) over the whole window, empty days in."""
    days = _days(summary)
    size = max(1, math.ceil(len(days) / MAX_BARS))
    counts: dict[date, dict[str, int]] = {}
    for day_text, command, n in summary.daily:
        day = date.fromisoformat(day_text)
        if days[0] <= day <= days[-1]:
            first = days[((day - days[0]).days // size) * size]
            bucket = counts.setdefault(first, {})
            bucket[command] = bucket.get(command, 0) + n
    return size, [(days[i], counts.get(days[i], {})) for i in range(0, len(days), size)]


def _nice_top(highest: int) -> tuple[int, int]:
    """An axis top at or above `highest` and its gridline step (1, 2 or 5 times a power of 10)."""
    if highest <= 4:
        return max(highest, 1), 1
    rough = highest / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return math.ceil(highest / step) * step, step


def height(summary: UsageSummary) -> int:
    topics = min(len(summary.top_topics), MAX_TOPICS)
    topic_block = (TOPIC_ROW * (topics + 1) + 8) if topics else 0
    return (
        TITLE_HEIGHT + LEGEND_HEIGHT + PLOT_MARGIN + PLOT_HEIGHT + AXIS_HEIGHT + topic_block + PAD
    )


def _legend(
    draw: ImageDraw.ImageDraw, summary: UsageSummary, commands: list[str], y: float
) -> None:
    face = font(20)
    totals: dict[str, int] = {}
    for _, command, n in summary.daily:
        totals[command] = totals.get(command, 0) + n
    x = float(PAD)
    for command in commands:
        text = drawable(f"{command} {totals[command]}")
        needed = 22 + width(text, face)
        if x + needed > WIDTH - PAD:
            break  # the text reply lists every command
        draw.rectangle((x, y - 8, x + 16, y + 8), fill=colour_of(command, commands))
        draw.text((x + 22, y), text, font=face, fill=INK, anchor="lm")
        x += needed + 18


def _plot(
    draw: ImageDraw.ImageDraw,
    summary: UsageSummary,
    commands: list[str],
    top: float,
    messages: Messages,
) -> None:
    _, bars = buckets(summary)
    highest = max((sum(counts.values()) for _, counts in bars), default=0)
    axis_top, step = _nice_top(highest)
    small = font(18)
    left = PAD + max(width(str(axis_top), small), 12) + 8
    right = WIDTH - PAD
    bottom = top + PLOT_HEIGHT
    for value in range(0, axis_top + 1, step):
        y = bottom - value / axis_top * PLOT_HEIGHT
        draw.line((left, y, right, y), fill=GRID, width=1)
        draw.text((left - 6, y), str(value), font=small, fill=MUTED, anchor="rm")
    slot = (right - left) / len(bars)
    for index, (_, counts) in enumerate(bars):
        x0 = left + index * slot + BAR_GAP / 2
        x1 = max(x0 + 1, left + (index + 1) * slot - BAR_GAP / 2)
        y = bottom
        for command in commands:
            n = counts.get(command, 0)
            if n:
                h = n / axis_top * PLOT_HEIGHT
                draw.rectangle((x0, y - h, x1 - 1, y - 1), fill=colour_of(command, commands))
                y -= h
    draw.line((left, bottom, right, bottom), fill=MUTED, width=2)
    # Dates under the first, middle and last bars.
    for index in sorted({0, len(bars) // 2, len(bars) - 1}):
        first, _ = bars[index]
        text = first.strftime("%b %d").replace(" 0", " ")
        x = clamp(
            left + (index + 0.5) * slot,
            PAD + width(text, small) / 2,
            WIDTH - PAD - width(text, small) / 2,
        )
        draw.text((x, bottom + AXIS_HEIGHT / 2), text, font=small, fill=MUTED, anchor="mm")
    if highest == 0:
        note = messages.get("stats.chart_empty")
        draw.text(
            ((left + right) / 2, top + PLOT_HEIGHT / 2),
            note,
            font=font(22),
            fill=MUTED,
            anchor="mm",
        )


def _topics(
    draw: ImageDraw.ImageDraw, summary: UsageSummary, top: float, messages: Messages
) -> None:
    shown = summary.top_topics[:MAX_TOPICS]
    if not shown:
        return
    heading = messages.get("stats.top_topics")
    draw.text((PAD, top + TOPIC_ROW / 2), heading, font=font(22, bold=True), fill=INK, anchor="lm")
    face = font(20)
    name_width = 200
    highest = max(n for _, n in shown)
    bar_left = PAD + name_width + 10
    bar_room = WIDTH - PAD - bar_left - 60
    for row, (topic, n) in enumerate(shown, start=1):
        y = top + row * TOPIC_ROW + TOPIC_ROW / 2
        draw.text((PAD, y), shorten(topic, face, name_width), font=face, fill=INK, anchor="lm")
        length = max(2.0, n / highest * bar_room)
        draw.rectangle((bar_left, y - 10, bar_left + length, y + 10), fill=PALETTE[2])
        draw.text((bar_left + length + 8, y), str(n), font=face, fill=MUTED, anchor="lm")


def stats_png(summary: UsageSummary, window: str, messages: Messages) -> bytes:
    """The chart of `summary` (`window` says which days and servers, as the text does)."""
    image = Image.new("RGB", (WIDTH, height(summary)), WHITE)
    draw = ImageDraw.Draw(image)
    size, _ = buckets(summary)
    key = "stats.chart_title" if size == 1 else "stats.chart_title_buckets"
    title = messages.get(key, window=window, days=str(size))
    title_face = font(24, bold=True)
    draw.text(
        (PAD, TITLE_HEIGHT / 2 + 4),
        shorten(title, title_face, WIDTH - 2 * PAD),
        font=title_face,
        fill=INK,
        anchor="lm",
    )
    commands = _commands(summary)
    _legend(draw, summary, commands, TITLE_HEIGHT + LEGEND_HEIGHT / 2)
    plot_top = TITLE_HEIGHT + LEGEND_HEIGHT + PLOT_MARGIN
    _plot(draw, summary, commands, plot_top, messages)
    _topics(draw, summary, plot_top + PLOT_HEIGHT + AXIS_HEIGHT + 8, messages)
    return png(image)
