"""What a member sees when dk2 reads an amount it must not guess at: each case from the
input audit, checked in the reply's words (the error or the note a member reads)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.core.amounts import InputError, parse_level, read_dose
from bot.core.commands import reply_for_text
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text


def error_text(kb: KnowledgeBase, text: str) -> str:
    """The error a member reads for chat text, with the option it is aimed at."""
    reply, _ = reply_for_text(kb, text)
    assert not reply.ok, reply
    return reply.error or ""


def dose_error(kb: KnowledgeBase, amount: str, k2: str | None = None) -> tuple[str, str]:
    """The message for a dose's bad input, and the option it names."""
    reading = read_dose(amount, k2, kb.units)
    assert isinstance(reading, InputError), reading
    assert reading.option is not None
    return kb.messages.get(f"errors.{reading.key}", **reading.values), reading.option


# -- A frequency of zero ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("/dk2 dose 10000 IU every 0 days", "every 0 days"),
        ("/dk2 dose 10000 IU every 0 weeks", "every 0 weeks"),
        ("/dk2 dose 5000 IU 0 times a week", "0 times a week"),
    ],
)
def test_a_frequency_of_zero_is_an_error_of_the_amount(
    kb: KnowledgeBase, text: str, frequency: str
) -> None:
    message = error_text(kb, text)
    assert message.startswith("`amount`: ")
    assert f"“{frequency}”" in message
    assert "`every 3 days`" in message


def test_a_k2_frequency_of_zero_is_an_error_of_the_k2_option(kb: KnowledgeBase) -> None:
    message, option = dose_error(kb, "5000", "100 mcg every 0 days")
    assert option == "k2"
    assert "“every 0 days”" in message


@given(
    zero=st.sampled_from(["every 0 days", "every 0 weeks", "every 00 months", "0x/week"]),
    number=st.integers(min_value=1, max_value=10**6),
    k2=st.booleans(),
)
def test_no_amount_taken_every_zero_days_is_placed(
    kb: KnowledgeBase, zero: str, number: int, k2: bool
) -> None:
    amount, k2_text = (f"{number} IU", f"100 {zero}") if k2 else (f"{number} IU {zero}", None)
    reading = read_dose(amount, k2_text, kb.units)
    assert isinstance(reading, InputError)
    assert reading.key == "bad_frequency"


# -- A first group of 0 is a decimal -----------------------------------------------------------


def reply_text(kb: KnowledgeBase, text: str) -> str:
    """The whole reply a member reads for chat text that dk2 answers."""
    reply, _ = reply_for_text(kb, text)
    assert reply.ok, reply
    return render_text(reply)


@pytest.mark.parametrize(
    ("text", "title", "note"),
    [
        ("/dk2 dose 0,025 mg", "0.025 mg", "dk2 read “0,025” as 0.025."),
        ("/dk2 dose 0,010 mg", "0.01 mg", "dk2 read “0,010” as 0.01."),
        ("/dk2 level 0,125", "0.125", "dk2 read “0,125” as 0.125."),
        ("/dk2 dose 5000 k2:0,1 mg", "5,000", "dk2 read “0,1” as 0.1."),
    ],
)
def test_a_decimal_comma_after_0_is_read_as_a_decimal_and_said(
    kb: KnowledgeBase, text: str, title: str, note: str
) -> None:
    shown = reply_text(kb, text)
    assert shown.splitlines()[0].startswith(f"== {title}:")
    assert note in shown
    assert "If you meant" not in shown


def test_a_decimal_comma_after_0_is_not_a_million_iu(kb: KnowledgeBase) -> None:
    shown = reply_text(kb, "/dk2 dose 0,025 mg")
    assert "1,000 IU/day (25 µg/day)" in shown
    assert "Stop supplementing" not in shown


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("/dk2 dose 0.125 mg", "0.125"),
        ("/dk2 level 150.001", "150.001"),
        ("/dk2 dose 150.001 mcg", "150.001"),
    ],
)
def test_no_note_says_a_number_was_read_as_typed_when_no_other_reading_fits(
    kb: KnowledgeBase, text: str, number: str
) -> None:
    assert f"dk2 read “{number}”" not in reply_text(kb, text)


