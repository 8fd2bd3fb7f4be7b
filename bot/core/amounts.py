"""Read amounts as people type them: "5,000 IU", "5k", "125µg", "50000 IU weekly", "42 ng/mL".

Parsers return a value or an `InputError` (a message key plus what fills it), never raise:
bad input is a value. Which spellings exist and what they convert to comes from
`knowledge/units.yaml`; this module only knows the shape of a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from bot.core.model import Unit, Units

Kind = Literal["d", "k2"]

# A number at the start of the text: 5000, 5,000, 0.1, .5 (thousands groups must be whole).
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
_NOT_FINITE = re.compile(r"^[-+−]?\s*(?:nan|inf|infinity|∞)\b")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class InputError:
    """Bad input, as a value: `key` names the message in messages.yaml (under errors.)."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Amount:
    """A dose as typed and as a daily amount in the kind's base unit (IU or µg)."""

    number: Decimal  # the number as typed, after a "k" multiplier
    unit: Unit | None  # None: no unit typed, the base unit assumed
    unit_text: str | None
    period_days: int
    period_text: str | None
    daily: Decimal
    entered: str  # the amount, tidied, to quote back

    @property
    def unit_given(self) -> bool:
        return self.unit is not None


@dataclass(frozen=True, slots=True)
class LevelValue:
    number: Decimal
    unit: Unit | None
    unit_text: str | None
    ng_ml: Decimal
    entered: str


def normalise(text: str) -> str:
    """Lower-case, one space between words, and one spelling of the micro sign."""
    return _SPACES.sub(" ", text.replace("μ", "µ").replace("−", "-")).strip().lower()


def fmt(value: Decimal, places: int = 0) -> str:
    """A number for people: thousands separated, at most `places` decimals, no trailing 0s."""
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _match_name(text: str, names: list[str]) -> str | None:
    """The longest spelling in `names` that `text` starts with, ending at a word boundary."""
    for name in names:
        if text.startswith(name):
            after = text[len(name) : len(name) + 1]
            if not after.isalnum():
                return name
    return None


