"""Doses and levels as forum members type them: every input the issue saw, one test each,
and property tests for the readers (frequencies, separators, option order, blame)."""

from __future__ import annotations

import itertools
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.amounts import DoseReading, InputError, parse_level, read_dose
from bot.core.commands import COMMAND_OPTIONS, Request, parse_request, reply_for_text
from bot.core.model import KnowledgeBase
from bot.core.numbers import exact, read_number
from bot.core.reply import Reply, render_text


def dose(kb: KnowledgeBase, line: str) -> Reply:
    return reply_for_text(kb, f"/dk2 dose {line}")[0]


def level(kb: KnowledgeBase, line: str) -> Reply:
    return reply_for_text(kb, f"/dk2 level {line}")[0]


def hints(reply: Reply) -> str:
    assert reply.ok, reply.error
    return "\n".join(reply.data["hints"])


def error_of(reply: Reply) -> tuple[str, str | None]:
    assert not reply.ok, reply.title
    return reply.data["error_key"], reply.data.get("error_option")


def close(value: float, expected: float) -> bool:
    return abs(value - expected) < 0.01


# -- "Extra words after a dose are read as the K2 amount and the error blames k2" ------------


def test_every_other_day_halves_the_dose(kb: KnowledgeBase) -> None:
    reply = dose(kb, "10000 IU every other day")
    assert reply.data["daily_iu"] == 5000 and reply.data["k2_mcg"] is None
    assert "every other day averages 5,000 IU/day (125 µg/day)." in reply.body


def test_d2_weekly_is_read_with_the_d2_note_and_its_sources(kb: KnowledgeBase) -> None:
    reply = dose(kb, "50000 IU D2 weekly")
    assert close(reply.data["daily_iu"], 50000 / 7)
    text = hints(reply)
    assert "D2" in text and "40 IU per µg" in text and "US ergocalciferol labels" in text
    assert "D3 raises blood levels more" in text and "Balachandar et al. 2021" in text


def test_drops_without_an_amount_ask_for_the_amount_in_one_drop(kb: KnowledgeBase) -> None:
    reply = dose(kb, "2 drops")
    assert error_of(reply) == ("form_amount", "amount")
    assert "`amount`" in reply.body and "drops" in reply.body and "`k2`" not in reply.body
    assert "/dk2 dose 2 x" in reply.body


def test_a_dose_for_a_baby_is_read_and_flagged_as_not_for_adults(kb: KnowledgeBase) -> None:
    reply = dose(kb, "400 IU for my baby")
    assert reply.data["daily_iu"] == 400 and reply.data["k2_mcg"] is None
    text = hints(reply)
    assert "for adults" in text and "`/dk2 explain children`" in text
    assert "set aside “for my baby”" in text


def test_an_amount_in_drops_asks_whether_it_is_per_drop(kb: KnowledgeBase) -> None:
    reply = dose(kb, "1000 IU drops")
    assert reply.data["daily_iu"] == 1000 and reply.data["k2_mcg"] is None
    assert "/dk2 dose 2 x 1000 IU" in hints(reply)


def test_digits_grouped_with_a_space_are_one_number(kb: KnowledgeBase) -> None:
    reply = dose(kb, "5 000 IU")
    assert reply.data["daily_iu"] == 5000 and reply.data["k2_mcg"] is None


def test_a_range_in_one_band_is_answered_for_both_ends(kb: KnowledgeBase) -> None:
    reply = dose(kb, "1000-2000 IU")
    assert reply.data["band"] == "typical"
    assert "1,000-2,000 IU" in reply.title
    assert "both ends" in hints(reply)


def test_a_range_across_bands_says_where_each_end_sits_and_asks(kb: KnowledgeBase) -> None:
    reply = dose(kb, "1000 to 5000 IU")
    assert error_of(reply) == ("range_spans", "amount")
    typical, above = kb.bands["dose"].get("typical"), kb.bands["dose"].get("above_ul")
    assert typical is not None and above is not None
    assert typical.label in reply.body and above.label in reply.body
    assert "`/dk2 dose 1000 IU`" in reply.body and "`/dk2 dose 5000 IU`" in reply.body


