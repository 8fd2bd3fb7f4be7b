"""Reading `age:` on /dk2 dose: examples, and properties over any text a member may type."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.age import Age, parse_age
from bot.core.amounts import InputError
from bot.core.commands import reply_for_text
from bot.core.model import KnowledgeBase


def oldest(kb: KnowledgeBase) -> Decimal:
    assert kb.ages is not None
    return kb.ages.oldest


@pytest.mark.parametrize(
    ("text", "months", "entered"),
    [
        ("6", 72, "6 years"),
        ("6 years", 72, "6 years"),
        ("6 Years Old", 72, "6 years"),
        ("6y", 72, "6 years"),
        ("6 yo", 72, "6 years"),
        ("1 year", 12, "1 year"),
        ("1.5 years", 18, "1.5 years"),
        ("8 months", 8, "8 months"),
        ("8 mo", 8, "8 months"),
        ("8m", 8, "8 months"),
        ("1 month", 1, "1 month"),
        ("18 months old", 18, "18 months"),
        ("0", 0, "0 years"),
        ("  40  ", 480, "40 years"),
    ],
)
def test_ages_as_members_type_them(kb: KnowledgeBase, text: str, months: int, entered: str) -> None:
    age = parse_age(text, kb.units, oldest(kb))
    assert isinstance(age, Age), age
    assert age.months == months
    assert age.entered == entered


def test_weeks_are_read_as_a_fraction_of_a_month(kb: KnowledgeBase) -> None:
    age = parse_age("6 weeks", kb.units, oldest(kb))
    assert isinstance(age, Age)
    assert Decimal(1) < age.months < Decimal(2)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "bad_age"),
        ("six", "bad_age"),
        ("-2", "bad_age"),
        ("6 decades", "bad_age"),
        ("6 years 3 months", "bad_age"),
        ("200", "age_too_high"),
        ("x" * 300, "too_long"),
    ],
)
def test_bad_ages_are_errors_that_say_what_to_type(kb: KnowledgeBase, text: str, key: str) -> None:
    error = parse_age(text, kb.units, oldest(kb))
    assert isinstance(error, InputError)
    assert error.key == key
    message = kb.messages.get(f"errors.{error.key}", **error.values)
    assert message


@settings(max_examples=100)
@given(text=st.text(max_size=60))
def test_any_text_is_an_age_or_an_error_never_an_exception(kb: KnowledgeBase, text: str) -> None:
    result = parse_age(text, kb.units, oldest(kb))
    assert isinstance(result, Age | InputError)
    if isinstance(result, Age):
        assert Decimal(0) <= result.months <= oldest(kb)
    else:
        # The message is complete: every placeholder the template needs is filled.
        assert kb.messages.get(f"errors.{result.key}", **result.values)


@settings(max_examples=100)
@given(
    number=st.decimals(min_value=0, max_value=120, places=2, allow_nan=False),
    unit=st.sampled_from(["", " years", " y", " months", " mo", " weeks"]),
)
def test_a_number_and_a_unit_give_that_many_months(
    kb: KnowledgeBase, number: Decimal, unit: str
) -> None:
    factor = {"": 12, " years": 12, " y": 12, " months": 1, " mo": 1}.get(unit)
    result = parse_age(f"{number}{unit}", kb.units, oldest(kb))
    expected = number * factor if factor is not None else number / Decimal("4.3333")
    if expected > oldest(kb):
        assert isinstance(result, InputError) and result.key == "age_too_high"
    else:
        assert isinstance(result, Age)
        assert result.months == expected


@settings(max_examples=100)
@given(months=st.integers(min_value=0, max_value=131))
def test_every_child_age_falls_in_exactly_one_group_of_every_scale(
    kb: KnowledgeBase, months: int
) -> None:
    assert kb.ages is not None
    for scale in kb.ages.limits:
        groups = [group for group in scale.groups if Decimal(months) in group.ages]
        assert len(groups) == 1


def test_an_unreadable_age_is_quoted_back_escaped(kb: KnowledgeBase) -> None:
    error = parse_age("**six** @everyone", kb.units, oldest(kb))
    assert isinstance(error, InputError)
    message = kb.messages.get(f"errors.{error.key}", **error.values)
    assert "\\*\\*six\\*\\*" in message and "\\@everyone" in message


@settings(max_examples=100)
@given(
    age=st.one_of(
        st.text(max_size=40),
        st.decimals(min_value=0, max_value=200, places=3).map(str),
        st.tuples(st.integers(0, 300), st.sampled_from(["months", "mo", "weeks", "y"])).map(
            lambda pair: f"{pair[0]} {pair[1]}"
        ),
    ),
    amount=st.integers(min_value=1, max_value=200_000),
)
def test_any_age_on_a_dose_gets_a_reply_or_a_clear_error(
    kb: KnowledgeBase, age: str, amount: int
) -> None:
    reply, _ = reply_for_text(kb, f"/dk2 dose {amount} age:{age}")
    assert reply.title
    if not reply.ok:
        assert reply.error
    elif reply.data["band"] in {"child_within", "child_above"}:
        # A child's dose sits on the right side of its limit, and says so in its title.
        assert (reply.data["daily_iu"] > reply.data["limit_iu"]) == (
            reply.data["band"] == "child_above"
        )