def _by_length(names: list[str]) -> list[str]:
    return sorted(set(names), key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class _Scan:
    number: Decimal
    unit_text: str | None
    period_text: str | None
    end: int


def _scan_number(text: str) -> tuple[Decimal, int] | InputError:
    """Read the number at the start of `text` (already normalised)."""
    if _NOT_FINITE.match(text):
        return InputError("not_finite", {"text": text})
    if text.startswith("-"):
        return InputError("negative")
    match = _NUMBER.match(text)
    if not match:
        return InputError("no_number", {"text": text})
    end = match.end()
    after = text[end : end + 2]
    if len(after) == 2 and after[0] in ",." and after[1].isdigit():
        return InputError("bad_grouping", {"text": text})
    try:
        number = Decimal(match.group().replace(",", ""))
    except InvalidOperation:
        return InputError("no_number", {"text": text})
    offset = 0
    if text[end : end + 1] == "k" and not text[end + 1 : end + 2].isalpha():
        number *= 1000
        offset = 1
    return number, end + offset


def _scan_dose(text: str, units: Units, kind: Kind) -> _Scan | InputError:
    original = text
    if text.startswith("+"):
        text = text[1:].lstrip()
    consumed = len(original) - len(text)
    read = _scan_number(text)
    if isinstance(read, InputError):
        return read
    number, end = read
    pos = end
    unit_names = _by_length(
        [name for unit in (units.d_units if kind == "d" else units.k2_units) for name in unit.names]
    )
    period_names = _by_length([name for period in units.periods for name in period.names])
    fillers = _by_length(list(units.d_fillers if kind == "d" else units.k2_fillers))

    def skip_space(at: int) -> int:
        return at + 1 if text[at : at + 1] == " " else at

    def take(names: list[str], at: int) -> tuple[str | None, int]:
        at_word = skip_space(at)
        name = _match_name(text[at_word:], names)
        if name is None:
            return None, at
        return name, at_word + len(name)

    unit_text, pos = take(unit_names, pos)
    _, pos = take(fillers, pos)
    period_text, pos = take(period_names, pos)
    if period_text is None and text[skip_space(pos) : skip_space(pos) + 1] == "/":
        # "/ week" with a space
        slash = skip_space(pos) + 1
        period_text, after = take([name.lstrip("/") for name in period_names], slash)
        if period_text is not None:
            pos = after
    _, pos = take(fillers, pos)
    return _Scan(number, unit_text, period_text, consumed + pos)


def _unknown_unit(text: str, units: Units, kind: Kind, example: str) -> InputError:
    word = text.strip().split(" ")[0] if text.strip() else text
    if kind == "k2":
        d_names = {name for unit in units.d_units for name in unit.names}
        k2_names = {name for unit in units.k2_units for name in unit.names}
        if word in d_names - k2_names:
            return InputError("k2_iu")
    names = units.d_units if kind == "d" else units.k2_units
    listed = ", ".join(unit.names[0] for unit in names)
    return InputError("unknown_unit", {"unit": word[:40], "units": listed, "example": example})


def _example(kind: Kind) -> str:
    return "5000 IU" if kind == "d" else "k2:100 mcg"


def split_amount(text: str, units: Units, kind: Kind = "d") -> tuple[str, str]:
    """Split "5000 IU 100 mcg" into the leading amount and what follows it."""
    clean = normalise(text)
    scan = _scan_dose(clean, units, kind)
    if isinstance(scan, InputError):
        return clean, ""
    return clean[: scan.end].strip(), clean[scan.end :].strip()


def parse_dose(text: str, units: Units, kind: Kind = "d") -> Amount | InputError:
    """Parse a vitamin D3 (kind "d", base IU) or K2 (kind "k2", base µg) amount."""
    if len(text) > units.max_input_chars:
        return InputError("too_long", {"length": str(len(text)), "limit": str(units.max_input_chars)})
    clean = normalise(text)
    if not clean:
        return InputError("empty_amount")
    scan = _scan_dose(clean, units, kind)
    if isinstance(scan, InputError):
        if scan.key in {"not_positive", "negative", "not_finite"}:
            values = {**scan.values, "example": _example(kind)}
            return InputError(scan.key, values)
        return scan
    rest = clean[scan.end :].strip()
    if rest:
        return _unknown_unit(rest, units, kind, _example(kind))
    if scan.number <= 0:
        return InputError("not_positive", {"example": _example(kind)})
    unit_list = units.d_units if kind == "d" else units.k2_units
    unit = next((u for u in unit_list if scan.unit_text in u.names), None)
    period = next((p for p in units.periods if scan.period_text in p.names), None)
    days = period.days if period else 1
    factor = unit.factor if unit else Decimal(1)
    daily = scan.number * factor / days
    limit = units.d_max_daily if kind == "d" else units.k2_max_daily
    base = units.d_base if kind == "d" else units.k2_base
    entered = _entered(
        scan.number, unit.names[0] if unit else None, period.names[0] if period else None
    )
    if daily > limit:
        return InputError(
            "too_high",
            {"entered": entered, "daily": f"{fmt(daily)} {base}", "limit": f"{fmt(limit)} {base}"},
        )
    return Amount(
        number=scan.number,
        unit=unit,
        unit_text=scan.unit_text,
        period_days=days,
        period_text=scan.period_text,
        daily=daily,
        entered=entered,
    )


def _entered(number: Decimal, unit_text: str | None, period_text: str | None) -> str:
    parts = [fmt(number, 4)]
    if unit_text:
        parts.append("IU" if unit_text == "iu" else unit_text)
    if period_text:
        parts.append(period_text)
    return " ".join(parts)


def parse_level(text: str, units: Units) -> LevelValue | InputError:
    """Parse a blood 25(OH)D result: "42", "42 ng/mL", "105 nmol/L"."""
    if len(text) > units.max_input_chars:
        return InputError("too_long", {"length": str(len(text)), "limit": str(units.max_input_chars)})
    clean = normalise(text)
    if not clean:
        return InputError("empty_level")
    read = _scan_number(clean[1:].lstrip() if clean.startswith("+") else clean)
    if isinstance(read, InputError):
        if read.key == "no_number":
            return InputError("no_number_level", read.values)
        return InputError(read.key, {**read.values, "example": "42 ng/mL"})
    number, end = read
    rest = clean.lstrip("+ ")[end:].strip()
    names = _by_length([name for unit in units.level_units for name in unit.names])
    unit_text = None
    if rest:
        unit_text = _match_name(rest, names)
        if unit_text is None or rest[len(unit_text) :].strip():
            return InputError("unknown_level_unit", {"unit": rest[:40]})
    if number <= 0:
        return InputError("not_positive", {"example": "42 ng/mL"})
    unit = next((u for u in units.level_units if unit_text in u.names), None)
    ng_ml = number * (unit.factor if unit else Decimal(1))
    if ng_ml > units.level_max:
        return InputError("level_too_high", {"value": fmt(ng_ml, 1), "limit": fmt(units.level_max)})
    shown_unit = unit.names[0] if unit else None
    entered = fmt(number, 4) + (f" {_unit_display(shown_unit)}" if shown_unit else "")
    return LevelValue(number=number, unit=unit, unit_text=unit_text, ng_ml=ng_ml, entered=entered)


def _unit_display(name: str) -> str:
    return {"ng/ml": "ng/mL", "nmol/l": "nmol/L"}.get(name, name)