# -- A unit dk2 doesn't know, glued to one it knows ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("/dk2 level 42 ng/dL", "ng/dl"),  # a hundred times less than ng/mL
        ("/dk2 level 42 ng / dl", "ng/dl"),
        ("/dk2 level 42 nmol/dL", "nmol/dl"),
        ("/dk2 level 42 mg/dL", "mg/dl"),
    ],
)
def test_a_level_unit_dk2_doesnt_know_is_refused_not_set_aside(
    kb: KnowledgeBase, text: str, unit: str
) -> None:
    message = error_text(kb, text)
    assert message.startswith("`value`: ")
    assert f"doesn't know the unit “{unit}”" in message
    assert "ng/mL or nmol/L" in message


@pytest.mark.parametrize(
    ("text", "option", "unit"),
    [
        ("/dk2 dose 5000 mcg/ml", "amount", "mcg/ml"),  # a concentration, not an amount
        ("/dk2 dose 5000 IU/ml", "amount", "iu/ml"),
        ("/dk2 dose 5000 k2:100 mcg/ml", "k2", "mcg/ml"),
    ],
)
def test_a_dose_unit_dk2_doesnt_know_is_refused_not_set_aside(
    kb: KnowledgeBase, text: str, option: str, unit: str
) -> None:
    message = error_text(kb, text)
    assert message.startswith(f"`{option}`: ")
    assert f"doesn't know the unit “{unit}”" in message


@pytest.mark.parametrize(
    ("text", "unit"),
    [("/dk2 dose 5000 ng/mL", "ng/mL"), ("/dk2 dose 42 nmol/L", "nmol/L")],
)
def test_a_blood_test_unit_in_a_dose_points_to_the_level_command(
    kb: KnowledgeBase, text: str, unit: str
) -> None:
    message = error_text(kb, text)
    assert message.startswith("`amount`: ")
    assert f"{unit} is a unit of blood test results" in message
    assert "`/dk2 level 42 ng/mL`" in message


@given(
    number=st.integers(min_value=1, max_value=999),
    unit=st.sampled_from(["ng", "nmol", "ng/ml", "nmol/l"]),
    other=st.sampled_from(["dl", "dL", "l", "ml", "cl", "litre", "mmol"]),
    spaces=st.booleans(),
)
def test_no_unit_glued_to_a_level_unit_is_read_as_the_level_unit(
    kb: KnowledgeBase, number: int, unit: str, other: str, spaces: bool
) -> None:
    known = {name for each in kb.units.level.units for name in each.names}
    assume(f"{unit}/{other.lower()}" not in known)  # "ng" and "/ml" is ng/mL itself
    slash = " / " if spaces else "/"
    result = parse_level(f"{number} {unit}{slash}{other}", kb.units)
    assert isinstance(result, InputError)
    assert result.key == "unknown_level_unit"


# -- Fractions and powers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "option", "example"),
    [
        ("/dk2 dose 1½ mcg", "amount", "`1.5 mcg`"),  # not 11 IU and 2 µg of K2
        ("/dk2 dose 1 ½ mcg", "amount", "`1.5 mcg`"),
        ("/dk2 dose ¼ mg", "amount", "`1.5 mcg`"),  # not 1 IU and 4 mg of K2
        ("/dk2 dose 1⁄2 mg", "amount", "`1.5 mcg`"),  # a fraction slash
        ("/dk2 dose 5000 k2:½ mg", "k2", "`k2:0.1 mg`"),
        ("/dk2 level 42½", "value", "`42.5 ng/mL`"),
    ],
)
def test_a_fraction_is_refused_asking_for_a_decimal(
    kb: KnowledgeBase, text: str, option: str, example: str
) -> None:
    message = error_text(kb, text)
    assert message.startswith(f"`{option}`: ")
    assert "decimals with a dot" in message
    assert example in message


