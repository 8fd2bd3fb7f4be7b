"""Read the `age:` option of /dk2 dose: "6", "6 years", "8 months", "18 mo", "1.5 y".

Like the amount parsers, this returns a value or an `InputError`, never raises. The unit
spellings and what they convert to (months) come from `knowledge/units.yaml`; a bare number
is read in the first unit listed there (years).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.core.amounts import InputError, fmt, too_long
from bot.core.model import Unit, Units
from bot.core.sanitize import echo
from bot.core.tokens import normalise

_AGE = re.compile(r"^\+?(\d+(?:\.\d+)?|\.\d+)\s*(.*)$")


@dataclass(frozen=True, slots=True)
class Age:
    """An age as typed and in months."""

    months: Decimal
    entered: str  # tidied for quoting back: "6 years", "8 months", "1 year"


def parse_age(text: str, units: Units, oldest_months: Decimal) -> Age | InputError:
    """Parse an age; `oldest_months` is the oldest age dk2 accepts before calling it a typo."""
    if error := too_long(text, units.max_input_chars):
        return error
    clean = normalise(text)
    shown = echo(text, 40)
    match = _AGE.match(clean)
    if not match or not units.age_units:
        return InputError("bad_age", {"text": shown})
    number_text, rest = match.groups()
    number = Decimal(number_text)  # _AGE matched plain digits, a valid Decimal
    unit = _unit(rest.strip(), units.age_units)
    if unit is None:
        return InputError("bad_age", {"text": shown})
    months = unit.to_base(number)
    if months > oldest_months:
        return InputError("age_too_high", {"text": shown})
    name = unit.names[0]
    if number == 1 and name.endswith("s"):
        name = name[:-1]
    return Age(months=months, entered=f"{fmt(number, 2)} {name}")


def _unit(rest: str, age_units: tuple[Unit, ...]) -> Unit | None:
    """The unit `rest` names exactly (a bare number: the first unit), else None."""
    if not rest:
        return age_units[0]
    for unit in age_units:
        if rest in unit.names:
            return unit
    return None
