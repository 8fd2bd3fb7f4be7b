"""Read amounts as members type them: "5,000 IU", "2 x 5000 IU twice a week", "D2 50000",
"k2 100 mcg", "1000-2000 IU", "my level is <10 ng/ml".

The text is split into tokens (`bot.core.tokens`), the tokens into quantities (a number with
its unit, frequency, label and count), and each quantity is read as a vitamin D3 or K2 amount
or a blood level. Readers return a value or an `InputError` (a message key, what fills it and
the option that is wrong), never raise: bad input is a value. What dk2 noticed on the way
(a D2 label, a separator it had to choose a reading for, words it set aside) comes back as
`Note`s for the reply to show. Every spelling, word and threshold comes from
`knowledge/units.yaml`; this module only knows how they fit together. The one exception is
`_FREQUENCY_WORDS`: frequencies dk2 refuses rather than reads ("once a year", "bid"), which
units.yaml's model has no place for yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from typing import Literal, NamedTuple, TypeVar

from bot.core.model import Reading, Unit, Units
from bot.core.numbers import Number, exact, fmt
from bot.core.sanitize import echo
from bot.core.tokens import Token, tokenize

__all__ = [
    "Amount",
    "DoseReading",
    "InputError",
    "LevelValue",
    "Note",
    "fmt",
    "parse_dose",
    "parse_level",
    "read_dose",
    "too_long",
]

Kind = Literal["d", "k2"]
_T = TypeVar("_T")
_K = TypeVar("_K")
_V = TypeVar("_V")
_LABELS = ("d2", "d3", "k2", "mk4")
_K2_LABELS = frozenset({"k2", "mk4"})
_D_LABELS = frozenset({"d2", "d3"})
_D_EXAMPLE = "5000 IU"
_K2_EXAMPLE = "k2:100 mcg"
_LEVEL_EXAMPLE = "42 ng/mL"
# Words that say how often in a way dk2 does not read: it must not place such a dose as daily.
# Each is refused wherever it stands; the second set only with a count, "a", "per" or
# "every" before it ("once a year", "every 12 hours"; not "my 2 year old").
# Spellings dk2 does read are periods in units.yaml.
_FREQUENCY_WORDS = frozenset(
    {
        *("yearly", "annually", "annual", "quarterly", "biweekly", "bi-weekly", "semiweekly"),
        *("biannually", "biannual", "semiannually", "hourly", "once", "single", "loading"),
        *("bolus", "bid", "b.i.d.", "bid.", "tid", "t.i.d.", "tid.", "qid", "q.i.d.", "qid."),
        *("bd", "tds", "qds", "qw", "qhs", "prn", "weekdays", "weekends"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays"),
    }
)
_COUNTED_FREQUENCY_WORDS = frozenset(
    {"year", "years", "yr", "yrs", "quarter", "quarters", "hour", "hours", "hr", "hrs", "h"}
)
_NOT_HOW_OFTEN = frozenset({"since", "this", "last", "past", "next", "the"})
_FRACTION_EXAMPLE = {"amount": "1.5 mcg", "k2": "k2:0.1 mg", "value": "42.5 ng/mL"}


@dataclass(frozen=True, slots=True)
class InputError:
    """Bad input, as a value: `key` names the message in messages.yaml (under errors.);
    `option` is the option the member typed that is wrong, when one is."""

    key: str
    values: dict[str, str] = field(default_factory=dict)
    option: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """Something about the reading the member should see: `key` under hints. in messages."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


class Amount(NamedTuple):
    """A dose as typed and as a daily amount in the kind's base unit (IU or µg). A named
    tuple, as `DoseReading`: two are built per new reading, and a tuple builds in about a
    third of a frozen dataclass's time (the repr is the same)."""

    number: Decimal  # one dose as typed, after a "k" multiplier
    unit: Unit | None  # None: no unit typed, the base unit assumed
    unit_text: str | None
    period_days: int  # how many days one period of `times` doses spans
    period_text: str | None
    daily: Decimal
    entered: str  # the amount, tidied, to quote back
    times: int = 1  # doses per period ("twice a week": 2)
    # Taken at once ("2 x 5000 IU": 2); the field hides tuple.count, which nothing calls.
    count: int = 1  # type: ignore[assignment]
    low: Amount | None = None  # a range's low end ("1000-2000 IU"); this is the high end
    d2: bool = False
    mk4: bool = False
    form: str | None = None  # "drops", "softgels" when named

    @property
    def unit_given(self) -> bool:
        return self.unit is not None

    @property
    def per_day(self) -> Decimal:
        """How many of `number` are taken a day on average (count x times / days)."""
        return Decimal(self.count * self.times) / self.period_days


