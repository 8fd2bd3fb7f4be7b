"""Numbers as people type them ("5,000", "5.000", "5'000", "5,5", "1.234,5", "5k") and as dk2
writes them back: every reading pinned with its other reading, and the writing checked on
both sides of the size where it changes method."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.numbers import Number, exact, fmt, read_number, shown_number

D = Decimal


@pytest.mark.parametrize(
    ("typed", "value", "alt", "dot_group"),
    [
        ("5000", D(5000), None, False),
        (".5", D("0.5"), None, False),
        ("5'000", D(5000), None, False),
        ("1'234'567", D(1234567), None, False),
        ("5,000", D(5000), None, False),
        ("123,456", D(123456), None, False),
        ("1,234,567", D(1234567), None, False),
        ("1.234.567", D(1234567), None, False),
        ("1.234,5", D("1234.5"), None, False),
        ("1,234.5", D("1234.5"), None, False),
        ("1.234.567,25", D("1234567.25"), None, False),
        # A decimal comma; 55 is the reading if the comma was a slip.
        ("5,5", D("5.5"), D(55), False),
        ("5,0000", D("5.0000"), D(50000), False),
        ("1234,567", D("1234.567"), D(1234567), False),
        ("5.5", D("5.5"), None, False),
        ("1234.567", D("1234.567"), None, False),
        # "5.000": a decimal point or a thousands dot; the caller chooses by the unit.
        ("5.000", D(5), D(5000), True),
        ("12.500", D("12.5"), D(12500), True),
        ("123.456", D("123.456"), D(123456), True),
    ],
)
def test_each_way_of_writing_a_number_reads_with_its_other_reading(
    typed: str, value: Decimal, alt: Decimal | None, dot_group: bool
) -> None:
    assert read_number(typed) == Number(typed, value, alt, dot_group)


@pytest.mark.parametrize(
    ("typed", "value", "decimal_comma"),
    [
        # No group of thousands follows a lone 0: one reading, a decimal.
        ("0,025", D("0.025"), True),
        ("0,010", D("0.010"), True),
        ("0,5", D("0.5"), True),
        (",5", D("0.5"), True),
        ("0.125", D("0.125"), False),
        ("0.500", D("0.500"), False),
        ("00.250", D("0.250"), False),
    ],
)
def test_a_first_group_of_0_is_only_a_decimal(
    typed: str, value: Decimal, decimal_comma: bool
) -> None:
    assert read_number(typed) == Number(typed, value, None, False, decimal_comma)


@given(
    zeros=st.integers(min_value=1, max_value=3),
    digits=st.text("0123456789", min_size=1, max_size=6),
    mark=st.sampled_from([",", "."]),
)
def test_no_number_starting_with_0_and_a_separator_is_read_as_thousands(
    zeros: int, digits: str, mark: str
) -> None:
    typed = "0" * zeros + mark + digits
    number = read_number(typed)
    assert number is not None
    assert (number.value, number.alt, number.dot_group) == (D("0." + digits), None, False)
    assert number.decimal_comma == (mark == ",")
    assert read_number(typed + mark + "000") is None  # "0,025,000": not thousands either


@pytest.mark.parametrize(
    ("typed", "value", "alt", "dot_group"),
    [
        ("5k", D(5000), None, False),
        ("2.5k", D(2500), None, False),
        ("5,5k", D(5500), D(55000), False),
        ("5.000k", D(5000), D(5000000), True),
    ],
)
def test_k_multiplies_both_readings_by_a_thousand(
    typed: str, value: Decimal, alt: Decimal | None, dot_group: bool
) -> None:
    assert read_number(typed) == Number(typed, value, alt, dot_group)


@pytest.mark.parametrize(
    "typed",
    [
        "1234'567",  # a first group of four digits
        "12'34",  # a group that is not three digits
        "1'234.5",  # an apostrophe mixed with another separator
        "1,2,3.4",  # thousands groups of one digit before the decimal point
        "1.234,5,6",  # two decimal commas
        "1,23,456",  # a middle group of two digits
        "1.23.456",
        "1234.567,5",  # a first group of four digits before the decimal comma
        "5,00,0k",
        "0,025,000",  # a group of thousands after a lone 0
        "0'500",
    ],
)
def test_groupings_that_are_neither_thousands_nor_decimals_read_as_nothing(typed: str) -> None:
    assert read_number(typed) is None


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (D("0.0000001"), "0.0000001"),
        (D("1234567.50"), "1,234,567.5"),
        (D("5.0"), "5"),
        (D(5000), "5,000"),
        (D(100), "100"),
        (D("12345678901234567890123456789012"), "12,345,678,901,234,567,890,123,456,789,012"),
    ],
)
def test_exact_keeps_every_digit_and_no_trailing_zero(value: Decimal, written: str) -> None:
    assert exact(value) == written


@pytest.mark.parametrize(
    ("value", "places", "written"),
    [
        (D(5000), 0, "5,000"),  # trailing zeros of a whole number stay
        (D("1234.6"), 0, "1,235"),
        (D("7142.857"), 2, "7,142.86"),
        (D("5.10"), 2, "5.1"),
        (D(5), 2, "5"),
        (D("0.25"), 4, "0.25"),
        (D(10**12 - 1), 0, "999,999,999,999"),
        (D("999999999999.96"), 1, "1,000,000,000,000"),
        # From 10^12 on, Decimal arithmetic: floats would lose the last digits.
        (D(10**12), 0, "1,000,000,000,000"),
        (D(10**12), 2, "1,000,000,000,000"),
        (D("1000000000000.50"), 2, "1,000,000,000,000.5"),
        (D("1000000000000.0003"), 4, "1,000,000,000,000.0003"),
        (D("9999999999999.0003"), 4, "9,999,999,999,999.0003"),
        (D("12345678901234567890123.456"), 1, "12,345,678,901,234,567,890,123.5"),
        (D("12345678901234567890123.454"), 2, "12,345,678,901,234,567,890,123.45"),
        (D("-12345678901234567890"), 0, "-12,345,678,901,234,567,890"),
    ],
)
def test_fmt_writes_numbers_for_people_on_both_sides_of_a_trillion(
    value: Decimal, places: int, written: str
) -> None:
    assert fmt(value, places) == written


def test_fmt_writes_whole_numbers_unless_told_the_places() -> None:
    assert fmt(D("1234.6")) == "1,235"
    assert fmt(D("12345678901234.6")) == "12,345,678,901,235"


def test_fmt_keeps_every_digit_of_the_longest_number_a_member_can_type() -> None:
    digits = "9" * 45 + "1"  # more digits than Decimal's default precision of 28
    value = D(digits + ".25")
    assert fmt(value, 2) == f"{int(digits):,}.25"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("7,142.86", 7142.86),
        ("5,000", 5000),
        ("0.5", 0.5),
        ("-5", -5),
        ("9,007,199,254,740,991", 2**53 - 1),
    ],
)
def test_shown_number_reads_back_what_fmt_wrote(text: str, number: float) -> None:
    read = shown_number(text)
    assert read == number
    assert type(read) is type(number)


def test_shown_number_keeps_a_float_where_an_int_would_claim_false_precision() -> None:
    read = shown_number(f"{2**53:,}")
    assert isinstance(read, float) and read == 2.0**53


@settings(max_examples=80)
@given(
    whole=st.integers(min_value=0, max_value=10**15),
    cents=st.integers(min_value=0, max_value=99),
    european=st.booleans(),
)
def test_grouped_numbers_with_decimals_read_back_in_either_convention(
    whole: int, cents: int, european: bool
) -> None:
    text = f"{whole:,}.{cents:02d}"
    if european:
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    number = read_number(text)
    expected = D(whole) + D(cents) / 100
    assert number is not None, text
    if whole < 1000:
        # "12.50" or "12,50": one separator before two digits is a decimal mark either way.
        assert number.value == expected, text
    else:
        assert (number.value, number.alt, number.dot_group) == (expected, None, False), text


@settings(max_examples=80)
@given(value=st.decimals(min_value=0, max_value=10**20, places=4, allow_nan=False))
def test_what_exact_writes_reads_back_as_the_same_number(value: Decimal) -> None:
    written = exact(value)
    number = read_number(written.replace(",", ""))
    assert number is not None and number.value == value, written


@settings(max_examples=80)
@given(
    value=st.decimals(min_value=-(10**20), max_value=10**20, places=3, allow_nan=False),
    places=st.integers(min_value=0, max_value=3),
)
def test_fmt_is_the_number_rounded_to_its_places(value: Decimal, places: int) -> None:
    written = fmt(value, places)
    assert abs(D(written.replace(",", "")) - value) <= D(1).scaleb(-places) / 2
    assert not ("." in written and written.endswith("0"))
