"""What every dk2 picture shares: the bundled fonts, fitting text into a box, PNG bytes.

The fonts are DejaVu Sans Condensed (regular and bold), shipped in `fonts/` with their
licence: Pillow's built-in font has no µ, en dash or accented letters, which the knowledge
uses, and a condensed face fits a band's label into a narrow segment at a size a phone can
read.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = FONTS / "DejaVuSansCondensed.ttf"
BOLD = FONTS / "DejaVuSansCondensed-Bold.ttf"
ELLIPSIS = "…"

WHITE = (255, 255, 255)
INK = (17, 24, 39)  # near-black text and marker
MUTED = (75, 85, 99)  # secondary text: scale numbers, mark labels

RGB = tuple[int, int, int]


@lru_cache(maxsize=64)
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The bundled font at `size` pixels, loaded once per size."""
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def rgb(colour: int) -> RGB:
    """0xRRGGBB as an (r, g, b) tuple."""
    return (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF


def text_on(colour: RGB) -> RGB:
    """Near-black or white, whichever reads better on `colour` (WCAG relative luminance)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # Contrast with white is (1.05)/(L+0.05); with INK about (L+0.05)/0.06.
    return INK if (luminance + 0.05) / 0.06 > 1.05 / (luminance + 0.05) else WHITE


def width(text: str, face: ImageFont.FreeTypeFont) -> int:
    return round(face.getlength(text))


@dataclass(frozen=True, slots=True)
class Fitted:
    """Text laid out to fit a box: its lines and the font they are drawn in."""

    lines: tuple[str, ...]
    face: ImageFont.FreeTypeFont
    cut: bool = False  # True when the text had to be shortened to fit

    @property
    def line_height(self) -> int:
        ascent, descent = self.face.getmetrics()
        return ascent + descent

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    @property
    def width(self) -> int:
        return max((width(line, self.face) for line in self.lines), default=0)


def two_lines(text: str) -> list[tuple[str, str]]:
    words = text.split()
    return [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]


def drawable(text: str) -> str:
    """`text` on one line without control or format characters (which the text layout
    engine refuses), runs of spaces as one."""
    kept = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    return " ".join(kept.split())


def shorten(text: str, face: ImageFont.FreeTypeFont, room: int) -> str:
    """`text` cut to fit `room` pixels, ending in "…" when something was cut."""
    text = drawable(text)
    if width(text, face) <= room:
        return text
    while text and width(text + ELLIPSIS, face) > room:
        text = text[:-1].rstrip()
    return text + ELLIPSIS if text else ""


def fit(
    text: str, box_width: int, box_height: int, sizes: tuple[int, ...], *, bold: bool = False
) -> Fitted:
    """The largest size (of `sizes`, largest first) at which `text` fits the box on one line,
    else on two lines split at a space; failing both, one line at the smallest size, cut
    with "…". The result never overflows `box_width`."""
    text = drawable(text)
    for size in sizes:
        face = font(size, bold=bold)
        one = Fitted((text,), face)
        if one.width <= box_width and one.height <= box_height:
            return one
        splits = [Fitted(pair, face) for pair in two_lines(text)]
        fitting = [s for s in splits if s.width <= box_width and s.height <= box_height]
        if fitting:
            return min(fitting, key=lambda s: s.width)
    face = font(sizes[-1], bold=bold)
    return Fitted((shorten(text, face, box_width),), face, cut=True)


def fit_all(
    texts: list[str],
    box_widths: list[int],
    box_height: int,
    sizes: tuple[int, ...],
    *,
    bold: bool = False,
) -> list[Fitted]:
    """Like `fit` for several texts drawn side by side (each in its own box width), all at
    one size: the largest at which every text fits, so neighbouring labels don't jump in
    size."""
    boxes = list(zip(texts, box_widths, strict=True))
    for size in sizes:
        fitted = [fit(text, room, box_height, (size,), bold=bold) for text, room in boxes]
        if not any(f.cut for f in fitted):
            return fitted
    return [fit(text, room, box_height, sizes[-1:], bold=bold) for text, room in boxes]


def draw_fitted(
    draw: ImageDraw.ImageDraw, fitted: Fitted, centre_x: float, centre_y: float, fill: RGB
) -> None:
    """Draw fitted lines centred on (centre_x, centre_y)."""
    top = centre_y - fitted.height / 2
    for index, line in enumerate(fitted.lines):
        y = top + index * fitted.line_height + fitted.line_height / 2
        draw.text((centre_x, y), line, font=fitted.face, fill=fill, anchor="mm")


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def png(image: Image.Image) -> bytes:
    """The image as PNG bytes: no metadata, so the same pixels always give the same bytes."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()