@pytest.mark.parametrize(
    ("text", "power"),
    [
        ("/dk2 dose 10^5", "10^5"),  # not 10 IU
        ("/dk2 dose 10 ^ 5 IU", "10 ^ 5"),
        ("/dk2 dose 10⁵", "10^5"),  # not 105 IU
        ("/dk2 dose 5000 IU x 10^3", "10^3"),
        ("/dk2 level 10^2", "10^2"),
    ],
)
def test_a_power_of_ten_is_refused_asking_for_plain_digits(
    kb: KnowledgeBase, text: str, power: str
) -> None:
    assert f"dk2 reads plain digits, not “{power}”" in error_text(kb, text)


_VULGAR = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒↉"


@given(
    whole=st.sampled_from(["", "1", "2 ", "12", "0.5"]),
    fraction=st.sampled_from(list(_VULGAR)),
    unit=st.sampled_from(["", " IU", " mcg", " mg"]),
    k2=st.booleans(),
)
def test_no_fraction_is_read_as_other_numbers(
    kb: KnowledgeBase, whole: str, fraction: str, unit: str, k2: bool
) -> None:
    typed = f"{whole}{fraction}{unit}"
    reading = read_dose("5000", typed, kb.units) if k2 else read_dose(typed, None, kb.units)
    assert isinstance(reading, InputError)
    assert reading.key == "fraction"
    assert reading.option == ("k2" if k2 else "amount")


# -- Frequencies dk2 doesn't read -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("/dk2 dose 50000 IU once a year", "once a year"),  # not 50,000 IU a day
        ("/dk2 dose 50000 IU quarterly", "quarterly"),
        ("/dk2 dose 50000 IU every quarter", "every quarter"),
        ("/dk2 dose 50000 IU per year", "per year"),
        ("/dk2 dose 50000 IU annually", "annually"),
        ("/dk2 dose 5000 IU biweekly", "biweekly"),  # twice a week, or every two weeks?
        ("/dk2 dose 300000 IU single dose", "single dose"),
        ("/dk2 dose 100000 IU loading dose", "loading dose"),
        ("/dk2 dose 50000 IU once", "once"),
        ("/dk2 dose 50000 IU on sundays", "on sundays"),
        ("/dk2 dose 2000 IU bid", "bid"),  # twice a day, not once
        ("/dk2 dose 2000 IU tid", "tid"),
        ("/dk2 dose 2000 IU b.i.d.", "b.i.d."),
        ("/dk2 dose 5000 IU every 12 hours", "every 12 hours"),
        ("/dk2 dose 5000 k2:100 mcg once a year", "once a year"),
    ],
)
def test_a_frequency_dk2_cant_read_is_refused_not_placed_as_daily(
    kb: KnowledgeBase, text: str, phrase: str
) -> None:
    message = error_text(kb, text)
    option = "k2" if "k2:" in text else "amount"
    assert message.startswith(f"`{option}`: ")
    assert f"can't read “{phrase}” as how often you take it" in message
    assert "`weekly`" in message and "`twice a day`" in message


@pytest.mark.parametrize(
    ("text", "daily"),
    [
        ("/dk2 dose 2000 IU qod", "Averages 1,000 IU/day"),  # every other day
        ("/dk2 dose 14000 IU per fortnight", "Averages 1,000 IU/day"),
        ("/dk2 dose 14000 IU a fortnight", "Averages 1,000 IU/day"),
    ],
)
def test_more_spellings_of_known_periods_are_read(kb: KnowledgeBase, text: str, daily: str) -> None:
    assert daily in reply_text(kb, text)