@pytest.mark.parametrize("line", ["10000 IU 2x/week", "10000 IU twice a week"])
def test_twice_a_week(kb: KnowledgeBase, line: str) -> None:
    reply = dose(kb, line)
    assert close(reply.data["daily_iu"], 20000 / 7) and reply.data["k2_mcg"] is None


def test_two_times_an_amount_is_taken_together(kb: KnowledgeBase) -> None:
    reply = dose(kb, "2 x 5000 IU")
    assert reply.data["daily_iu"] == 10000 and reply.data["k2_mcg"] is None
    assert reply.title.startswith("2 x 5,000 IU")


def test_exponent_notation_is_refused_on_the_amount(kb: KnowledgeBase) -> None:
    reply = dose(kb, "1e308")
    assert error_of(reply) == ("exponent", "amount")
    assert "“1e308”" in reply.body and "`k2`" not in reply.body


# -- "Couldn't find a number" when there is one ----------------------------------------------


def test_a_label_before_the_number(kb: KnowledgeBase) -> None:
    reply = dose(kb, "D2 50000")
    assert reply.data["daily_iu"] == 50000
    assert "D2" in hints(reply)


def test_the_number_inside_a_sentence(kb: KnowledgeBase) -> None:
    reply = level(kb, "my level is 18")
    assert reply.data["ng_ml"] == 18 and reply.data["band"] == "inadequate"


def test_below_the_lab_limit_is_placed_below_it_and_explained(kb: KnowledgeBase) -> None:
    reply = level(kb, "<10 ng/ml")
    assert reply.data["band"] == "deficient"
    assert "<10 ng/mL" in reply.title and "<10 ng/mL" in reply.body
    assert "under 10 ng/mL" in hints(reply)


def test_above_the_lab_limit_is_placed_above_it(kb: KnowledgeBase) -> None:
    reply = level(kb, ">150 ng/mL")
    assert reply.data["band"] == kb.bands["level"].bands[-1].id
    assert "over 150 ng/mL" in hints(reply)


def test_a_zero_width_space_inside_the_number(kb: KnowledgeBase) -> None:
    reply = dose(kb, "50\u200b00")
    assert reply.data["daily_iu"] == 5000


# -- Silent wrong amounts ----------------------------------------------------------------------


def test_a_european_thousands_dot_is_read_as_thousands_and_the_other_offered(
    kb: KnowledgeBase,
) -> None:
    reply = dose(kb, "5.000 IU")
    assert reply.data["daily_iu"] == 5000
    assert "read “5.000” as 5,000" in hints(reply) and "`5 IU`" in hints(reply)


def test_a_decimal_comma_is_read_as_decimals_and_the_other_offered(kb: KnowledgeBase) -> None:
    reply = dose(kb, "5,5 mcg")
    assert reply.data["daily_iu"] == 220
    assert "read “5,5” as 5.5" in hints(reply) and "`55 mcg`" in hints(reply)


def test_a_thousands_dot_with_a_mass_unit_is_read_as_a_decimal(kb: KnowledgeBase) -> None:
    reply = dose(kb, "1.250 mg weekly")
    assert reply.data["daily_iu"] == pytest.approx(50000 / 7)


@pytest.mark.parametrize("line", ["1 IU", "10 IU", "50 IU"])
def test_small_iu_amounts_get_the_microgram_hint(kb: KnowledgeBase, line: str) -> None:
    number = line.split()[0]
    assert f"Type `/dk2 dose {number} mcg`" in hints(dose(kb, line))


def test_1_25_mg_is_named_as_the_weekly_50000_iu_capsule(kb: KnowledgeBase) -> None:
    text = hints(dose(kb, "1.25 mg"))
    assert "50,000 IU" in text and "once a week" in text
    assert "`/dk2 dose 1.25 mg weekly`" in text
    assert "1.25 IU" not in text


def test_k2_in_mg_gets_a_unit_hint_that_leaves_mk4_in_mg_alone(kb: KnowledgeBase) -> None:
    text = hints(dose(kb, "5000 k2:100mg"))
    assert "type `k2:100`" in text
    # The MK-4 drug dose (45 mg a day) is behind the forms topic the hint links.
    assert "MK-4" in text and "`/dk2 explain k2-forms`" in text and "keep mg" in text


