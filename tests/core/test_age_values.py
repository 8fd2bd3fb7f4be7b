"""`age:` readings whole: the errors with what they quote, the oldest age from both sides,
and the unit quoted back in the singular for exactly one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.age import Age, parse_age
from bot.core.amounts import InputError
from bot.core.model import KnowledgeBase


def read(kb: KnowledgeBase, text: str) -> Age | InputError:
    assert kb.ages is not None
    return parse_age(text, kb.units, kb.ages.oldest)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("+6", Age(Decimal(72), "6 years")),
        (".5", Age(Decimal(6), "0.5 years")),
        ("1.0", Age(Decimal("12.0"), "1 year")),
        ("1 weeks", Age(Decimal(1) / Decimal("4.3333"), "1 week")),
        ("2 wk", Age(Decimal(2) / Decimal("4.3333"), "2 weeks")),
        ("1.25 y", Age(Decimal(15), "1.25 years")),
        ("130", Age(Decimal(1560), "130 years")),  # the oldest age dk2 places
        ("1560 months", Age(Decimal(1560), "1,560 months")),
        ("1.1234 y", Age(Decimal("13.4808"), "1.12 years")),  # quoted to two decimals
    ],
)
def test_an_age_reads_as_months_and_is_quoted_back_tidily(
    kb: KnowledgeBase, text: str, age: Age
) -> None:
    assert read(kb, text) == age


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("130.1", InputError("age_too_high", {"text": "130.1"})),
        ("1561 months", InputError("age_too_high", {"text": "1561 months"})),
        ("six", InputError("bad_age", {"text": "six"})),
        ("6 decades", InputError("bad_age", {"text": "6 decades"})),
        ("6 *years*", InputError("bad_age", {"text": "6 \\*years\\*"})),
        ("", InputError("bad_age", {"text": ""})),
        ("x" * 50, InputError("bad_age", {"text": "x" * 39 + "…"})),  # quoted to 40 characters
    ],
)
def test_age_errors_quote_what_was_typed(kb: KnowledgeBase, text: str, error: InputError) -> None:
    assert read(kb, text) == error


def test_an_age_over_the_input_limit_says_how_long_it_was(kb: KnowledgeBase) -> None:
    limit = kb.units.max_input_chars
    text = "6" + " " * limit
    assert read(kb, text) == InputError("too_long", {"length": str(limit + 1), "limit": str(limit)})
    assert isinstance(read(kb, text[:-1]), Age)
