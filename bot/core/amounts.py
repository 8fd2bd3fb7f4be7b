"""Read amounts as people type them: "5,000 IU", "5k", "125µg", "50000 IU weekly", "42 ng/mL".

Parsers return a value or an `InputError` (a message key plus what fills it), never raise:
bad input is a value. Which spellings exist and what they convert to comes from
`knowledge/units.yaml`; this module only knows the shape of a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Literal, NamedTuple

from bot.core.model import Period, Unit, Units

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


def too_long(text: str, limit: int) -> InputError | None:
    """The error for input over `limit` characters, else None."""
    if len(text) <= limit:
        return None
    return InputError("too_long", {"length": str(len(text)), "limit": str(limit)})


def normalise(text: str) -> str:
    """Lower-case, one space between words, and one spelling of the micro sign."""
    return _SPACES.sub(" ", text.replace("μ", "µ").replace("−", "-")).strip().lower()


def fmt(value: Decimal, places: int = 0) -> str:
    """A number for people: thousands separated, at most `places` decimals, no trailing 0s."""
    if abs(value) < 10**12:
        # Floats format exactly enough at this size, and far faster than Decimal.
        text = f"{float(value):,.{places}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    quantum = Decimal(1).scaleb(-places)
    with localcontext() as context:
        # Enough precision for any number a member can type (up to the input length limit).
        context.prec = max(28, value.adjusted() + places + 2)
        rounded = value.quantize(quantum)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def shown_number(text: str) -> int | float:
    """The number `fmt` showed, for machine-readable output: "7,142.86" -> 7142.86."""
    number = float(text.replace(",", ""))
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _match_name(text: str, names: list[str]) -> str | None:
    """The longest spelling in `names` that `text` starts with, ending at a word boundary."""
    match = _names_pattern(tuple(names)).match(text)
    return match.group() if match else None


def _by_length(names: list[str]) -> list[str]:
    return sorted(set(names), key=len, reverse=True)


def _alternatives(names: Iterable[str]) -> str:
    """A regex alternation of spellings, longest first, each ending at a word boundary."""
    ordered = _by_length(list(names))
    return "(?:" + "|".join(re.escape(name) for name in ordered) + r")(?![a-z0-9µ])"


@lru_cache(maxsize=32)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(_alternatives(names))


@dataclass(frozen=True, slots=True)
class _Grammar:
    """What one kind of amount may say, compiled from units.yaml."""

    tail: re.Pattern[str]
    units: dict[str, Unit]
    periods: dict[str, Period]


_GRAMMARS: dict[tuple[int, Kind], tuple[Units, _Grammar]] = {}


def _grammar(units: Units, kind: Kind) -> _Grammar:
    """The compiled grammar for these units, cached by identity: hashing a whole Units value
    on every keystroke would cost more than the parse."""
    cached = _GRAMMARS.get((id(units), kind))
    if cached is not None and cached[0] is units:
        return cached[1]
    if len(_GRAMMARS) > 16:
        _GRAMMARS.clear()
    unit_list = units.d_units if kind == "d" else units.k2_units
    grammar = _Grammar(
        tail=_build_tail_pattern(units, kind),
        units={name: unit for unit in unit_list for name in unit.names},
        periods={name: period for period in units.periods for name in period.names},
    )
    _GRAMMARS[(id(units), kind)] = (units, grammar)
    return grammar


def _build_tail_pattern(units: Units, kind: Kind) -> re.Pattern[str]:
    """What may follow the number: a unit, a filler ("of D3"), a period, another filler."""
    unit_list = units.d_units if kind == "d" else units.k2_units
    unit = _alternatives(name for u in unit_list for name in u.names)
    fillers = units.d_fillers if kind == "d" else units.k2_fillers
    filler = _alternatives(fillers) if fillers else "(?!)"
    period_names = [name for period in units.periods for name in period.names]
    period = _alternatives(period_names)
    bare = _alternatives(name.lstrip("/") for name in period_names if name.startswith("/"))
    return re.compile(
        rf"(?: ?(?P<unit>{unit}))?(?: ?{filler})?"
        rf"(?: ?(?:(?P<period>{period})|/ ?(?P<bare>{bare})))?(?: ?{filler})?"
    )


class _Scan(NamedTuple):
    """What a dose scan read (a tuple: built on every keystroke, so kept cheap)."""

    number: Decimal
    unit_text: str | None
    period_text: str | None
    end: int


def _scan_number(text: str) -> tuple[Decimal, int] | InputError:
    """Read the number at the start of `text` (already normalised)."""
    if not text[:1].isdigit() and _NOT_FINITE.match(text):
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
    if text[end : end + 1] == "k" and not text[end + 1 : end + 2].isalpha():
        return number * 1000, end + 1
    return number, end


def _scan_dose(text: str, units: Units, kind: Kind) -> _Scan | InputError:
    stripped = text[1:].lstrip() if text.startswith("+") else text
    consumed = len(text) - len(stripped)
    read = _scan_number(stripped)
    if isinstance(read, InputError):
        return read
    number, end = read
    tail = _grammar(units, kind).tail.match(stripped, end)
    assert tail is not None  # every part of the pattern is optional
    period_text = tail.group("period")
    if period_text is None and tail.group("bare"):
        period_text = "/" + tail.group("bare")
    return _Scan(number, tail.group("unit"), period_text, consumed + tail.end())


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
    if error := too_long(text, units.max_input_chars):
        return error
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
    grammar = _grammar(units, kind)
    unit = grammar.units.get(scan.unit_text) if scan.unit_text else None
    period = grammar.periods.get(scan.period_text) if scan.period_text else None
    days = period.days if period else 1
    daily = (unit.to_base(scan.number) if unit else scan.number) / days
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
    if error := too_long(text, units.max_input_chars):
        return error
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
    ng_ml = unit.to_base(number) if unit else number
    if ng_ml > units.level_max:
        return InputError("level_too_high", {"value": fmt(ng_ml, 1), "limit": fmt(units.level_max)})
    shown_unit = unit.names[0] if unit else None
    entered = fmt(number, 4) + (f" {_unit_display(shown_unit)}" if shown_unit else "")
    return LevelValue(number=number, unit=unit, unit_text=unit_text, ng_ml=ng_ml, entered=entered)


def _unit_display(name: str) -> str:
    return {"ng/ml": "ng/mL", "nmol/l": "nmol/L"}.get(name, name)
