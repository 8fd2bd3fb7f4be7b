"""What the amount readers return, whole: each error with the values its message is filled
with (which unit list, which example, which option), each threshold from both sides, and the
fields of a reading (count, times, period, what is quoted back, the notes)."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from bot.core.amounts import (
    Amount,
    InputError,
    LevelValue,
    Note,
    parse_dose,
    parse_level,
    read_dose,
)
from bot.core.model import KnowledgeBase

D = Decimal
D_EXAMPLE, K2_EXAMPLE, LEVEL_EXAMPLE = "5000 IU", "k2:100 mcg", "42 ng/mL"


def dose(kb: KnowledgeBase, text: str, k2: str | None = None) -> Amount:
    reading = read_dose(text, k2, kb.units)
    assert not isinstance(reading, InputError), reading
    return reading.d


def level(kb: KnowledgeBase, text: str) -> LevelValue:
    value = parse_level(text, kb.units)
    assert not isinstance(value, InputError), value
    return value


def notes(kb: KnowledgeBase, text: str, k2: str | None = None) -> tuple[Note, ...]:
    reading = read_dose(text, k2, kb.units)
    assert not isinstance(reading, InputError), reading
    return reading.notes


# -- Errors, with every value their message shows ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "k2", "error"),
    [
        ("1e5", None, InputError("exponent", {"text": "1e5", "example": D_EXAMPLE}, "amount")),
        ("5000", "1e2", InputError("exponent", {"text": "1e2", "example": K2_EXAMPLE}, "k2")),
        ("5,00,0", None, InputError("bad_grouping", {"text": "5,00,0"}, "amount")),
        (
            "5000 daily weekly",
            None,
            InputError("two_frequencies", {"first": "daily", "second": "weekly"}, "amount"),
        ),
        ("-5000", None, InputError("negative", {"example": D_EXAMPLE}, "amount")),
        ("5000", "-100", InputError("negative", {"example": K2_EXAMPLE}, "k2")),
        ("inf", None, InputError("not_finite", {"text": "inf", "example": D_EXAMPLE}, "amount")),
        ("5000", "nan", InputError("not_finite", {"text": "nan", "example": K2_EXAMPLE}, "k2")),
        (
            "5000 bogus",
            None,
            InputError(
                "unknown_unit",
                {"unit": "bogus", "units": "iu, mcg, mg", "example": D_EXAMPLE},
                "amount",
            ),
        ),
        (
            "5000",
            "100 bogus",
            InputError(
                "unknown_unit", {"unit": "bogus", "units": "mcg, mg", "example": K2_EXAMPLE}, "k2"
            ),
        ),
        ("2000", "100 IU", InputError("k2_iu", {}, "k2")),
        ("2 drops", None, InputError("form_amount", {"count": "2", "form": "drops"}, "amount")),
        ("0", None, InputError("not_positive", {"example": D_EXAMPLE}, "amount")),
        ("5000", "0", InputError("not_positive", {"example": K2_EXAMPLE}, "k2")),
        ("2000-1000", None, InputError("bad_range", {"text": "2,000-1,000"}, "amount")),
        ("1000-1000", None, InputError("bad_range", {"text": "1,000-1,000"}, "amount")),
        ("5000 d3 k2", None, InputError("two_labels", {"text": "5000 d3 k2"}, "amount")),
        ("k2 100", None, InputError("k2_only", {"text": "k2 100"}, "amount")),
        ("5000 k2 100", "100", InputError("duplicate_option", {"name": "k2"}, "k2")),
        ("   ", None, InputError("empty_amount", {}, "amount")),
        ("lots", None, InputError("no_number", {"text": "lots"}, "amount")),
        ("5000", "lots", InputError("no_number", {"text": "lots"}, "k2")),
        ("5000", "100 200", InputError("two_amounts", {"text": "100 200"}, "k2")),
        ("5000 100 200", None, InputError("two_amounts", {"text": "5000 100 200"}, "amount")),
        ("d3 5000 d3 100", None, InputError("two_amounts", {"text": "d3 5000 d3 100"}, "amount")),
        (
            "k2 100 k2 90 5000",
            None,
            InputError("two_amounts", {"text": "k2 100 k2 90 5000"}, "amount"),
        ),
        ("5000 IU 100 IU", None, InputError("two_amounts", {"text": "5000 IU 100 IU"}, "amount")),
    ],
)
def test_dose_errors_carry_the_values_their_message_shows(
    kb: KnowledgeBase, text: str, k2: str | None, error: InputError
) -> None:
    assert read_dose(text, k2, kb.units) == error


def test_a_d3_amount_with_a_k2_option_and_a_second_amount_is_two_amounts(
    kb: KnowledgeBase,
) -> None:
    error = InputError("two_amounts", {"text": "5000 100"}, "amount")
    assert read_dose("5000 100", "90", kb.units) == error


def test_parse_dose_takes_one_amount_of_each_kind(kb: KnowledgeBase) -> None:
    assert parse_dose("5000 100 mcg", kb.units) == InputError(
        "two_amounts", {"text": "5000 100 mcg"}, "amount"
    )
    assert parse_dose("   ", kb.units, "k2") == InputError("empty_amount", {}, "k2")
    k2 = parse_dose("100 mcg", kb.units, "k2")
    assert isinstance(k2, Amount) and k2.daily == 100


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("1e2", InputError("exponent", {"text": "1e2", "example": LEVEL_EXAMPLE}, "value")),
        ("-5", InputError("negative", {"example": LEVEL_EXAMPLE}, "value")),
        ("inf", InputError("not_finite", {"text": "inf", "example": LEVEL_EXAMPLE}, "value")),
        ("42 bogus", InputError("unknown_level_unit", {"unit": "bogus"}, "value")),
        ("42 mcg", InputError("unknown_level_unit", {"unit": "mcg"}, "value")),
        ("0", InputError("not_positive", {"example": LEVEL_EXAMPLE}, "value")),
        ("  ", InputError("empty_level", {}, "value")),
        ("lots", InputError("no_number_level", {"text": "lots"}, "value")),
        ("30 40", InputError("level_numbers", {"text": "30 40"}, "value")),
        ("30-40", InputError("level_numbers", {"text": "30-40"}, "value")),
        ("1001", InputError("level_too_high", {"value": "1,001", "limit": "1,000"}, "value")),
        (
            "2500 nmol/L",
            InputError("level_too_high", {"value": "1,001.6", "limit": "1,000"}, "value"),
        ),
    ],
)
def test_level_errors_carry_the_values_their_message_shows(
    kb: KnowledgeBase, text: str, error: InputError
) -> None:
    assert parse_level(text, kb.units) == error


def test_too_long_on_both_sides_of_the_limit(kb: KnowledgeBase) -> None:
    limit = kb.units.max_input_chars
    at_limit = ("5000" + " and" * limit)[:limit]  # "and": a word dk2 reads past
    over = at_limit + "a"
    expected = InputError("too_long", {"length": str(limit + 1), "limit": str(limit)}, "amount")
    assert read_dose(over, None, kb.units) == expected
    assert not isinstance(read_dose(at_limit, None, kb.units), InputError)
    assert parse_level(over, kb.units) == InputError(
        "too_long", {"length": str(limit + 1), "limit": str(limit)}, "value"
    )


# -- Thresholds, from both sides -----------------------------------------------------------------


def test_the_largest_daily_dose_is_placed_and_one_more_is_too_high(kb: KnowledgeBase) -> None:
    assert dose(kb, "1000000").daily == 1_000_000
    assert read_dose("1000000.5", None, kb.units) == InputError(
        "too_high",
        {
            "entered": "1,000,000.5",
            "daily": "1,000,000 IU",  # fmt rounds half to even
            "limit": "1,000,000 IU",
        },
        "amount",
    )
    assert read_dose("7000001 weekly", None, kb.units) == InputError(
        "too_high",
        {"entered": "7,000,001 weekly", "daily": "1,000,000 IU", "limit": "1,000,000 IU"},
        "amount",
    )
    assert read_dose("5000", "1001 mg", kb.units) == InputError(
        "too_high",
        {"entered": "1,001 mg", "daily": "1,001,000 µg", "limit": "1,000,000 µg"},
        "k2",
    )


def test_the_smallest_daily_dose_is_placed_and_less_is_too_small(kb: KnowledgeBase) -> None:
    assert dose(kb, "1").daily == 1
    assert read_dose("0.5", None, kb.units) == InputError(
        "too_small", {"entered": "0.5", "minimum": "1 IU", "example": D_EXAMPLE}, "amount"
    )
    assert read_dose("5000", "0.009", kb.units) == InputError(
        "too_small", {"entered": "0.009", "minimum": "0.01 µg", "example": K2_EXAMPLE}, "k2"
    )
    k2 = read_dose("5000", "0.01", kb.units)
    assert not isinstance(k2, InputError) and k2.k2 is not None and k2.k2.daily == D("0.01")


def test_the_highest_level_is_placed_and_more_is_too_high(kb: KnowledgeBase) -> None:
    assert level(kb, "1000").ng_ml == 1000
    assert level(kb, "2496 nmol/L").ng_ml == 1000


def test_a_count_goes_up_to_max_count(kb: KnowledgeBase) -> None:
    most = kb.units.reading.max_count
    assert dose(kb, f"{most} x 100 IU").count == most
    assert read_dose(f"{most + 1} x 100 IU", None, kb.units) == InputError(
        "two_amounts", {"text": f"{most + 1} x 100 IU"}, "amount"
    )
    assert read_dose(f"{most} drops", None, kb.units) == InputError(
        "form_amount", {"count": str(most), "form": "drops"}, "amount"
    )
    assert dose(kb, f"{most + 1} drops").number == most + 1


@pytest.mark.parametrize(
    ("text", "k2_mcg"),
    [
        ("5000 IU 126.25 mcg", None),  # 5,050 IU: the same amount restated, within 1 %
        ("5000 IU 125 mcg", None),
        ("5000 IU 123.75 mcg", None),  # 4,950 IU
        ("5000 IU 126.3 mcg", D("126.3")),  # 5,052 IU: more than 1 % off, so K2
        ("5000 IU 123.7 mcg", D("123.7")),
    ],
)
def test_an_amount_restated_in_micrograms_is_the_same_amount_within_one_percent(
    kb: KnowledgeBase, text: str, k2_mcg: Decimal | None
) -> None:
    reading = read_dose(text, None, kb.units)
    assert not isinstance(reading, InputError)
    assert reading.d.daily == 5000
    assert (reading.k2.daily if reading.k2 else None) == k2_mcg


@pytest.mark.parametrize(
    ("text", "one"),
    [
        ("30 ng/mL (75 nmol/L)", True),
        ("30 ng/mL (76.3 nmol/L)", True),  # 30.57 ng/mL: within 2 %
        ("30 ng/mL (76.4 nmol/L)", False),  # 30.61 ng/mL
        ("30 ng/mL (73.4 nmol/L)", True),  # 29.41 ng/mL
        ("30 ng/mL (73.3 nmol/L)", False),  # 29.37 ng/mL
        ("75 nmol/L (30 ng/mL)", True),
        ("30 ng/mL (30 ng/mL)", False),
        ("30 (75 nmol/L)", False),
    ],
)
def test_a_lab_result_in_both_units_is_one_result_within_two_percent(
    kb: KnowledgeBase, text: str, one: bool
) -> None:
    value = parse_level(text, kb.units)
    if one:
        assert isinstance(value, LevelValue) and value.entered.startswith(text.split(" (")[0])
    else:
        assert value == InputError("level_numbers", {"text": text}, "value")


# -- What a reading holds ------------------------------------------------------------------------


def test_a_counted_frequency_fills_every_field(kb: KnowledgeBase) -> None:
    amount = dose(kb, "2 x 5000 IU twice a week")
    assert (amount.count, amount.times, amount.period_days) == (2, 2, 7)
    assert amount.number == 5000 and amount.unit_text == "iu"
    assert amount.period_text == "twice a week"
    assert amount.entered == "2 x 5,000 IU twice a week"
    assert amount.daily == D(2 * 5000 * 2) / 7
    assert amount.per_day == D(4) / 7
    assert amount.unit_given


def test_a_slash_period_is_quoted_back_without_a_space(kb: KnowledgeBase) -> None:
    assert dose(kb, "5000 IU/week").entered == "5,000 IU/week"
    assert dose(kb, "125 mcg daily").entered == "125 mcg daily"
    bare = dose(kb, "5000")
    assert (bare.unit, bare.unit_text, bare.period_text, bare.unit_given) == (
        None,
        None,
        None,
        False,
    )
    assert bare.entered == "5,000"


def test_d2_and_mk4_labels_are_kept_and_d2_is_pointed_out_first(kb: KnowledgeBase) -> None:
    amount = dose(kb, "50000 IU D2 weekly")
    assert amount.d2 and not amount.mk4
    assert amount.entered == "50,000 IU D2 weekly"
    assert notes(kb, "50000 IU D2 weekly")[0] == Note("d2")
    reading = read_dose("2000", "45 mg mk-4", kb.units)
    assert not isinstance(reading, InputError) and reading.k2 is not None
    assert reading.k2.mk4 and not reading.k2.d2 and reading.k2.daily == 45000


def test_a_form_named_with_an_amount_asks_whether_it_is_per_form(kb: KnowledgeBase) -> None:
    assert dose(kb, "5000 IU softgel").form == "softgel"
    assert Note("form_each", {"entered": "5,000 IU", "form": "softgel", "typed": "5000 IU"}) in (
        notes(kb, "5000 IU softgel")
    )
    assert not any(note.key == "form_each" for note in notes(kb, "1 softgel of 5000 IU"))
    assert dose(kb, "1 softgel of 5000 IU").count == 1


def test_words_set_aside_are_named_unless_they_are_connectors(kb: KnowledgeBase) -> None:
    assert notes(kb, "5000 IU for my baby") == (
        Note("child"),
        Note("set_aside", {"words": "for my baby"}),
    )
    assert notes(kb, "about 5000 IU") == ()
    assert notes(kb, "5000 IU up to") == (Note("set_aside", {"words": "up to"}),)


@pytest.mark.parametrize(
    ("text", "k2", "note"),
    [
        (
            "5.000",
            None,
            Note(
                "separator_other", {"text": "5.000", "chosen": "5,000", "other": "5", "typed": "5"}
            ),
        ),
        (
            "5.000 IU",
            None,
            Note(
                "separator_other",
                {"text": "5.000", "chosen": "5,000", "other": "5", "typed": "5 IU"},
            ),
        ),
        (
            "1,5 mg",
            None,
            Note(
                "separator_other",
                {"text": "1,5", "chosen": "1.5", "other": "15", "typed": "15 mg"},
            ),
        ),
        ("1.250 mg", None, Note("separator", {"text": "1.250", "chosen": "1.25"})),
        (
            "5000",
            "1.500 mcg",
            Note(
                "separator_other",
                {"text": "1.500", "chosen": "1.5", "other": "1,500", "typed": "k2:1500 mcg"},
            ),
        ),
    ],
)
def test_a_separator_with_two_readings_names_the_one_taken_and_offers_the_other(
    kb: KnowledgeBase, text: str, k2: str | None, note: Note
) -> None:
    assert note in notes(kb, text, k2)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        (
            "42,5",
            Note(
                "separator_other",
                {"text": "42,5", "chosen": "42.5", "other": "425", "typed": "/dk2 level 425"},
            ),
        ),
        (
            "42,5 nmol/L",
            Note(
                "separator_other",
                {
                    "text": "42,5",
                    "chosen": "42.5",
                    "other": "425",
                    "typed": "/dk2 level 425 nmol/L",
                },
            ),
        ),
        (
            "100,0",
            Note(
                "separator_other",
                {"text": "100,0", "chosen": "100", "other": "1,000", "typed": "/dk2 level 1000"},
            ),
        ),
        ("100,1", Note("separator", {"text": "100,1", "chosen": "100.1"})),
    ],
)
def test_a_level_separator_offers_the_other_reading_only_up_to_the_highest_level(
    kb: KnowledgeBase, text: str, note: Note
) -> None:
    assert note in level(kb, text).notes


@pytest.mark.parametrize(
    ("text", "entered", "bound", "note"),
    [
        ("<10", "<10", "<", Note("lab_below", {"number": "10", "unit": "ng/mL"})),
        (
            ">150 nmol/L",
            ">150 nmol/L",
            ">",
            Note("lab_above", {"number": "150", "unit": "nmol/L"}),
        ),
        (
            "less than 12.5 ng/ml",
            "<12.5 ng/mL",
            "<",
            Note("lab_below", {"number": "12.5", "unit": "ng/mL"}),
        ),
    ],
)
def test_lab_notation_is_kept_and_explained_first(
    kb: KnowledgeBase, text: str, entered: str, bound: str, note: Note
) -> None:
    value = level(kb, text)
    assert (value.entered, value.bound, value.notes[0]) == (entered, bound, note)


@pytest.mark.parametrize(
    ("text", "ng_ml", "entered", "unit_text"),
    [
        ("+42", D(42), "42", None),
        ("42 NG/ML", D(42), "42 ng/mL", "ng/ml"),
        ("105 nmol", D(105) / D("2.496"), "105 nmol/L", "nmol"),
        ("my level is 18", D(18), "18", None),
    ],
)
def test_a_level_is_read_with_its_unit_and_quoted_back_tidily(
    kb: KnowledgeBase, text: str, ng_ml: Decimal, entered: str, unit_text: str | None
) -> None:
    value = level(kb, text)
    assert (value.ng_ml, value.entered, value.unit_text) == (ng_ml, entered, unit_text)


def test_a_leading_plus_reads_like_no_sign_for_doses_and_levels(kb: KnowledgeBase) -> None:
    assert dose(kb, "+5000 IU").daily == 5000
    assert level(kb, "+42 ng/mL").ng_ml == 42


def test_where_the_k2_amount_was_typed_is_kept(kb: KnowledgeBase) -> None:
    from_option = read_dose("5000", "100", kb.units)
    in_amount = read_dose("5000 100 mcg", None, kb.units)
    labelled = read_dose("5000 k2 100", None, kb.units)
    assert not isinstance(from_option, InputError) and from_option.k2_option == "k2"
    assert not isinstance(in_amount, InputError) and in_amount.k2_option == "amount"
    assert not isinstance(labelled, InputError) and labelled.k2_option == "amount"
    assert read_dose("5000", "  ", kb.units) == InputError("empty_k2", {}, "k2")


def test_numbers_longer_than_a_float_holds_are_read_exactly(kb: KnowledgeBase) -> None:
    typed = "2 x 500.0000000000005 IU weekly"
    amount = dose(kb, typed)
    with localcontext() as context:
        context.prec = 60
        expected = D("500.0000000000005") * 2 / 7
    assert amount.daily == expected
    assert amount.entered == "2 x 500.0000000000005 IU weekly"
    assert read_dose("100000000000000000 IU", None, kb.units) == InputError(
        "too_high",
        {
            "entered": "100,000,000,000,000,000 IU",
            "daily": "100,000,000,000,000,000 IU",
            "limit": "1,000,000 IU",
        },
        "amount",
    )


# -- How the pieces around a number attach to it ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "daily", "k2"),
    [
        ("1000 IU - 2000 IU", D(2000), None),  # a range with the unit at both ends
        ("1000 IU to 2000 IU", D(2000), None),
        ("IU 5000", D(5000), None),  # a unit before the number
        ("daily 5000 IU", D(5000), None),  # a frequency before the number
        ("weekly 7000", D(1000), None),
        ("5000 d3 100 k2", D(5000), D(100)),  # labels after their numbers
        ("d3 5000 k2 100", D(5000), D(100)),  # labels before their numbers
        ("k2 100 d3 5000", D(5000), D(100)),
        ("5000 IU 100 mcg", D(5000), D(100)),  # what follows the D3 amount is K2
        ("5000 IU (125 mcg)", D(5000), None),  # the same amount restated
        ("2 x 5000 IU", D(10000), None),
        ("5000 IU x 2", D(10000), None),
        ("1 capsule of 5000 IU", D(5000), None),
        ("2 capsules of 5000 IU", D(10000), None),
        ("50000 softgels weekly", D(50000) / 7, None),  # above the count limit: the amount
    ],
)
def test_units_frequencies_labels_and_counts_attach_to_their_number(
    kb: KnowledgeBase, text: str, daily: Decimal, k2: Decimal | None
) -> None:
    reading = read_dose(text, None, kb.units)
    assert not isinstance(reading, InputError), reading
    assert reading.d.daily == daily
    assert (reading.k2.daily if reading.k2 else None) == k2


def test_a_k2_label_never_names_an_amount_in_iu(kb: KnowledgeBase) -> None:
    reading = read_dose("k2 5000 IU", None, kb.units)
    assert not isinstance(reading, InputError)
    assert reading.d.daily == 5000 and reading.k2 is None
    assert Note("set_aside", {"words": "k2"}) in reading.notes


def test_a_form_before_the_number_is_kept(kb: KnowledgeBase) -> None:
    amount = dose(kb, "softgel 5000 IU")
    assert amount.form == "softgel" and amount.daily == 5000


def test_a_second_unit_after_the_range_is_set_aside(kb: KnowledgeBase) -> None:
    reading = read_dose("5000 IU mcg", None, kb.units)
    assert not isinstance(reading, InputError)
    assert reading.d.daily == 5000
    assert Note("set_aside", {"words": "mcg"}) in reading.notes


@pytest.mark.parametrize(
    ("text", "count", "times", "days"),
    [
        ("2 drops of 1000 IU", 2, 1, 1),
        ("3 x 1000 IU twice a week", 3, 2, 7),
        ("1000 IU every 3 days", 1, 1, 3),
    ],
)
def test_counts_and_frequencies_are_kept_apart(
    kb: KnowledgeBase, text: str, count: int, times: int, days: int
) -> None:
    amount = dose(kb, text)
    assert (amount.count, amount.times, amount.period_days) == (count, times, days)
    assert amount.daily == D(1000) * count * times / days


def test_a_reading_typed_again_is_remembered_per_knowledge_base(kb: KnowledgeBase) -> None:
    first = read_dose("5000 IU weekly", None, kb.units)
    assert read_dose("5000 IU weekly", None, kb.units) is first
    assert read_dose("5000 IU weekly", "100", kb.units) is not first
    level_first = parse_level("42", kb.units)
    assert parse_level("42", kb.units) is level_first
    other = kb.units.model_copy(deep=True)
    again = read_dose("5000 IU weekly", None, other)
    assert again == first and again is not first
    assert read_dose("5000 IU weekly", None, other) is again


def test_long_texts_are_quoted_to_60_characters_in_errors(kb: KnowledgeBase) -> None:
    words = "and " * 20
    text = f"5000 {words}100 mcg 200 mcg"
    quoted = text[:59].rstrip() + "…"
    assert read_dose(text, None, kb.units) == InputError("two_amounts", {"text": quoted}, "amount")
    k2_text = f"100 {words}200"
    assert read_dose("5000", k2_text, kb.units) == InputError(
        "two_amounts", {"text": k2_text[:59].rstrip() + "…"}, "k2"
    )
    assert parse_dose(f"5000 {words}100 mcg", kb.units) == InputError(
        "two_amounts", {"text": f"5000 {words}100 mcg"[:59].rstrip() + "…"}, "amount"
    )
    level_text = f"30 {words}40"
    assert parse_level(level_text, kb.units) == InputError(
        "level_numbers", {"text": level_text[:59].rstrip() + "…"}, "value"
    )


def test_long_numbers_are_exact_with_a_unit_without_one_and_with_a_frequency(
    kb: KnowledgeBase,
) -> None:
    with localcontext() as context:
        context.prec = 60
        assert dose(kb, "500.0000000000005 mcg").daily == D("500.0000000000005") * 40
        assert dose(kb, "1000.00000000001").daily == D("1000.00000000001")
        twice = D("500.0000000000005") * 2 / 7
    assert dose(kb, "500.0000000000005 IU twice a week").daily == +twice


def test_a_first_group_of_0_is_a_decimal_even_in_iu(kb: KnowledgeBase) -> None:
    # No group of thousands follows a lone 0: "0.500 IU" is half an IU, too little to place.
    assert read_dose("0.500 IU", None, kb.units) == InputError(
        "too_small", {"entered": "0.5 IU", "minimum": "1 IU", "example": D_EXAMPLE}, "amount"
    )


def test_readings_of_different_lines_and_knowledge_bases_are_kept_apart(
    kb: KnowledgeBase,
) -> None:
    first, second = parse_level("42", kb.units), parse_level("43", kb.units)
    assert isinstance(first, LevelValue) and isinstance(second, LevelValue)
    assert (first.ng_ml, second.ng_ml) == (42, 43)
    higher = kb.units.model_copy(
        update={"level": kb.units.level.model_copy(update={"max_ng_ml": D(2000)})}
    )
    assert isinstance(parse_level("1500", kb.units), InputError)
    assert isinstance(parse_level("1500", higher), LevelValue)


@pytest.mark.parametrize(
    ("text", "low_daily", "low_entered", "daily"),
    [
        ("1.000-2.000 IU", D(1000), "1,000 IU", D(2000)),  # both ends read as thousands
        ("25-50 mcg", D(1000), "25 mcg", D(2000)),  # both ends in the unit typed
        ("500-1500 IU daily", D(500), "500 IU daily", D(1500)),
    ],
)
def test_both_ends_of_a_range_are_read_alike(
    kb: KnowledgeBase, text: str, low_daily: Decimal, low_entered: str, daily: Decimal
) -> None:
    amount = dose(kb, text)
    assert amount.low is not None
    assert (amount.low.daily, amount.low.entered, amount.daily) == (low_daily, low_entered, daily)


def test_a_bad_low_end_is_an_error_of_the_amount_option(kb: KnowledgeBase) -> None:
    assert read_dose("0-1000 IU", None, kb.units) == InputError(
        "not_positive", {"example": D_EXAMPLE}, "amount"
    )


@pytest.mark.parametrize(
    ("text", "d_daily", "k2_daily", "d2"),
    [
        ("mk-4 100 mcg 5000 IU", D(5000), D(100), False),  # an MK-4 label makes it K2
        ("100 mcg d2 50000 IU", D(50000), D(100), True),  # a D2 label makes it vitamin D
    ],
)
def test_a_label_decides_which_amount_is_which_whatever_the_order(
    kb: KnowledgeBase, text: str, d_daily: Decimal, k2_daily: Decimal, d2: bool
) -> None:
    reading = read_dose(text, None, kb.units)
    assert not isinstance(reading, InputError), reading
    assert reading.k2 is not None
    assert (reading.d.daily, reading.k2.daily, reading.d.d2) == (d_daily, k2_daily, d2)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("5000 d3 k2 " + "and " * 20, "two_labels"),
        ("k2 100 k2 90 5000 " + "and " * 20, "two_amounts"),
        ("d3 5000 d3 100 " + "and " * 20, "two_amounts"),
    ],
)
def test_label_errors_quote_long_texts_to_60_characters(
    kb: KnowledgeBase, text: str, key: str
) -> None:
    quoted = text.strip()[:59].rstrip() + "…"
    assert read_dose(text, None, kb.units) == InputError(key, {"text": quoted}, "amount")
