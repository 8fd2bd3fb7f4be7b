"""Reading a gauge PNG back as a member's eye would: the coloured bar, its bands, the marker.

Nothing here asks the renderer where it drew things; positions come from the pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)


def rgb(colour: int) -> RGB:
    return (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


@dataclass(frozen=True)
class Run:
    colour: RGB
    x0: int  # first pixel
    x1: int  # one past the last pixel

    @property
    def width(self) -> int:
        return self.x1 - self.x0


def bar_top(image: Image.Image, colours: set[RGB]) -> int:
    """The first row that is mostly band colours: the top of the bar."""
    pixels = image.load()
    for y in range(image.height):
        inside = sum(1 for x in range(image.width) if pixels[x, y] in colours)
        if inside > image.width * 0.8:
            return y
    raise AssertionError("no coloured bar in the picture")


def runs(image: Image.Image, y: int, colours: set[RGB], bridge: int = 14) -> list[Run]:
    """The bands along row `y`: stretches of one band colour, left to right. A short stretch
    of other pixels (the marker) inside one colour is bridged over."""
    pixels = image.load()
    found: list[Run] = []
    for x in range(image.width):
        colour = pixels[x, y]
        if colour not in colours:
            continue
        last = found[-1] if found else None
        if last is not None and last.colour == colour and x - last.x1 <= bridge:
            found[-1] = Run(colour, last.x0, x + 1)
        else:
            found.append(Run(colour, x, x + 1))
    return [run for run in found if run.width > 3]


def marker_x(image: Image.Image, y: int) -> float:
    """The centre of the near-black marker line crossing row `y`."""
    pixels = image.load()
    dark = [x for x in range(image.width) if sum(pixels[x, y]) < 120]
    assert dark, "no marker in this row"
    assert max(dark) - min(dark) < 8, f"more than one dark thing in row {y}: {dark}"
    return (min(dark) + max(dark)) / 2
