"""One number as people write it: "5000", "5,000", "5.000", "5'000", "5,5", "1.234,5", "5k".

A separator followed by exactly three digits may group thousands or mark decimals; when
both readings are possible ("5.000") `read_number` returns both and the caller, who knows
the unit, chooses and offers the other. A group of thousands never follows a lone 0 or a
first group starting with 0, so "0,025" and "0.125" have one reading: a decimal.
`fmt` writes a number back for people.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext
from typing import NamedTuple

# Digits with separators between them, or a leading decimal point (".5"), then "k" (x1000).
NUMBER = r"(?:\d+(?:[.,']\d+)*|[.,]\d+)"
_GROUPS = re.compile(r"[.,']")


class Number(NamedTuple):
    """A number as typed: `value` is its reading and `alt` the other one a separator allows.
    "5,5": value 5.5 (a decimal comma), alt 55. "5.000": value 5, alt 5000, and `dot_group`
    says the caller should choose by the unit (5000 IU, but 5 mg). `decimal_comma`: a comma
    read as the decimal mark with no other reading ("0,025"), which the caller points out."""

    raw: str
    value: Decimal
    alt: Decimal | None = None
    dot_group: bool = False
    decimal_comma: bool = False


def read_number(raw: str) -> Number | None:
    """Read `raw` (matched by NUMBER, with an optional trailing "k"); None if its groups
    make no sense as either thousands or decimals ("5,00,0")."""
    if raw.isdigit():  # what members type most: nothing to choose between
        return Number(raw, Decimal(raw))
    thousand = raw.endswith("k")
    digits = raw[:-1] if thousand else raw
    read = _read(digits)
    if read is None:
        return None
    if thousand:
        return Number(
            raw,
            read.value * 1000,
            read.alt * 1000 if read.alt is not None else None,
            read.dot_group,
            read.decimal_comma,
        )
    return read


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _thousands(parts: list[str]) -> Decimal | None:
    if not 1 <= len(parts[0]) <= 3 or any(len(part) != 3 for part in parts[1:]):
        return None
    if parts[0].startswith("0"):
        return None  # "0,025,000": no group of thousands follows a 0
    return _decimal("".join(parts))


def _read(text: str) -> Number | None:
    separators = _GROUPS.findall(text)
    if not separators:
        return _make(text, _decimal(text))
    if text[0] in ".,":
        number = _make(text, _decimal("0." + text[1:]))
        return number._replace(decimal_comma=True) if number and text[0] == "," else number
    kinds = set(separators)
    if "'" in kinds:
        if kinds != {"'"}:
            return None
        return _make(text, _thousands(text.split("'")))
    if kinds == {".", ","}:
        # "1.234,5" or "1,234.5": the last one marks decimals, the other groups thousands.
        point = max(text.rfind("."), text.rfind(","))
        mark, group = text[point], "," if text[point] == "." else "."
        if text.count(mark) != 1:
            return None
        integer = _thousands(text[:point].split(group))
        if integer is None:
            return None
        return _make(text, _decimal(f"{integer}.{text[point + 1 :]}"))
    mark = separators[0]
    parts = text.split(mark)
    if len(parts) > 2:
        return _make(text, _thousands(parts))
    whole, tail = parts
    if whole.startswith("0"):
        # "0,025", "0.125": a decimal, as no group of thousands follows a lone 0.
        number = _make(text, _decimal(f"{whole}.{tail}"))
        return number._replace(decimal_comma=True) if number and mark == "," else number
    if len(tail) != 3 or len(whole) > 3:
        if mark == ",":
            # "5,5": a decimal comma; 55 is the other reading (a slip of the finger).
            return _make(text, _decimal(f"{whole}.{tail}"), alt=_decimal(whole + tail))
        return _make(text, _decimal(text))
    if mark == ",":
        return _make(text, _decimal(whole + tail))
    # "5.000": 5 (a decimal point) or 5000 (a thousands dot, as much of Europe writes it).
    return Number(text, Decimal(text), alt=Decimal(whole + tail), dot_group=True)


def _make(text: str, value: Decimal | None, *, alt: Decimal | None = None) -> Number | None:
    if value is None:
        return None
    return Number(text, value, alt=alt)


def exact(value: Decimal) -> str:
    """A typed number written back with every digit it had: "0.0000001", not "0", and all
    32 digits of a 32-digit number; thousands separated, no trailing zeros."""
    return _trimmed(format(value, ",f"))


def _trimmed(text: str) -> str:
    """A written number without the zeros after its decimal point, nor a bare point."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown_number(text: str) -> int | float:
    """The number `fmt` showed, for machine-readable output: "7,142.86" -> 7142.86."""
    number = float(text.replace(",", ""))
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def fmt(value: Decimal, places: int = 0) -> str:
    """A number for people: thousands separated, at most `places` decimals, no trailing 0s."""
    if abs(value) < 10**12:
        # Floats format exactly enough at this size, and far faster than Decimal.
        return _trimmed(f"{float(value):,.{places}f}")
    quantum = Decimal(1).scaleb(-places)
    with localcontext() as context:
        # Enough precision for any number a member can type (up to the input length limit).
        context.prec = max(28, value.adjusted() + places + 2)
        rounded = value.quantize(quantum)
    return _trimmed(f"{rounded:,.{places}f}")
