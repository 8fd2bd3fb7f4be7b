"""What a member sees when dk2 reads an amount it must not guess at: each case from the
input audit, checked in the reply's words (the error or the note a member reads)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.amounts import InputError, read_dose
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