def test_mk4_in_mg_is_not_told_to_type_micrograms(kb: KnowledgeBase) -> None:
    reply = dose(kb, "5000 k2:45 mg MK-4")
    text = hints(reply)
    assert "pharmacological" in text and "Koitaya et al. 2014" in text
    assert "`k2:45`" not in text and "type" not in text.lower().split("mk-4")[0]


# -- Zero, huge numbers and option order -----------------------------------------------------


def test_a_tiny_amount_is_refused_like_zero(kb: KnowledgeBase) -> None:
    reply = dose(kb, "0.0000001 IU")
    assert error_of(reply) == ("too_small", "amount")
    assert "0.0000001 IU" in reply.body


def test_a_32_digit_amount_is_echoed_exactly(kb: KnowledgeBase) -> None:
    digits = "12345678901234567890123456789012"
    reply = dose(kb, digits)
    assert error_of(reply) == ("too_high", "amount")
    assert f"{int(digits):,}" in reply.body


def test_option_order_does_not_matter(kb: KnowledgeBase) -> None:
    first = dose(kb, "k2:100 5000")
    second = dose(kb, "5000 k2:100")
    assert first.ok and first.data == second.data
    assert first.data["daily_iu"] == 5000 and first.data["k2_mcg"] == 100


def test_member_markdown_in_an_error_is_escaped(kb: KnowledgeBase) -> None:
    reply = dose(kb, "5000 **bold** [link](https://evil.example)")
    assert "**bold**" not in reply.body and "[link]" not in reply.body


def test_control_characters_never_reach_a_reply(kb: KnowledgeBase) -> None:
    reply = dose(kb, "\x1b[31mabc\x00\u202e")
    assert not any(unicodedata.category(c) in {"Cc", "Cf"} for c in reply.body)


# -- properties ------------------------------------------------------------------------------

SPANS = {"day": 1, "week": 7, "month": 30}
WORDS = ["daily", "weekly", "monthly", "every", "other", "twice", "a", "week", "drops", "for",
         "my", "baby", "d2", "d3", "of", "vitamin", "x", "-", "to", "<", "softgels", "iu",
         "mcg", "mg", "µg", "mk-7", "k2", "mk-4", "2x/week", "/d", "5.000", "5,5", "1e5",
         "lots", "furlongs", "\u200b", "**", "@everyone"]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**7).map(str),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False).map(str),
    st.sampled_from(["5,000", "5 000", "5.000", "5,5", "1.234,5", "5k", ".5", "1e308"]),
)
PIECES = st.one_of(NUMBERS, st.sampled_from(WORDS))