@pytest.mark.parametrize(
    "text",
    [
        "/dk2 dose 5000 IU for a year",  # how long, not how often
        "/dk2 dose 5000 IU since last year",
        "/dk2 level 42 ng/mL this year",
        "/dk2 level 42 ng/mL once a year",  # a level has no frequency to misread
    ],
)
def test_years_that_say_how_long_are_still_read_past(kb: KnowledgeBase, text: str) -> None:
    assert "set aside" in reply_text(kb, text)


@given(
    number=st.integers(min_value=1, max_value=10**6),
    unit=st.sampled_from(["", " IU", " mcg"]),
    words=st.sampled_from(
        [
            "once a year",
            "per year",
            "every year",
            "yearly",
            "quarterly",
            "every quarter",
            "biweekly",
            "bid",
            "tid",
            "qid",
            "once",
            "single dose",
            "on mondays",
            "every 8 hours",
            "hourly",
        ]
    ),
)
def test_no_frequency_dk2_cant_read_is_placed_as_daily(
    kb: KnowledgeBase, number: int, unit: str, words: str
) -> None:
    reading = read_dose(f"{number}{unit} {words}", None, kb.units)
    assert isinstance(reading, InputError)
    assert reading.key == "bad_frequency"


# -- A second number is K2 only when that is clear ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "daily"),
    [
        ("/dk2 dose 5000 IU x2", "10,000 IU/day"),  # a count, not 2 µg of K2
        ("/dk2 dose 2x5000", "10,000 IU/day"),
        ("/dk2 dose 50000 IU x1 weekly", "Averages 7,143 IU/day"),  # not 50,000 IU a day
    ],
)
def test_a_count_typed_with_x_is_a_count(kb: KnowledgeBase, text: str, daily: str) -> None:
    shown = reply_text(kb, text)
    assert daily in shown
    assert "µg/day:" not in shown  # no K2 line


@pytest.mark.parametrize(
    "text",
    [
        "/dk2 dose 21 x 5000",  # 21 is more than a count: not 21 IU and 5,000 µg of K2
        "/dk2 dose d3/k2 5000/100",  # not D3 100 and K2 5,000
        "/dk2 dose 2000 in summer 5000 in winter",
        "/dk2 dose 5000 and 100",
        "/dk2 dose 1/2 mg",
    ],
)
def test_a_second_number_that_is_not_clearly_k2_is_refused(kb: KnowledgeBase, text: str) -> None:
    message = error_text(kb, text)
    assert message.startswith("`amount`: dk2 found more than one amount")
    assert "`k2:100`" in message


@pytest.mark.parametrize(
    "text",
    [
        "/dk2 dose 5000 100",  # the k2 option's place, after the amount
        "/dk2 dose 5000 IU 100 mcg",
        "/dk2 dose 5000 IU, 100 mcg",
        "/dk2 dose 5000 IU k2 100 mcg",
        "/dk2 dose d3 5000 k2 100",
    ],
)
def test_k2_after_the_d3_amount_or_named_is_still_read(kb: KnowledgeBase, text: str) -> None:
    shown = reply_text(kb, text)
    assert "5,000 IU/day" in shown
    assert "100 µg/day:" in shown


@given(
    first=st.integers(min_value=21, max_value=100_000),
    second=st.integers(min_value=21, max_value=100_000),  # "21 x 2" is 21 twice
    between=st.sampled_from([" x ", "/", " / ", ", ", " and ", " in winter ", " then ", " or "]),
)
def test_no_bare_second_number_after_other_words_is_read_as_k2(
    kb: KnowledgeBase, first: int, second: int, between: str
) -> None:
    reading = read_dose(f"{first}{between}{second}", None, kb.units)
    assert isinstance(reading, InputError)


