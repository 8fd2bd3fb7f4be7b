"""The gauge picture for dose and level replies: the bands of a scale, the member's value on it.

Everything drawn comes from the knowledge: each band's short label (`gauge`), edges and
colour from its band table, and the table's `marks` (cut-points and ranges, each labelled
with its source) in rows under the scale. Each band is as wide as its label needs (within
half and twice an even share), not as wide as its numbers, and values are placed linearly
within their band, so a narrow band stays readable; the open-ended top band is drawn as
wide, in value, as the band below it. A value past the drawn end sits at the right end,
with an arrow saying it goes on.

Rendering is a pure function of the band table and the value, so its PNG is cached per
knowledge base: the same answer asked again reuses the same bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.core.amounts import fmt
from bot.core.gauge import GaugeMark, GaugeScale
from bot.core.model import KnowledgeBase
from bot.core.reply import Picture
from bot.pictures.draw import (
    INK,
    MUTED,
    WHITE,
    clamp,
    draw_fitted,
    fit,
    fit_all,
    font,
    png,
    rgb,
    shorten,
    text_on,
    two_lines,
    width,
)

WIDTH = 800
PAD = 16  # nothing is drawn in the outer PAD pixels
BUBBLE_TOP = 6
BUBBLE_HEIGHT = 46
BAR_TOP = 72
BAR_HEIGHT = 88
SCALE_GAP = 8  # between the bar and the numbers under it
SCALE_ROW = 32
MARK_ROW = 50
LABEL_LINE = 34  # a cut-points mark's label, under its ticks
BOTTOM = 12
MARKER_WIDTH = 3
SIDE_STEP = 8  # how far past an edge a "<x" or ">x" result is marked
LABEL_PAD = 8  # each side of a band's label
LABEL_SIZES = (30, 28, 26, 24, 22, 20, 18)
MARK_SIZES = (26, 24, 22, 20, 18)
GAUGES_KEPT = 256  # about 10 kB each


@dataclass(frozen=True, slots=True)
class Scale:
    """Where each value of a band table goes across the bar, in pixels."""

    # Each band's drawn extent, in the table's unit: (low, high), finite.
    extents: tuple[tuple[Decimal, Decimal], ...]
    # The x of each band's left edge, then the bar's right end.
    edges: tuple[float, ...]

    @classmethod
    def of(cls, table: GaugeScale, left: float, right: float) -> Scale:
        """Each band as wide as its label needs at the largest size (within half and twice
        an even share), the rest shared out evenly, or all shrunk in proportion when the
        labels need more than there is."""
        extents = drawn_extents(table)
        face = font(LABEL_SIZES[0], bold=True)
        total = right - left
        fair = total / len(table.bands)
        # No band narrower than half a fair share, or wider than two: a long label shrinks
        # rather than squeezing its neighbours out.
        needed = [
            clamp(_label_width(band.gauge, face) + 2 * LABEL_PAD, fair / 2, fair * 2)
            for band in table.bands
        ]
        spare = total - sum(needed)
        if spare >= 0:
            widths = [need + spare / len(needed) for need in needed]
        else:
            widths = [need * total / sum(needed) for need in needed]
        edges = [left]
        for band_width in widths:
            edges.append(edges[-1] + band_width)
        edges[-1] = right
        return cls(extents, tuple(edges))

    def edge_x(self, index: int) -> float:
        """The x of the left edge of band `index` (len(extents) gives the right end)."""
        return self.edges[index]

    def x(self, value: Decimal) -> float:
        """The x at which `value` sits; values past either end sit at that end."""
        for index, (low, high) in enumerate(self.extents):
            if value <= high or index == len(self.extents) - 1:
                share = float((clamp_decimal(value, low, high) - low) / (high - low))
                return self.edges[index] + share * (self.edges[index + 1] - self.edges[index])
        raise AssertionError("a scale has at least one band")

    def beyond(self, value: Decimal) -> bool:
        return value > self.extents[-1][1]


def _label_width(text: str, face: ImageFont.FreeTypeFont) -> int:
    """How wide a band's label is at its best: on one line or split over two."""
    options = [(text,), *two_lines(text)]
    return min(max(width(line, face) for line in lines) for lines in options)


