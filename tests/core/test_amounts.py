"""Reading amounts as members type them: the examples from the issue, and every error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.amounts import (
    Amount,
    InputError,
    LevelValue,
    _group,
    _grouped,
    parse_dose,
    parse_level,
)
from bot.core.model import KnowledgeBase
from bot.core.tokens import tokenize


@pytest.mark.parametrize(
    ("text", "daily_iu"),
    [
        ("5000", "5000"),
        ("5000 IU", "5000"),
        ("5,000 iu", "5000"),
        ("5k", "5000"),
        ("125 mcg", "5000"),
        ("125µg", "5000"),
        ("125μg", "5000"),  # Greek mu, as phones often type it
        ("125 ug", "5000"),
        ("0.1 mg", "4000"),
        ("60000 monthly", "2000"),
        ("1000 IU/day", "1000"),
        ("5000 IU of vitamin D3", "5000"),
        ("  5000   iu  ", "5000"),
        ("+5000", "5000"),
    ],
)
def test_dose_amounts_convert_to_daily_iu(kb: KnowledgeBase, text: str, daily_iu: str) -> None:
    amount = parse_dose(text, kb.units)
    assert isinstance(amount, Amount), amount
    assert amount.daily == Decimal(daily_iu)


@pytest.mark.parametrize("text", ["50000 IU weekly", "50,000 IU/week", "50000 iu / week"])
def test_weekly_doses_divide_by_seven(kb: KnowledgeBase, text: str) -> None:
    amount = parse_dose(text, kb.units)
    assert isinstance(amount, Amount)
    assert amount.period_days == 7
    assert abs(amount.daily - Decimal(50000) / 7) < Decimal("0.001")


@pytest.mark.parametrize(
    ("text", "mcg"),
    [("100", "100"), ("100 mcg", "100"), ("0.1 mg", "100"), ("180µg MK-7", "180")],
)
def test_k2_amounts_are_micrograms(kb: KnowledgeBase, text: str, mcg: str) -> None:
    amount = parse_dose(text, kb.units, "k2")
    assert isinstance(amount, Amount), amount
    assert amount.daily == Decimal(mcg)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "empty_amount"),
        ("   ", "empty_amount"),
        ("0", "not_positive"),
        ("0.0 mcg", "not_positive"),
        ("-5000", "negative"),
        ("abc", "no_number"),
        ("nan", "not_finite"),
        ("inf IU", "not_finite"),
        ("5000 xyz", "unknown_unit"),
        ("5,00,0", "bad_grouping"),
        ("2,000,000", "too_high"),
        ("30 mg", "too_high"),  # 1,200,000 IU a day
        ("x" * 201, "too_long"),
    ],
)
def test_bad_dose_input_is_an_error_value(kb: KnowledgeBase, text: str, key: str) -> None:
    result = parse_dose(text, kb.units)
    assert isinstance(result, InputError)
    assert result.key == key


def test_k2_in_iu_is_refused_with_a_reason(kb: KnowledgeBase) -> None:
    result = parse_dose("100 IU", kb.units, "k2")
    assert isinstance(result, InputError)
    assert "micrograms" in kb.messages.get(f"errors.{result.key}", **result.values)


@pytest.mark.parametrize(
    ("text", "ng_ml"),
    [("42", "42"), ("42 ng/mL", "42"), ("42ng/ml", "42"), ("74.88 nmol/L", "30")],
)
def test_levels_convert_to_ng_ml(kb: KnowledgeBase, text: str, ng_ml: str) -> None:
    value = parse_level(text, kb.units)
    assert isinstance(value, LevelValue), value
    assert abs(value.ng_ml - Decimal(ng_ml)) < Decimal("0.0001")


def test_one_ng_ml_is_2_496_nmol_l(kb: KnowledgeBase) -> None:
    value = parse_level("2.496 nmol/L", kb.units)
    assert isinstance(value, LevelValue)
    assert value.ng_ml == 1


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "empty_level"),
        ("high", "no_number_level"),
        ("0", "not_positive"),
        ("-3", "negative"),
        ("42 mg/dL", "unknown_level_unit"),
        ("5000", "level_too_high"),
        ("NaN", "not_finite"),
    ],
)
def test_bad_level_input_is_an_error_value(kb: KnowledgeBase, text: str, key: str) -> None:
    result = parse_level(text, kb.units)
    assert isinstance(result, InputError)
    assert result.key == key


@settings(max_examples=400)
@given(text=st.text(max_size=250))
def test_any_text_gives_an_amount_or_a_readable_error(kb: KnowledgeBase, text: str) -> None:
    for kind in ("d", "k2"):
        result = parse_dose(text, kb.units, kind)  # type: ignore[arg-type]
        if isinstance(result, InputError):
            message = kb.messages.get(f"errors.{result.key}", **result.values)
            assert message.strip()
        else:
            assert result.daily > 0
            assert result.daily <= kb.units.vitamin_d.max_daily


@settings(max_examples=400)
@given(text=st.text(max_size=250))
def test_any_text_gives_a_level_or_a_readable_error(kb: KnowledgeBase, text: str) -> None:
    result = parse_level(text, kb.units)
    if isinstance(result, InputError):
        assert kb.messages.get(f"errors.{result.key}", **result.values).strip()
    else:
        assert 0 < result.ng_ml <= kb.units.level.max_ng_ml


amount_words = st.sampled_from(["", " iu", " IU", "iu", " mcg", "µg", " ug", " mg"])
period_words = st.sampled_from(["", " daily", " weekly", "/week", " monthly", " a month"])


@given(
    number=st.integers(min_value=1, max_value=99_999),
    unit=amount_words,
    period=period_words,
    grouped=st.booleans(),
)
def test_typed_amounts_convert_exactly(
    kb: KnowledgeBase, number: int, unit: str, period: str, grouped: bool
) -> None:
    written = f"{number:,}" if grouped else str(number)
    result = parse_dose(f"{written}{unit}{period}", kb.units)
    factor = {"": 1, "iu": 1, "mcg": 40, "µg": 40, "ug": 40, "mg": 40000}[unit.strip().lower()]
    days = {"": 1, "daily": 1, "weekly": 7, "/week": 7, "monthly": 30, "a month": 30}[
        period.strip()
    ]
    expected = Decimal(number) * factor / days
    if expected > kb.units.vitamin_d.max_daily:
        assert isinstance(result, InputError)
        assert result.key == "too_high"
    elif expected < kb.units.vitamin_d.min_daily:
        assert isinstance(result, InputError)
        assert result.key == "too_small"
    else:
        assert isinstance(result, Amount), (written, unit, period, result)
        assert result.daily == expected


# What members type after a number: units, frequencies, labels, forms, counts, ranges, words.
_WORDS = ["iu", "mcg", "mg", "ng/ml", "nmol/l", "x", "every other day", "twice a week", "daily"]
_WORDS += ["k2", "mk-7", "mk-4", "d3", "d2", "drops", "softgels", "<", "-", "to", "for", "weeks"]
_WORDS += ["my", "baby", "bananas", "and", "of", "1e5", "5,00,0", "2000", "nan", "(", ")"]


@settings(max_examples=300)
@given(
    number=st.one_of(st.integers(min_value=0, max_value=10**7), st.sampled_from([1, 2, 20, 21])),
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join),
    option=st.sampled_from(["amount", "k2", "value"]),
    mode=st.sampled_from(["dose", "level"]),
)
def test_words_after_a_number_group_as_the_whole_line_does(
    kb: KnowledgeBase, number: int, words: str, option: str, mode: str
) -> None:
    """The words after a number are grouped once per spelling and the number put in after:
    the same quantities, words set aside and errors as grouping the whole line, whatever the
    number (a count or not) and the words (a unit, a form, another number, an error), asked
    once and again (from the cache)."""
    tokens = tokenize(f"{number} {words}", kb.units, mode)
    direct = _group(tokens, kb.units, option, mode)
    assert _grouped(tokens, kb.units, option, mode) == direct
    assert _grouped(tokens, kb.units, option, mode) == direct