@dataclass(frozen=True, slots=True)
class LevelValue:
    number: Decimal
    unit: Unit | None
    unit_text: str | None
    ng_ml: Decimal
    entered: str
    bound: Literal["<", ">"] | None = None  # lab notation: "<10" is below 10
    notes: tuple[Note, ...] = ()


class DoseReading(NamedTuple):
    """A dose command's options read together: the D3 amount, the K2 amount, what to say
    (a named tuple: one is built per new reading, and a tuple builds fastest)."""

    d: Amount
    k2: Amount | None
    notes: tuple[Note, ...]
    k2_option: str  # where the K2 amount was typed: "k2" (the option) or "amount"


def too_long(text: str, limit: int) -> InputError | None:
    """The error for input over `limit` characters, else None."""
    if len(text) <= limit:
        return None
    return InputError("too_long", {"length": str(len(text)), "limit": str(limit)})


@dataclass(slots=True)
class _Quantity:
    """One number and what was typed with it, before it is read as a kind of amount."""

    number: Number
    low: Number | None = None
    unit: str | None = None
    freq: Token | None = None
    labels: set[str] = field(default_factory=set)
    count: int = 1
    form: str | None = None
    counts_forms: bool = False  # "2 drops": the number is how many, not how much
    counted: bool = False  # a count was typed ("1 capsule of", "2 x")
    bound: Literal["<", ">"] | None = None
    # Words that followed a label ("d3", "k2") directly: that label belongs here.
    trailing_label: bool = False
    # Something other than the amount before it came between ("21 x 5000", "5000/100",
    # "2000 in summer 5000"): not the plain "5000 100" that puts K2 second.
    loose: bool = False

    def with_number(self, number: Number) -> _Quantity:
        """A copy holding `number` (built field by field: dataclasses.replace takes longer
        than grouping the words)."""
        return _Quantity(
            number,
            self.low,
            self.unit,
            self.freq,
            set(self.labels),
            self.count,
            self.form,
            self.counts_forms,
            self.counted,
            self.bound,
            self.trailing_label,
            self.loose,
        )


@dataclass(slots=True)
class _Parse:
    quantities: list[_Quantity]
    set_aside: list[str]
    child: bool
    error: InputError | None = None
    stray_label: bool = False  # a label that named no amount ("d3/k2 5000/100")