def clamp_decimal(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def drawn_extents(table: GaugeScale) -> tuple[tuple[Decimal, Decimal], ...]:
    """Each band's (low, high) as drawn: an open end is as wide as its neighbour's band."""
    lows = [band.range.low for band in table.bands]
    highs = [band.range.high for band in table.bands]
    finite = [edge for edge in (*lows, *highs) if edge is not None]
    if not finite:
        return ((Decimal(0), Decimal(1)),)
    extents: list[tuple[Decimal, Decimal]] = []
    for index, (low, high) in enumerate(zip(lows, highs, strict=True)):
        if low is not None and high is not None:
            extents.append((low, high))
            continue
        if low is None and high is None:
            extents.append((Decimal(0), Decimal(1)))
            continue
        neighbour = table.bands[index + 1 if low is None else index - 1] if len(lows) > 1 else None
        span = _span(neighbour.range.low, neighbour.range.high) if neighbour else None
        if low is None:
            assert high is not None
            extents.append((high - (span or abs(high) or Decimal(1)), high))
        else:
            assert low is not None
            extents.append((low, low + (span or abs(low) or Decimal(1))))
    return tuple(extents)


def _span(low: Decimal | None, high: Decimal | None) -> Decimal | None:
    return high - low if low is not None and high is not None else None


def number(value: Decimal) -> str:
    return fmt(value, 2)


def _bubble(label: str, beyond: bool) -> Image.Image:
    """The value in words, white on a dark rounded box (full colour, for its smooth text)."""
    face = font(28, bold=True)
    text = shorten(label + (" ▸" if beyond else ""), face, WIDTH - 2 * PAD - 24)
    box_width = width(text, face) + 24
    tile = Image.new("RGB", (box_width, BUBBLE_HEIGHT), WHITE)
    draw = ImageDraw.Draw(tile)
    draw.rounded_rectangle((0, 0, box_width - 1, BUBBLE_HEIGHT - 1), radius=10, fill=INK)
    draw.text((box_width / 2, BUBBLE_HEIGHT / 2), text, font=face, fill=WHITE, anchor="mm")
    return tile


def _marker(image: Image.Image, stock: _Stock, x: float, label: str, beyond: bool) -> None:
    """The value: a line across the bar, a notch under it and a bubble above saying it.
    Drawn on the palette image; only the bubble's text is blended, in its own tile."""
    draw = ImageDraw.Draw(image)
    half = MARKER_WIDTH / 2
    bar_bottom = BAR_TOP + BAR_HEIGHT
    draw.rectangle((x - half - 1, BAR_TOP, x + half + 1, bar_bottom - 1), fill=stock.white)
    draw.rectangle((x - half, BAR_TOP - 12, x + half, bar_bottom + 5), fill=stock.ink)
    notch = [(x - 7, bar_bottom + 7), (x + 7, bar_bottom + 7), (x, bar_bottom)]
    draw.polygon(notch, fill=stock.ink)
    tile = _bubble(label, beyond)
    left = round(clamp(x - tile.width / 2, PAD, WIDTH - PAD - tile.width))
    image.paste(tile.quantize(palette=stock.palette, dither=Image.Dither.NONE), (left, BUBBLE_TOP))
    bubble_bottom = BUBBLE_TOP + BUBBLE_HEIGHT
    pointer = [(x - 9, bubble_bottom - 1), (x + 9, bubble_bottom - 1), (x, BAR_TOP - 4)]
    draw.polygon(pointer, fill=stock.ink)


def _bands(draw: ImageDraw.ImageDraw, table: GaugeScale, scale: Scale) -> None:
    rooms = [
        int(scale.edge_x(i + 1) - scale.edge_x(i)) - 2 * LABEL_PAD for i in range(len(table.bands))
    ]
    labels = fit_all(
        [band.gauge for band in table.bands], rooms, BAR_HEIGHT - 12, LABEL_SIZES, bold=True
    )
    for index, (band, label) in enumerate(zip(table.bands, labels, strict=True)):
        left, right = scale.edge_x(index), scale.edge_x(index + 1)
        colour = rgb(band.colour)
        draw.rectangle((round(left), BAR_TOP, round(right) - 1, BAR_TOP + BAR_HEIGHT - 1), colour)
        draw_fitted(draw, label, (left + right) / 2, BAR_TOP + BAR_HEIGHT / 2, text_on(colour))


def _scale_numbers(draw: ImageDraw.ImageDraw, table: GaugeScale, scale: Scale) -> None:
    """Each inner band edge's figure under the bar; one that would touch the figure before it
    is left out (the reply's text lists every edge)."""
    face = font(24)
    y = BAR_TOP + BAR_HEIGHT + SCALE_GAP + SCALE_ROW / 2
    taken = float(PAD)
    for index, band in enumerate(table.bands[1:], start=1):
        if band.range.low is None:
            continue
        text = number(band.range.low)
        half = width(text, face) / 2
        x = clamp(scale.edge_x(index), PAD + half, WIDTH - PAD - half)
        if x - half < taken + 8:
            continue
        draw.text((x, y), text, font=face, fill=MUTED, anchor="mm")
        taken = x + half


def _mark_row(
    draw: ImageDraw.ImageDraw, table: GaugeScale, mark: GaugeMark, scale: Scale, top: float
) -> None:
    """One mark under the scale, labelled with its source: a bracket over a range with the
    label beside it, or ticks under cut-points with the label centred beneath them."""
    line_y = top + MARK_ROW / 2
    # The scale already prints its band edges: a mark at those needs only its source's label.
    edges = {band.range.low for band in table.bands[1:]}
    if mark.range is not None and mark.range.low is not None and mark.range.high is not None:
        x1, x2 = scale.x(mark.range.low), scale.x(mark.range.high)
        draw.rectangle((x1, line_y - 1.5, x2, line_y + 1.5), fill=INK)
        for x in (x1, x2):
            draw.rectangle((x - 1.5, line_y - 12, x + 1.5, line_y + 1.5), fill=INK)
        figures = f"{number(mark.range.low)}–{number(mark.range.high)}"
        printed = mark.range.low in edges and mark.range.high in edges
        label = mark.text if printed else f"{mark.text}: {figures}"
        # Beside the bracket, on the side with more room.
        left_room, right_room = x1 - 14 - PAD, WIDTH - PAD - (x2 + 14)
        room = int(max(left_room, right_room))
        fitted = fit(label, max(room, 1), MARK_ROW - 4, MARK_SIZES)
        half = fitted.width / 2
        x = x2 + 14 + half if right_room >= left_room else x1 - 14 - half
        x = clamp(x, PAD + fitted.width / 2, WIDTH - PAD - fitted.width / 2)
        draw_fitted(draw, fitted, x, line_y, MUTED)
        return
    points = [scale.x(value) for value in mark.at]
    if len(points) > 1:  # a rail joins the ticks, so they read as one mark with one label
        draw.rectangle((min(points), line_y + 5, max(points), line_y + 6), fill=INK)
    for x in points:
        draw.polygon([(x, line_y - 10), (x - 9, line_y + 6), (x + 9, line_y + 6)], fill=INK)
    figures = ", ".join(number(value) for value in mark.at)
    printed = all(value in edges for value in mark.at)
    label = mark.text if printed else f"{mark.text}: {figures}"
    fitted = fit(label, WIDTH - 2 * PAD, LABEL_LINE, MARK_SIZES)
    centre = (min(points) + max(points)) / 2 if points else WIDTH / 2
    x = clamp(centre, PAD + fitted.width / 2, WIDTH - PAD - fitted.width / 2)
    draw_fitted(draw, fitted, x, line_y + 8 + LABEL_LINE / 2, MUTED)


def _mark_height(mark: GaugeMark) -> int:
    return MARK_ROW if mark.range is not None else MARK_ROW + LABEL_LINE


def height(table: GaugeScale) -> int:
    marks = sum(_mark_height(mark) for mark in table.marks)
    return BAR_TOP + BAR_HEIGHT + SCALE_GAP + SCALE_ROW + marks + BOTTOM


def _base(table: GaugeScale) -> Image.Image:
    """Everything but the value, in full colour: the bands, the scale's figures, the marks."""
    image = Image.new("RGB", (WIDTH, height(table)), WHITE)
    draw = ImageDraw.Draw(image)
    scale = _scale(table)
    _bands(draw, table, scale)
    _scale_numbers(draw, table, scale)
    top = BAR_TOP + BAR_HEIGHT + SCALE_GAP + SCALE_ROW
    for mark in table.marks:
        _mark_row(draw, table, mark, scale, top)
        top += _mark_height(mark)
    return image


@lru_cache(maxsize=16)
def _scale(table: GaugeScale) -> Scale:
    return Scale.of(table, PAD, WIDTH - PAD)


@dataclass(frozen=True, slots=True)
class _Stock:
    """What every gauge of one table starts from, made once: the base in a 256-colour
    palette (a palette PNG is a third the size of a full-colour one and encodes several
    times faster), that palette, and the indexes of white and ink."""

    base: Image.Image
    palette: Image.Image
    white: int
    ink: int


@lru_cache(maxsize=16)
def _stock(table: GaugeScale) -> _Stock:
    rgb_base = _base(table)
    counts: dict[tuple[int, int, int], int] = {}
    for image in (rgb_base, _bubble("0123456789,. " + table.unit, True)):
        for count, colour in image.getcolors(image.width * image.height) or []:
            assert isinstance(colour, tuple)  # an RGB image's colours are (r, g, b)
            r, g, b = colour
            counts[(r, g, b)] = counts.get((r, g, b), 0) + count
    # The most used colours, white and ink always among them: every band colour is exact;
    # a rare anti-aliased edge pixel beyond the 256th colour takes its nearest.
    ranked = sorted(counts, key=lambda colour: (-counts[colour], colour))
    chosen = [WHITE, INK, *[c for c in ranked if c not in (WHITE, INK)]][:256]
    channels = [channel for colour in chosen for channel in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(channels)
    index = {colour: n for n, colour in enumerate(chosen)}
    rest = [colour for colour in counts if colour not in index]
    if rest:  # each rare colour to a near palette colour, in one pass of Pillow's own
        strip = Image.frombytes("RGB", (len(rest), 1), bytes(c for colour in rest for c in colour))
        nearest = strip.quantize(palette=palette, dither=Image.Dither.NONE).tobytes()
        index.update(zip(rest, nearest, strict=True))
    raw = rgb_base.tobytes()
    flat = bytes(map(index.__getitem__, zip(raw[0::3], raw[1::3], raw[2::3], strict=True)))
    base = Image.frombytes("P", rgb_base.size, flat)
    base.putpalette(channels)
    return _Stock(base=base, palette=palette, white=0, ink=1)


def render(table: GaugeScale, value: Decimal, label: str, side: int = 0) -> bytes:
    """The gauge of `table` with `value` (captioned `label`) marked, as PNG bytes; `side`
    -1 or 1 puts the marker just below or above the value (a lab's "<12" or ">150")."""
    stock = _stock(table)
    image = stock.base.copy()
    scale = _scale(table)
    x = clamp(scale.x(value) + side * SIDE_STEP, PAD, WIDTH - PAD)
    _marker(image, stock, x, label, scale.beyond(value))
    return png(image)


class _Kept:
    """The last `size` gauges drawn, least recently used dropped first; safe across threads
    (the bot draws in a worker thread and looks up on the event loop)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        # Keyed by the knowledge base itself (compared by identity, and kept alive by the
        # key, so a new one can never be taken for an old one) and the picture.
        self._items: OrderedDict[tuple[KnowledgeBase, Picture], bytes] = OrderedDict()

    def get(self, key: tuple[KnowledgeBase, Picture]) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[KnowledgeBase, Picture], data: bytes) -> bytes:
        with self._lock:
            kept = self._items.setdefault(key, data)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return kept


_KEPT = _Kept(GAUGES_KEPT)


def cached_gauge(kb: KnowledgeBase, picture: Picture) -> bytes | None:
    """The gauge if it has been drawn already (a lookup, fine on the event loop)."""
    return _KEPT.get((kb, picture))


def gauge_png(kb: KnowledgeBase, picture: Picture) -> bytes:
    """The gauge a reply's picture asks for: drawn once per knowledge base and value."""
    found = cached_gauge(kb, picture)
    if found is not None:
        return found
    table = picture.scale if picture.scale is not None else kb.bands[picture.kind]
    drawn = render(table, picture.value, picture.label, picture.side)
    return _KEPT.put((kb, picture), drawn)
