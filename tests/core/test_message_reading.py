"""Reading a member's message for "Answer with dk2": a dose, a level, a question, unsure or
off-topic, and the choices it offers round-tripping through a select value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.core.commands import Request, run
from bot.core.message_reading import CHOICE_LIMIT, read_message, request_for_choice
from bot.core.model import KnowledgeBase

# Chat words that are no amount, unit, label, frequency or caution: what surrounds a number.
FILLER = ["hey", "folks", "is", "this", "fine", "so", "hmm", "thoughts", "please", "now", "ok"]
fillers = st.lists(st.sampled_from(FILLER), max_size=6).map(" ".join)


def test_a_dose_among_chat_words_is_read_with_its_k2(kb: KnowledgeBase) -> None:
    reading = read_message(kb, "I take 5000 IU of D3 daily with 100mcg K2, is that ok?")
    assert reading.kind == "dose"
    (choice,) = reading.choices
    reply = run(kb, choice.request)
    assert reply.ok and reply.data["daily_iu"] == 5000 and reply.data["k2_mcg"] == 100


def test_a_weekly_dose_is_read_without_the_years_taken(kb: KnowledgeBase) -> None:
    reading = read_message(kb, "I've been taking 50000 IU weekly for 3 years")
    assert reading.kind == "dose"
    assert run(kb, reading.choices[0].request).data["daily_iu"] == pytest.approx(50000 / 7)


def test_a_level_in_ng_and_in_nmol(kb: KnowledgeBase) -> None:
    ng = read_message(kb, "my level came back at 28 ng/ml, should I worry?")
    assert ng.kind == "level" and run(kb, ng.choices[0].request).data["ng_ml"] == 28
    nmol = read_message(kb, "My 25(OH)D is 75 nmol/L")
    assert nmol.kind == "level" and run(kb, nmol.choices[0].request).data["nmol_l"] == 75


def test_a_question_gets_its_topic(kb: KnowledgeBase) -> None:
    reading = read_message(kb, "can I take vitamin D with warfarin")
    assert reading.kind == "question"
    assert reading.choices[0].request == Request("explain", {"term": "warfarin"})


def test_someone_needing_care_now_gets_the_urgent_answer_before_any_dose(
    kb: KnowledgeBase,
) -> None:
    text = "help my toddler just swallowed a whole bottle of 1000 IU d3 gummies, what do i do"
    reading = read_message(kb, text)
    assert reading.kind == "urgent"
    (choice,) = reading.choices
    reply = run(kb, choice.request)
    assert reply.data["urgent"] is True and reply.data["topic"] is None
    assert "poison control" in reply.body
    assert request_for_choice(kb, choice.value) == choice.request  # nothing to remember


def test_a_number_without_a_unit_is_no_dose(kb: KnowledgeBase) -> None:
    assert read_message(kb, "hello everyone, I am 35 years old").kind == "off-topic"


@pytest.mark.parametrize(
    "text",
    ["what's the best laptop for gaming", "anyone watching the game tonight?", "", "   ", "lol"],
)
def test_off_topic_offers_nothing(kb: KnowledgeBase, text: str) -> None:
    assert read_message(kb, text).kind == "off-topic"
    assert read_message(kb, text).choices == ()


def test_a_question_search_is_unsure_about_offers_its_suggestions(kb: KnowledgeBase) -> None:
    reading = read_message(kb, "is k2 good with my vitamin d")
    assert reading.kind == "unsure"
    assert 2 <= len(reading.choices) <= kb.search.max_suggestions
    assert all(choice.request.command == "explain" for choice in reading.choices)
    titles = {kb.topics[c.request.options["term"]].title for c in reading.choices}
    assert titles == {choice.label for choice in reading.choices}


def test_a_dose_and_a_level_are_both_offered(kb: KnowledgeBase) -> None:
    reading = read_message(kb, "my level is 30 ng/ml and I take 2000 IU a day")
    assert reading.kind == "unsure"
    commands = [choice.request.command for choice in reading.choices]
    assert "dose" in commands and "level" in commands


def test_two_doses_are_both_offered(kb: KnowledgeBase) -> None:
    reading = read_message(kb, "I take 1000 IU in summer and 5000 IU in winter")
    assert reading.kind == "unsure"
    daily = sorted(run(kb, c.request).data["daily_iu"] for c in reading.choices)
    assert daily == [1000, 5000]


def test_a_caution_named_beside_a_dose_is_offered_with_it(kb: KnowledgeBase) -> None:
    reading = read_message(kb, "I take 5000 IU, can I take it with warfarin?")
    assert reading.kind == "unsure"
    assert [c.request.command for c in reading.choices] == ["dose", "explain"]
    assert reading.choices[1].request.options["term"] == "warfarin"


def test_a_long_message_is_searched_by_its_question(kb: KnowledgeBase) -> None:
    chatter = "So I went to the pharmacy this morning and the queue was long again. " * 4
    reading = read_message(kb, chatter + "Can I take vitamin D with warfarin?")
    assert len(chatter) > kb.units.max_input_chars
    assert reading.kind == "question"
    assert reading.choices[0].request.options["term"] == "warfarin"


def test_select_values_that_dk2_never_offers_are_refused(kb: KnowledgeBase) -> None:
    assert request_for_choice(kb, "t:no-such-topic") is None
    assert request_for_choice(kb, "x:5000 iu") is None
    assert request_for_choice(kb, "d:") is None
    assert request_for_choice(kb, "d:" + "9" * CHOICE_LIMIT) is None
    assert request_for_choice(kb, "t:warfarin") == Request("explain", {"term": "warfarin"})


# -- properties -------------------------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=st.text(max_size=400))
def test_any_text_reads_without_raising_into_choices_a_select_can_hold(
    kb: KnowledgeBase, text: str
) -> None:
    reading = read_message(kb, text)
    expected = {"off-topic": (0, 0), "unsure": (2, 99)}.get(reading.kind, (1, 1))
    assert expected[0] <= len(reading.choices) <= expected[1]
    for choice in reading.choices:
        assert 1 <= len(choice.value) <= CHOICE_LIMIT and 1 <= len(choice.label) <= CHOICE_LIMIT
        assert request_for_choice(kb, choice.value) == choice.request
    assert len({choice.value for choice in reading.choices}) == len(reading.choices)


@settings(max_examples=200, deadline=None)
@given(before=fillers, after=fillers, amount=st.integers(1, 100_000))
# "folks" was a known word: the children topic, which prints "1 µg is 40 IU", was offered
@example(before="", after="folks ok ok", amount=40)
def test_a_dose_in_iu_among_chat_words_is_that_dose(
    kb: KnowledgeBase, before: str, after: str, amount: int
) -> None:
    reading = read_message(kb, f"{before} {amount} IU {after}")
    assert reading.kind == "dose"
    assert run(kb, reading.choices[0].request).data["daily_iu"] == amount


@settings(max_examples=200, deadline=None)
@given(
    before=fillers,
    after=fillers,
    value=st.integers(1, 150),
    unit=st.sampled_from(["ng/mL", "nmol/L"]),
)
def test_a_level_with_its_unit_among_chat_words_is_that_level(
    kb: KnowledgeBase, before: str, after: str, value: int, unit: str
) -> None:
    reading = read_message(kb, f"{before} {value} {unit} {after}")
    assert reading.kind == "level"
    data = run(kb, reading.choices[0].request).data
    assert Decimal(str(data["ng_ml" if unit == "ng/mL" else "nmol_l"])) == value


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(exclude_categories=["Nd", "No", "Nl"]), max_size=200))
def test_text_without_a_digit_is_never_a_dose_or_a_level(kb: KnowledgeBase, text: str) -> None:
    reading = read_message(kb, text)
    assert reading.kind not in ("dose", "level")
    assert all(c.request.command == "explain" for c in reading.choices)