# -- Smaller misreadings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "daily"),
    [
        ("/dk2 dose 5000 IU every 2nd day", "Averages 2,500 IU/day"),
        ("/dk2 dose 7000 IU every 3rd day", "Averages 2,333 IU/day"),
        ("/dk2 dose 7000 IU 5 days a week", "Averages 5,000 IU/day"),
        ("/dk2 dose 7000 IU 3 days/week", "Averages 3,000 IU/day"),
        ("/dk2 dose 5’000", "5,000 IU/day"),  # a typographic apostrophe, as "5'000"
        ("/dk2 dose 5'000", "5,000 IU/day"),
    ],
)
def test_ordinals_days_a_week_and_a_curly_apostrophe_are_read(
    kb: KnowledgeBase, text: str, daily: str
) -> None:
    assert daily in reply_text(kb, text)


def test_more_days_a_week_than_a_week_has_is_refused(kb: KnowledgeBase) -> None:
    message = error_text(kb, "/dk2 dose 5000 IU 8 days a week")
    assert "can't read “8 days a week” as how often you take it" in message


@pytest.mark.parametrize(
    ("text", "typed"), [("/dk2 dose 5 00", "5 00"), ("/dk2 dose 400 0", "400 0")]
)
def test_a_group_that_is_not_thousands_is_refused_for_the_amount(
    kb: KnowledgeBase, text: str, typed: str
) -> None:
    message = error_text(kb, text)
    assert message.startswith(f"`amount`: dk2 couldn't read “{typed}”")
    assert "K2" not in message  # not "the K2 amount must be more than zero"


@pytest.mark.parametrize("text", ["/dk2 dose 5000 k2:", "/dk2 dose 5000 k2:   age:30"])
def test_an_empty_k2_option_says_it_needs_an_amount(kb: KnowledgeBase, text: str) -> None:
    message = error_text(kb, text)
    assert message.startswith("`k2`: Type the K2 amount after `k2:`")


@given(
    number=st.integers(min_value=1, max_value=10**5),
    days=st.integers(min_value=1, max_value=7),
    per=st.sampled_from([" a week", " per week", "/week", " a wk"]),
)
def test_days_a_week_average_over_the_week(
    kb: KnowledgeBase, number: int, days: int, per: str
) -> None:
    reading = read_dose(f"{number} IU {days} days{per}", None, kb.units)
    if isinstance(reading, InputError):
        assert reading.key == "too_small"
    else:
        assert reading.d.daily == Decimal(number) * days / 7


@given(whole=st.integers(min_value=1, max_value=999), zeros=st.sampled_from(["0", "00", "0000"]))
def test_no_space_grouping_with_a_short_or_long_group_is_read(
    kb: KnowledgeBase, whole: int, zeros: str
) -> None:
    reading = read_dose(f"{whole} {zeros}", None, kb.units)
    assert isinstance(reading, InputError) and reading.key == "bad_grouping"


# -- What the refusals above leave readable -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("/dk2 level 42 ng / ml", "== 42 ng/mL:"),  # spaces around the slash of a known unit
        ("/dk2 level 105 nmol / L", "== 105 nmol/L:"),
        ("/dk2 level 105 nmol/litre", "== 105 nmol/L:"),
        ("/dk2 dose 5000 IU / week", "== 5,000 IU/week:"),
    ],
)
def test_a_known_unit_spelled_with_spaces_or_in_full_is_read(
    kb: KnowledgeBase, text: str, title: str
) -> None:
    assert reply_text(kb, text).startswith(title)


@pytest.mark.parametrize(
    "text",
    [
        "/dk2 dose vitamin d3 5000 iu k2 mk7 100 mcg",  # "k2 mk7": two labels for one amount
        "/dk2 dose k2 mk7 100 mcg + d3 5000 iu",
        "/dk2 dose D3 + K2 5000 IU / 100 mcg",  # the units say which is which
    ],
)
def test_labels_that_name_no_amount_leave_amounts_with_units_read(
    kb: KnowledgeBase, text: str
) -> None:
    shown = reply_text(kb, text)
    assert "5,000 IU/day" in shown and "100 µg/day:" in shown