def _group(tokens: tuple[Token, ...], units: Units, option: str, mode: str) -> _Parse:
    """Gather tokens into quantities: a number takes the unit, frequency, label and count
    typed around it. Labels before a number belong to it unless that number has its own."""
    reading = units.reading
    out = _Parse([], [], False)
    pending: dict[str, object] = {}
    # Each label, the quantity before it, whether a number follows it, and its spelling.
    label_events: list[tuple[str, int, bool, str]] = []
    range_open = times_open = False
    last = ""  # kind of the previous token that meant something
    between = False  # punctuation since the last token that meant something
    for index, (token, following) in enumerate(zip(tokens, _next_kinds(tokens), strict=True)):
        kind = token.kind
        quantity = out.quantities[-1] if out.quantities else None
        if kind == "exp":
            values = {"text": echo(token.text, 40), "example": _example(option)}
            if mode == "level":
                values["example"] = _LEVEL_EXAMPLE
            out.error = InputError("exponent", values, option)
            return out
        if kind == "frac":
            example = _FRACTION_EXAMPLE.get(option, _FRACTION_EXAMPLE["amount"])
            out.error = InputError("fraction", {"example": example}, option)
            return out
        if kind == "badnum":
            out.error = InputError("bad_grouping", {"text": echo(token.text, 40)}, option)
            return out
        if kind == "num":
            number = token.number
            assert number is not None
            if range_open and quantity is not None:
                quantity.low, quantity.number = quantity.number, number
                range_open = False
            elif times_open and quantity is not None and _is_count(quantity, reading.max_count):
                quantity.count = int(quantity.number.value)
                quantity.number, quantity.counted = number, True
                times_open = False
            elif times_open and quantity is not None and _whole(number, reading.max_count):
                quantity.count, quantity.counted = int(number.value), True
                times_open = False
            elif quantity is not None and quantity.counts_forms and last in ("form", "word"):
                quantity.count = int(quantity.number.value)
                quantity.number, quantity.counts_forms, quantity.counted = number, False, True
            else:
                loose = quantity is not None and (between or last not in ("num", "unit"))
                out.quantities.append(_Quantity(number, loose=loose))
                quantity = out.quantities[-1]
                for key, value in pending.items():
                    setattr(quantity, key, value)
                pending.clear()
        elif kind == "punct" and last == "unit" and (glued := _glued(tokens, index - 1)):
            # "42 ng/dL", "5000 mcg/ml": a unit dk2 knows glued to one it doesn't is another
            # unit (a hundred times smaller, or a concentration), never the known one.
            out.error = _unknown_unit(units, glued, option, mode)
            return out
        elif kind == "unit":
            if quantity is not None and quantity.unit is None and last == "num":
                quantity.unit = token.text
            elif quantity is not None and quantity.unit == token.text and last == "num":
                pass  # "1000 IU - 2000 IU": the range's second end, in the same unit
            elif quantity is None and "unit" not in pending:
                pending["unit"] = token.text
            else:
                out.set_aside.append(token.text)
        elif kind == "freq":
            if token.freq is not None and 0 in token.freq:
                # "every 0 days", "0 times a week": no frequency at all.
                out.error = InputError("bad_frequency", {"text": echo(token.text, 40)}, option)
                return out
            target = quantity if quantity is not None and last != "label_next" else None
            if target is not None and target.freq is not None:
                first, second = target.freq.text, token.text
                out.error = InputError("two_frequencies", {"first": first, "second": second})
                out.error = replace(out.error, option=option)
                return out
            if target is not None:
                target.freq = token
            else:
                pending["freq"] = token
        elif kind in _LABELS:
            before = len(out.quantities) - 1
            label_events.append((kind, before, following == "num", token.text))
        elif kind == "form":
            if quantity is None:
                pending["form"] = token.text
            else:
                quantity.form = token.text
                if quantity.unit is None and _is_count(quantity, reading.max_count):
                    quantity.counts_forms = True
        elif kind == "range":
            if quantity is not None and last in ("num", "unit") and following == "num":
                range_open = True  # "1000-2000", "1000 IU to 2000 IU"
            elif quantity is None and token.text == "-" and following == "num":
                example = _LEVEL_EXAMPLE if mode == "level" else _example(option)
                out.error = InputError("negative", {"example": example}, option)
                return out
            else:
                out.set_aside.append(token.text)  # "up to 5000"
        elif kind == "times":
            times_open = quantity is not None and following == "num"
        elif kind == "duration":
            out.set_aside.append(token.text)  # "for 2 weeks": how long, not how often
        elif kind in ("below", "above"):
            if mode == "level":
                pending["bound"] = "<" if kind == "below" else ">"
            else:
                out.set_aside.append(token.text)
        elif kind == "word":
            if mode == "dose" and (phrase := _frequency_phrase(tokens, index, reading)):
                out.error = InputError("bad_frequency", {"text": echo(phrase, 40)}, option)
                return out
            if token.text in reading.child_words:
                out.child = True
            if (
                last == "num"
                and quantity is not None
                and quantity.unit is None
                and token.text not in reading.not_units
                and token.text not in reading.child_words
            ):
                word = _glued(tokens, index) or token.text
                out.error = _unknown_unit(units, word, option, mode)
                return out
            out.set_aside.append(token.text)
        elif kind == "notfinite":
            example = _LEVEL_EXAMPLE if mode == "level" else _example(option)
            values = {"text": echo(token.text, 40), "example": example}
            out.error = InputError("not_finite", values, option)
            return out
        if kind != "punct":
            last = "label_next" if kind in _LABELS and following == "num" else kind
        between = kind == "punct"
    for key, value in pending.items():
        if key == "form" and out.quantities:
            out.quantities[-1].form = str(value)
    unplaced = _place_labels(out.quantities, label_events, units)
    out.set_aside += unplaced
    out.stray_label = bool(unplaced)
    return out


def _grouped(tokens: tuple[Token, ...], units: Units, option: str, mode: str) -> _Parse:
    """`_group`, with the words after a leading number ("IU every other day", "mcg MK-7")
    grouped once per spelling: members type new numbers with the same few units and
    frequencies. With no other number in the words, the grouping depends on the leading one
    only through whether it could be a count ("2 drops"); a number that can't is grouped
    as a stand-in and put in its place. Words holding a number are never kept."""
    first = tokens[0] if tokens else None
    if first is None or first.number is None or _whole(first.number, units.reading.max_count):
        return _group(tokens, units, option, mode)
    shapes = _table(_SHAPES, units)
    key = (option, mode, tokens[1:])
    shape = shapes.get(key)
    if shape is None:
        if any(token.number is not None for token in tokens[1:]):
            return _group(tokens, units, option, mode)
        if len(shapes) >= _SHAPES_SIZE:
            shapes.clear()
        shape = shapes[key] = _group(
            (first._replace(number=_STAND_IN), *tokens[1:]), units, option, mode
        )
    (quantity,) = shape.quantities  # no other number: one quantity
    return _Parse(
        [quantity.with_number(first.number)],
        list(shape.set_aside),
        shape.child,
        shape.error,
        shape.stray_label,
    )