@settings(max_examples=400, deadline=None)
@given(
    amount=st.lists(PIECES, max_size=6).map(" ".join),
    k2=st.one_of(st.none(), st.lists(PIECES, min_size=1, max_size=4).map(" ".join)),
)
def test_errors_never_blame_an_option_the_member_did_not_type(
    kb: KnowledgeBase, amount: str, k2: str | None
) -> None:
    line = f"/dk2 dose {amount}" + (f" k2:{k2}" if k2 is not None else "")
    reply, _ = reply_for_text(kb, line)
    if reply.ok:
        return
    blamed = reply.data.get("error_option")
    typed_k2 = k2 is not None or any(word in amount.split() for word in ("k2", "mk-7", "mk-4"))
    if blamed == "k2":
        assert typed_k2, (line, reply.body)
    if not typed_k2:
        assert "`k2`:" not in reply.body, (line, reply.body)
    assert "\x1b" not in reply.body and "\u200b" not in reply.body


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=120), k2=st.one_of(st.none(), st.text(max_size=40)))
def test_any_dose_text_reads_or_explains_itself(
    kb: KnowledgeBase, text: str, k2: str | None
) -> None:
    result = read_dose(text, k2, kb.units)
    if isinstance(result, InputError):
        assert kb.messages.get(f"errors.{result.key}", **result.values).strip()
        assert result.option in {"amount", "k2"}
        if result.option == "k2":
            assert k2 is not None or any(w in text.lower() for w in ("k2", "mk", "menaq"))
        return
    assert isinstance(result, DoseReading)
    assert kb.units.vitamin_d.min_daily <= result.d.daily <= kb.units.vitamin_d.max_daily
    for note in result.notes:
        assert note.key and all(isinstance(v, str) for v in note.values.values())


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=120))
def test_any_level_text_reads_or_explains_itself(kb: KnowledgeBase, text: str) -> None:
    result = parse_level(text, kb.units)
    if isinstance(result, InputError):
        assert kb.messages.get(f"errors.{result.key}", **result.values).strip()
        assert result.option == "value"
    else:
        assert 0 < result.ng_ml <= kb.units.level.max_ng_ml


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(min_value=100, max_value=50000),
    times=st.integers(min_value=1, max_value=7),
    span=st.sampled_from(sorted(SPANS)),
    spelling=st.sampled_from(["{n}x/{s}", "{n} times a {s}", "{n}x per {s}", "{n} x {s}"]),
)
def test_counted_frequencies_divide_exactly(
    kb: KnowledgeBase, amount: int, times: int, span: str, spelling: str
) -> None:
    frequency = spelling.format(n=times, s=span)
    result = read_dose(f"{amount} IU {frequency}", None, kb.units)
    expected = Decimal(amount * times) / SPANS[span]
    if isinstance(result, InputError):
        assert result.key in {"too_high", "too_small"}, (frequency, result)
        return
    assert result.d.daily == expected, frequency
    assert result.k2 is None


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(min_value=100, max_value=50000),
    every=st.integers(min_value=2, max_value=6),
    span=st.sampled_from(sorted(SPANS)),
)
def test_every_n_spans_divides_by_n_spans(
    kb: KnowledgeBase, amount: int, every: int, span: str
) -> None:
    result = read_dose(f"{amount} IU every {every} {span}s", None, kb.units)
    expected = Decimal(amount) / (every * SPANS[span])
    if isinstance(result, InputError):
        assert result.key == "too_small"
        return
    assert result.d.daily == expected


@settings(max_examples=300)
@given(value=st.integers(min_value=1000, max_value=10**9))
def test_thousands_in_every_convention_read_back(value: int) -> None:
    english = f"{value:,}"
    for written in (english, english.replace(",", "'")):
        number = read_number(written)
        assert number is not None and number.value == value, written
    european = read_number(english.replace(",", "."))
    assert european is not None
    if english.count(",") == 1:
        # "5.000": a decimal point or a thousands dot; both readings are kept.
        assert european.alt == value and european.dot_group
    else:
        assert european.value == value


@settings(max_examples=200, deadline=None)
@given(
    d=st.integers(min_value=100, max_value=20000),
    k2=st.integers(min_value=10, max_value=500),
    k2_first=st.booleans(),
    private=st.sampled_from(["", "private:yes", "private:no"]),
)
def test_options_read_the_same_in_any_order(
    kb: KnowledgeBase, d: int, k2: int, k2_first: bool, private: str
) -> None:
    parts = [f"k2:{k2} mcg", f"{d} IU"] if k2_first else [f"{d} IU", f"k2:{k2} mcg"]
    if private:
        parts.insert(1, private)
    reply, request = reply_for_text(kb, "/dk2 dose " + " ".join(parts))
    assert reply.ok, (parts, reply.body)
    assert reply.data["daily_iu"] == d and reply.data["k2_mcg"] == k2
    assert request is not None
    assert request.private == ({"private:yes": True, "private:no": False}.get(private))


def test_rendered_replies_carry_no_raw_member_markup(kb: KnowledgeBase) -> None:
    for line in ("/dk2 level ~~18~~ ng/dl", "/dk2 explain **zzqx** <@1234>", "/dk2 zz`z"):
        text = render_text(reply_for_text(kb, line)[0])
        assert "~~" not in text.replace("\\~\\~", "")
        assert "<@1234>" not in text and "**zzqx**" not in text