# Each knowledge base's groupings of the words after a number (by identity, as `_unit`),
# keyed by the option, the mode and the words' tokens; a few hundred spellings in real use.
_SHAPES: dict[int, tuple[Units, dict[tuple[str, str, tuple[Token, ...]], _Parse]]] = {}
_SHAPES_SIZE = 1024
# Not a count (below 1), so it groups as any number that can't be one does.
_STAND_IN = Number("0", Decimal(0))


def _next_kinds(tokens: tuple[Token, ...]) -> list[str]:
    """For each token, the kind of the next one that is not punctuation ("" at the end)."""
    kinds = [""] * len(tokens)
    following = ""
    for index in range(len(tokens) - 1, -1, -1):
        kinds[index] = following
        if tokens[index].kind != "punct":
            following = tokens[index].kind
    return kinds


def _frequency_phrase(tokens: tuple[Token, ...], index: int, reading: Reading) -> str | None:
    """The words that say how often in a way dk2 doesn't read ("once a year", "bid", "every
    12 hours"), when the word at `index` is one of them; else None."""
    word = tokens[index].text
    counted = word in _COUNTED_FREQUENCY_WORDS
    if word not in _FREQUENCY_WORDS and not counted:
        return None
    leading = {*reading.per, *reading.every, *reading.counts, "on"}
    start = index
    while start > 0:
        before = tokens[start - 1]
        if before.kind == "word" and before.text in leading:
            start -= 1
        elif before.kind == "num" and start > 1 and tokens[start - 2].text in leading:
            start -= 1  # "every 12 hours"
        elif before.kind == "num" and counted and start == index:
            start -= 1  # "12 hours"
        else:
            break
    if counted and start == index:
        return None  # "year" alone: "this year"
    if start > 0 and tokens[start - 1].text in {*reading.durations, *_NOT_HOW_OFTEN}:
        return None  # "for 2 years", "since last year": how long, which dk2 reads past
    end = index + 1
    following = {*leading, *_FREQUENCY_WORDS, *_COUNTED_FREQUENCY_WORDS, "dose", "doses"}
    while end < len(tokens) and (
        tokens[end].text in following
        or (tokens[end].kind == "num" and tokens[end - 1].text in leading)
    ):
        end += 1  # "once a year", "single dose", "every quarter"
    if end < len(tokens) and tokens[end].text in ("old", "olds"):
        return None  # "my 2 year old"
    return " ".join(token.text for token in tokens[start:end])


def _glued(tokens: tuple[Token, ...], index: int) -> str | None:
    """The unit at `index` with the word after a slash ("ng/dl"), if one follows it."""
    if index + 2 >= len(tokens) or tokens[index + 1].text != "/":
        return None
    after = tokens[index + 2]
    if after.kind not in ("word", "unit"):
        return None
    return f"{tokens[index].text}/{after.text}"


def _unknown_unit(units: Units, word: str, option: str, mode: str) -> InputError:
    if mode == "level":
        return InputError("unknown_level_unit", {"unit": echo(word, 40)}, option)
    kind: Kind = "k2" if option == "k2" else "d"
    listed = ", ".join(unit.names[0] for unit in _units_for(units, kind))
    values = {"unit": echo(word, 40), "units": listed, "example": _example(option)}
    for unit in units.level.units if kind == "d" else ():
        if word in unit.names or word.split("/")[0] in unit.names:
            # "5000 ng/mL": a blood test result typed as a dose.
            values["unit"] = _unit_display(unit.names[0])
            return InputError("level_unit", values, option)
    return InputError("unknown_unit", values, option)


def _place_labels(
    quantities: list[_Quantity], events: list[tuple[str, int, bool, str]], units: Units
) -> list[str]:
    """A label before a number names it ("k2 100"); after one, it names that one ("100 k2").
    "5000 d3 100 k2": "d3" is followed by a number that has its own label, so it goes back.
    A K2 label never names an amount in IU. Returns the labels that fit nowhere."""
    if not events:
        return []

    def fits(label: str, index: int) -> bool:
        if not 0 <= index < len(quantities):
            return False
        unit = quantities[index].unit
        k2_label = label in ("k2", "mk4")
        return not (k2_label and unit is not None and _unit(units, "k2", unit) is None)

    unplaced: list[str] = []
    for label, before, number_next, text in events:
        if not number_next and fits(label, before):
            quantities[before].labels.add(label)
            quantities[before].trailing_label = True
        elif not number_next:
            unplaced.append(text)
    for label, before, number_next, text in events:
        if not number_next:
            continue
        after = before + 1
        own_label = after < len(quantities) and quantities[after].trailing_label
        if fits(label, after) and not (own_label and before >= 0):
            quantities[after].labels.add(label)
        elif fits(label, before):
            quantities[before].labels.add(label)
        else:
            unplaced.append(text)
    return unplaced


def _whole(number: Number, max_count: int) -> bool:
    """A number that can be a count: "2" in "2 drops" or "2 x 5000 IU"."""
    value = number.value
    # The range first: most amounts are far above any count, and it needs no new Decimal.
    return 1 <= value <= max_count and number.alt is None and value == value.to_integral_value()


def _is_count(quantity: _Quantity, max_count: int) -> bool:
    return (
        quantity.unit is None
        and quantity.low is None
        and quantity.count == 1
        and _whole(quantity.number, max_count)
    )


def _example(option: str) -> str:
    return _K2_EXAMPLE if option == "k2" else _D_EXAMPLE


def _units_for(units: Units, kind: Kind) -> tuple[Unit, ...]:
    return units.vitamin_d.units if kind == "d" else units.k2.units


def _unit(units: Units, kind: Kind, name: str) -> Unit | None:
    """The unit of `kind` spelled `name` (the first listed, should two share a spelling)."""
    named = _table(_UNIT_NAMES, units)
    if not named:
        for each in ("d", "k2"):
            for unit in _units_for(units, each):
                for spelling in unit.names:
                    named.setdefault((each, spelling), unit)
    return named.get((kind, name))


# Each knowledge base's unit spellings, looked up by identity: a reading asks three or four
# times, and scanning every unit's names each time cost more than the lookup.
_UNIT_NAMES: dict[int, tuple[Units, dict[tuple[Kind, str], Unit]]] = {}


def _freq(token: Token | None) -> tuple[int, int, str | None]:
    """(times, days, text) of a frequency token; once a day when none was typed."""
    if token is None or token.freq is None:
        return 1, 1, None
    times, days = token.freq
    return times, days, token.text


def _choose(number: Number, prefer_thousands: bool) -> tuple[Decimal, Decimal | None]:
    """The value read and the other reading a separator allows ("5.000", "5,5")."""
    if number.dot_group and prefer_thousands:
        assert number.alt is not None
        return number.alt, number.value
    return number.value, number.alt


def _read_amount(
    quantity: _Quantity, units: Units, kind: Kind, option: str, notes: list[Note]
) -> Amount | InputError:
    """One quantity as a D3 (base IU) or K2 (base µg) amount."""
    if quantity.counts_forms:
        count = fmt(quantity.number.value)
        form = quantity.form or ""
        return InputError("form_amount", {"count": count, "form": form}, option)
    unit: Unit | None = None
    if quantity.unit is not None:
        unit = _unit(units, kind, quantity.unit)
        if unit is None:
            if kind == "k2" and _unit(units, "d", quantity.unit) is not None:
                return InputError("k2_iu", option=option)
            return _unknown_unit(units, quantity.unit, option, "dose")
    in_iu = kind == "d" and (unit is None or unit.factor == 1)
    value, other = _choose(quantity.number, prefer_thousands=in_iu)
    times, days, period_text = _freq(quantity.freq)
    made = _make(units, kind, option, quantity, unit, value, times, days, period_text)
    if isinstance(made, InputError):
        return made
    if other is not None:
        note = _separator_note(units, kind, quantity, unit, value, other, made)
        if note.key != "separator" or _read_differently(quantity.number, value):
            notes.append(note)
    elif quantity.number.decimal_comma:
        notes.append(Note("separator", {"text": quantity.number.raw, "chosen": exact(value)}))
    if quantity.low is not None:
        low_value, _ = _choose(quantity.low, prefer_thousands=in_iu)
        low = _make(units, kind, option, quantity, unit, low_value, times, days, period_text)
        if isinstance(low, InputError):
            return low
        if low.daily >= made.daily:
            text = f"{exact(low_value)}-{exact(value)}"
            return InputError("bad_range", {"text": text}, option)
        made = made._replace(low=low)
    return made


def _make(
    units: Units,
    kind: Kind,
    option: str,
    quantity: _Quantity,
    unit: Unit | None,
    value: Decimal,
    times: int,
    days: int,
    period_text: str | None,
) -> Amount | InputError:
    example = _D_EXAMPLE if kind == "d" else _K2_EXAMPLE
    if value <= 0:
        return InputError("not_positive", {"example": example}, option)
    if len(quantity.number.raw) > 14:
        with localcontext() as context:
            # Exact for any number a member can type (inputs are at most a few hundred chars).
            context.prec = len(quantity.number.raw) + 14
            base = unit.to_base(value) if unit else value
            daily = base * quantity.count * times / days
    else:
        base = unit.to_base(value) if unit else value
        daily = base * quantity.count * times / days
    d2, mk4 = "d2" in quantity.labels, "mk4" in quantity.labels
    entered = _entered(value, unit, quantity.count, period_text, d2)
    limit = units.vitamin_d.max_daily if kind == "d" else units.k2.max_daily
    minimum = units.vitamin_d.min_daily if kind == "d" else units.k2.min_daily
    base_name = units.vitamin_d.base_unit if kind == "d" else units.k2.base_unit
    if daily > limit:
        values = {
            "entered": entered,
            "daily": f"{fmt(daily)} {base_name}",
            "limit": f"{fmt(limit)} {base_name}",
        }
        return InputError("too_high", values, option)
    if daily < minimum:
        values = {"entered": entered, "minimum": f"{fmt(minimum, 4)} {base_name}"}
        return InputError("too_small", {**values, "example": example}, option)
    return Amount(
        number=value,
        unit=unit,
        unit_text=quantity.unit,
        period_days=days,
        period_text=period_text,
        daily=daily,
        entered=entered,
        times=times,
        count=quantity.count,
        d2=d2,
        mk4=mk4,
        form=quantity.form,
    )