CHAT_PIECES = st.one_of(
    PIECES,
    st.sampled_from(
        [
            "/dk2",
            "dose",
            "level",
            "explain",
            "help",
            "k2:",
            "private:",
            "amount:",
            "value:",
            "term:",
            "bogus:",
            "yes",
            "no",
            ":",
            "k2:100",
        ]
    ),
    st.text(max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(line=st.lists(CHAT_PIECES, max_size=8).map(" ".join))
def test_any_chat_line_is_a_request_or_says_what_to_type(kb: KnowledgeBase, line: str) -> None:
    parsed = parse_request(line, kb.units.max_input_chars)
    if isinstance(parsed, Request):
        allowed = COMMAND_OPTIONS[parsed.command]
        assert set(parsed.options) <= set(allowed) - {"private"}
        return
    command, error = parsed
    assert command == "" or command in COMMAND_OPTIONS
    message = kb.messages.get(f"errors.{error.key}", **error.values)
    assert message.strip() and "\x1b" not in message


@pytest.mark.parametrize("line", ["5000 IU (125 mcg)", "125 mcg / 5000 IU"])
def test_the_same_amount_in_the_labels_other_unit_is_not_read_as_k2(
    kb: KnowledgeBase, line: str
) -> None:
    reply = dose(kb, line)
    assert reply.data["daily_iu"] == 5000 and reply.data["k2_mcg"] is None


def test_up_to_is_not_a_minus_sign(kb: KnowledgeBase) -> None:
    reply = dose(kb, "up to 5000 IU")
    assert reply.data["daily_iu"] == 5000
    assert "set aside “up to”" in hints(reply)


@pytest.mark.parametrize(
    ("line", "iu", "k2"),
    [
        ("5000 IU k2 100 mcg", 5000, 100),
        ("5000 IU and 100 mcg MK-7", 5000, 100),
        ("d3 5000 k2 100", 5000, 100),
        ("5000 d3 100 k2", 5000, 100),
        ("I take 5000 IU a day with 100mcg K2", 5000, 100),
        ("5000 IU 100 mcg", 5000, 100),
    ],
)
def test_k2_typed_in_the_amount_is_found_by_its_label_or_place(
    kb: KnowledgeBase, line: str, iu: int, k2: int
) -> None:
    reply = dose(kb, line)
    assert (reply.data["daily_iu"], reply.data["k2_mcg"]) == (iu, k2)


def test_a_lab_result_given_in_both_units_is_one_result(kb: KnowledgeBase) -> None:
    reply = level(kb, "25-OH vitamin D 75 nmol/L (30 ng/mL)")
    assert round(reply.data["ng_ml"], 1) == 30.0 and reply.data["band"] == "goal"
    assert error_of(level(kb, "30 ng/ml or 45 nmol/l")) == ("level_numbers", "value")


def test_how_long_is_not_how_often(kb: KnowledgeBase) -> None:
    reply = dose(kb, "1000 IU for 2 weeks")
    assert reply.data["daily_iu"] == 1000
    assert "set aside “for 2 weeks”" in hints(reply)


@pytest.mark.parametrize("line", ["1 capsule 50000 IU every 2 weeks", "1 drop (400 IU)"])
def test_a_typed_count_of_one_needs_no_per_drop_question(kb: KnowledgeBase, line: str) -> None:
    reply = dose(kb, line)
    assert reply.ok and "amount in each one" not in hints(reply)


@settings(max_examples=300)
@given(st.decimals(min_value=0, max_value=10**40, places=12, allow_nan=False))
def test_exact_writes_every_digit_back(value: Decimal) -> None:
    assert Decimal(exact(value).replace(",", "")) == value


def test_lab_bounds_at_a_band_edge_land_on_the_side_they_name(kb: KnowledgeBase) -> None:
    bands = kb.bands["level"].bands
    for below, above in itertools.pairwise(bands):
        edge = below.range.high
        assert edge is not None and edge == above.range.low
        shown = exact(edge)
        assert level(kb, f"<{shown} ng/mL").data["band"] == below.id, shown
        assert level(kb, f">{shown} ng/mL").data["band"] == above.id, shown