def _entered(
    number: Decimal, unit: Unit | None, count: int, period_text: str | None, d2: bool
) -> str:
    parts = [f"{count} x"] if count != 1 else []
    parts.append(exact(number))
    if unit is not None:
        parts.append("IU" if unit.names[0] == "iu" else unit.names[0])
    if d2:
        parts.append("D2")
    text = " ".join(parts)
    if period_text:
        text += period_text if period_text.startswith("/") else f" {period_text}"
    return text


def _separator_note(
    units: Units,
    kind: Kind,
    quantity: _Quantity,
    unit: Unit | None,
    chosen: Decimal,
    other: Decimal,
    made: Amount,
) -> Note:
    """ "5.000 IU": dk2 says which reading it took and offers the other, if it is one."""
    values = {"text": quantity.number.raw, "chosen": exact(chosen)}
    alternative = _make(
        units, kind, "amount", quantity, unit, other, made.times, made.period_days, None
    )
    if isinstance(alternative, InputError):
        return Note("separator", values)
    typed = exact(other).replace(",", "")
    if unit is not None:
        typed += " " + ("IU" if unit.names[0] == "iu" else unit.names[0])
    if kind == "k2":
        typed = f"k2:{typed}"
    return Note("separator_other", {**values, "other": exact(other), "typed": typed})


def _read_differently(number: Number, chosen: Decimal) -> bool:
    """Whether "dk2 read “150.001” as 150.001" would tell the member anything: not when the
    reading is written as typed and the other one can't be meant (it is beyond the scale)."""
    return exact(chosen) != number.raw


def _no_number(text: str, option: str, level: bool = False) -> InputError:
    key = "no_number_level" if level else "no_number"
    return InputError(key, {"text": echo(text, 60)}, option)


def _parse(text: str, units: Units, option: str, mode: str) -> _Parse | InputError:
    if error := too_long(text, units.max_input_chars):
        return replace(error, option=option)
    tokens = tokenize(text, units, mode)
    parsed = _grouped(tokens, units, option, mode)
    if parsed.error is not None:
        return parsed.error
    return parsed


def parse_dose(text: str, units: Units, kind: Kind = "d") -> Amount | InputError:
    """One vitamin D3 (kind "d", base IU) or K2 (kind "k2", base µg) amount, alone."""
    option = "amount" if kind == "d" else "k2"
    if kind == "d":
        reading = read_dose(text, None, units)
        if isinstance(reading, InputError):
            return reading
        if reading.k2 is not None:
            return InputError("two_amounts", {"text": echo(text, 60)}, option)
        return reading.d
    reading_k2 = _read_k2_option(text, units, [])
    return reading_k2


def _read_k2_option(text: str, units: Units, notes: list[Note]) -> Amount | InputError:
    if not text.strip():
        return InputError("empty_amount", option="k2")
    parsed = _parse(text, units, "k2", "dose")
    if isinstance(parsed, InputError):
        return parsed
    if not parsed.quantities:
        return _no_number(text, "k2")
    if len(parsed.quantities) > 1:
        return InputError("two_amounts", {"text": echo(text, 60)}, "k2")
    _set_aside_note(parsed, units, notes)
    return _read_amount(parsed.quantities[0], units, "k2", "k2", notes)


def _second(quantity: _Quantity, units: Units) -> bool:
    """Whether an unlabelled amount after the D3 one is K2: straight after it ("5000 100",
    "5000 IU 100 mcg", as the k2 option follows amount), or in micrograms ("5000 IU, 100
    mcg"). After anything else ("21 x 5000", "1/2 mg", "2000 in summer 5000") it is not
    clearly K2."""
    if not quantity.loose:
        return True
    unit = _unit(units, "k2", quantity.unit) if quantity.unit is not None else None
    return unit is not None and unit.factor == 1


def _restated(first: _Quantity, second: _Quantity, units: Units) -> bool:
    """Whether `second` is `first` again in another vitamin D unit, as labels print it."""
    if first.unit is None or second.unit is None or first.unit == second.unit:
        return False
    one, two = _unit(units, "d", first.unit), _unit(units, "d", second.unit)
    if one is None or two is None:
        return False
    a, b = one.to_base(first.number.value), two.to_base(second.number.value)
    return a > 0 and abs(a - b) <= a / 100


def _set_aside_note(parsed: _Parse, units: Units, notes: list[Note]) -> None:
    """Say which words dk2 did not read, unless they are only connectors ("and", "of")."""
    if parsed.set_aside and any(w not in units.reading.not_units for w in parsed.set_aside):
        notes.append(Note("set_aside", {"words": echo(" ".join(parsed.set_aside), 60)}))


# Readings already made, per knowledge base: members type the same few amounts again and
# again, and every reading (and error) is an immutable value.
_MEMO: dict[int, tuple[Units, dict[tuple[str, str, str | None], object]]] = {}
_MEMO_SIZE = 4096


def _table(store: dict[int, tuple[Units, dict[_K, _V]]], units: Units) -> dict[_K, _V]:
    """`units`' own table in `store` (by identity: a reloaded knowledge base starts afresh)."""
    entry = store.get(id(units))
    if entry is None or entry[0] is not units:
        if len(store) > 8:
            store.clear()
        entry = store[id(units)] = (units, {})
    return entry[1]


def _memo(units: Units, key: tuple[str, str, str | None], read: Callable[[], _T]) -> _T:
    table = _table(_MEMO, units)
    if key in table:
        return table[key]  # type: ignore[return-value]
    if len(table) >= _MEMO_SIZE:
        table.clear()
    value = read()
    table[key] = value
    return value


def read_dose(amount_text: str, k2_text: str | None, units: Units) -> DoseReading | InputError:
    """The dose command's `amount` (and `k2`) as typed: the D3 amount, a K2 amount (from the
    `k2` option, or labelled or second in `amount`) and what the reply should point out."""
    return _memo(
        units, ("dose", amount_text, k2_text), lambda: _read_dose(amount_text, k2_text, units)
    )


def _read_dose(amount_text: str, k2_text: str | None, units: Units) -> DoseReading | InputError:
    notes: list[Note] = []
    if not amount_text.strip():
        return InputError("empty_amount", option="amount")
    if k2_text is not None and not k2_text.strip():
        return InputError("empty_k2", option="k2")  # "k2:" with nothing after it
    parsed = _parse(amount_text, units, "amount", "dose")
    if isinstance(parsed, InputError):
        return parsed
    if not parsed.quantities:
        return _no_number(amount_text, "amount")
    d_quantity: _Quantity | None = None
    k2_quantity: _Quantity | None = None
    unlabelled: list[_Quantity] = []
    for quantity in parsed.quantities:
        is_k2 = not quantity.labels.isdisjoint(_K2_LABELS)
        is_d = not quantity.labels.isdisjoint(_D_LABELS)
        if is_k2 and is_d:
            return InputError("two_labels", {"text": echo(amount_text, 60)}, "amount")
        if is_k2:
            if k2_quantity is not None:
                return InputError("two_amounts", {"text": echo(amount_text, 60)}, "amount")
            k2_quantity = quantity
        elif is_d:
            if d_quantity is not None:
                return InputError("two_amounts", {"text": echo(amount_text, 60)}, "amount")
            d_quantity = quantity
        else:
            unlabelled.append(quantity)
    if parsed.stray_label and any(quantity.unit is None for quantity in parsed.quantities[1:]):
        # "d3/k2 5000/100": which label names which amount is a guess (with units, as in
        # "D3 + K2 5000 IU / 100 mcg", the units say it).
        return InputError("two_amounts", {"text": echo(amount_text, 60)}, "amount")
    for quantity in unlabelled:
        d_unit = quantity.unit is not None and _unit(units, "k2", quantity.unit) is None
        if d_quantity is None:
            d_quantity = quantity
        elif _restated(d_quantity, quantity, units):
            continue  # "5000 IU (125 mcg)": the same amount in the label's other unit
        elif k2_quantity is None and k2_text is None and not d_unit and _second(quantity, units):
            # "5000 IU 100 mcg", "5000 100": what follows the D3 amount is K2, as before.
            k2_quantity = quantity
        else:
            return InputError("two_amounts", {"text": echo(amount_text, 60)}, "amount")
    if d_quantity is None:
        # Only a K2 amount was typed where the D3 amount goes.
        return InputError("k2_only", {"text": echo(amount_text, 60)}, "amount")
    if k2_quantity is not None and k2_text is not None:
        return InputError("duplicate_option", {"name": "k2"}, "k2")
    d = _read_amount(d_quantity, units, "d", "amount", notes)
    if isinstance(d, InputError):
        return d
    k2: Amount | None = None
    k2_option = "amount"
    if k2_quantity is not None:
        option = "k2" if "k2" in k2_quantity.labels or "mk4" in k2_quantity.labels else "amount"
        read = _read_amount(k2_quantity, units, "k2", option, notes)
        if isinstance(read, InputError):
            return read
        k2 = read
    elif k2_text is not None and k2_text.strip():
        read = _read_k2_option(k2_text, units, notes)
        if isinstance(read, InputError):
            return read
        k2, k2_option = read, "k2"
    if d.d2:
        notes.insert(0, Note("d2"))
    if d.form is not None and not d_quantity.counted:
        typed = d.entered.replace(",", "")
        notes.append(Note("form_each", {"entered": d.entered, "form": d.form, "typed": typed}))
    if parsed.child:
        notes.append(Note("child"))
    _set_aside_note(parsed, units, notes)
    return DoseReading(d=d, k2=k2, notes=tuple(notes), k2_option=k2_option)


def parse_level(text: str, units: Units) -> LevelValue | InputError:
    """A blood 25(OH)D result: "42", "42 ng/mL", "105 nmol/L", "<10", "my level is 18"."""
    return _memo(units, ("level", text, None), lambda: _parse_level(text, units))


def _parse_level(text: str, units: Units) -> LevelValue | InputError:
    option = "value"
    if not text.strip():
        return InputError("empty_level", option=option)
    parsed = _parse(text, units, option, "level")
    if isinstance(parsed, InputError):
        return parsed
    if not parsed.quantities:
        return _no_number(text, option, level=True)
    quantity = parsed.quantities[0]
    others = parsed.quantities[1:]
    if quantity.low is not None or not all(_same_level(quantity, o, units) for o in others):
        return InputError("level_numbers", {"text": echo(text, 60)}, option)
    unit = None
    if quantity.unit is not None:
        unit = next((u for u in units.level.units if quantity.unit in u.names), None)
        if unit is None:
            return InputError("unknown_level_unit", {"unit": echo(quantity.unit, 40)}, option)
    notes: list[Note] = []
    number, other = _choose(quantity.number, prefer_thousands=False)
    if other is not None:
        values = {"text": quantity.number.raw, "chosen": exact(number)}
        if other <= units.level.max_ng_ml:
            typed = exact(other).replace(",", "") + (
                f" {_unit_display(unit.names[0])}" if unit else ""
            )
            values |= {"other": exact(other), "typed": f"/dk2 level {typed}"}
        if "typed" in values or _read_differently(quantity.number, number):
            notes.append(Note("separator_other" if "typed" in values else "separator", values))
    elif quantity.number.decimal_comma:
        notes.append(Note("separator", {"text": quantity.number.raw, "chosen": exact(number)}))
    if number <= 0:
        return InputError("not_positive", {"example": _LEVEL_EXAMPLE}, option)
    with localcontext() as context:
        context.prec = max(28, len(quantity.number.raw) + 12)
        ng_ml = unit.to_base(number) if unit else number
    if ng_ml > units.level.max_ng_ml:
        values = {"value": fmt(ng_ml, 1), "limit": fmt(units.level.max_ng_ml)}
        return InputError("level_too_high", values, option)
    shown_unit = _unit_display(unit.names[0]) if unit else None
    entered = (quantity.bound or "") + exact(number) + (f" {shown_unit}" if shown_unit else "")
    if quantity.bound is not None:
        key = "lab_below" if quantity.bound == "<" else "lab_above"
        values = {"number": fmt(number, 4), "unit": shown_unit or units.level.base_unit}
        notes.insert(0, Note(key, values))
    _set_aside_note(parsed, units, notes)
    return LevelValue(
        number=number,
        unit=unit,
        unit_text=quantity.unit,
        ng_ml=ng_ml,
        entered=entered,
        bound=quantity.bound,
        notes=tuple(notes),
    )


def _same_level(first: _Quantity, second: _Quantity, units: Units) -> bool:
    """ "75 nmol/L (30 ng/mL)": a lab report giving one result in both units."""
    if first.unit is None or second.unit is None or first.unit == second.unit:
        return False
    one = next((u for u in units.level.units if first.unit in u.names), None)
    two = next((u for u in units.level.units if second.unit in u.names), None)
    if one is None or two is None:
        return False
    a, b = one.to_base(first.number.value), two.to_base(second.number.value)
    return a > 0 and abs(a - b) <= a / 50


def _unit_display(name: str) -> str:
    return {"ng/ml": "ng/mL", "nmol/l": "nmol/L"}.get(name, name)
