""" "Answer with dk2": the choices a message gets, at their limits. Discord's select option
holds at most 100 characters (label and value); dk2 reads at most units.yaml's
max_input_chars (200) of a message for search; search.yaml's max_suggestions is 3."""

from __future__ import annotations

import dataclasses

from bot.core.commands import Request, run
from bot.core.message_reading import CHOICE_LIMIT, read_message, request_for_choice
from bot.core.model import KnowledgeBase


def _values(kb: KnowledgeBase, text: str) -> list[str]:
    return [choice.value for choice in read_message(kb, text).choices]


def test_a_dose_and_its_k2_in_separate_runs_are_one_dose(kb: KnowledgeBase) -> None:
    reading = read_message(kb, "5000 iu daily and my k2 is 100 mcg")
    assert reading.kind == "dose"
    (choice,) = reading.choices
    assert choice.label == "Dose: 5000 iu daily 100 mcg"  # messages.yaml: "Dose: {text}"
    data = run(kb, choice.request).data
    assert data["daily_iu"] == 5000 and data["k2_mcg"] == 100


def test_a_level_choice_is_labelled_as_a_blood_level(kb: KnowledgeBase) -> None:
    (choice,) = read_message(kb, "my level came back at 28 ng/ml").choices
    assert choice.label == "Blood level: 28 ng/ml" and choice.value == "l:28 ng/ml"


def test_a_dose_fits_a_select_value_up_to_its_last_character(kb: KnowledgeBase) -> None:
    # "d:" and the dose text: 98 characters of dose make a 100-character value, 99 do not.
    fits = "5000." + "0" * 89 + "1 iu"
    assert len(fits) == 98
    (choice,) = read_message(kb, f"I take {fits}").choices
    assert choice.value == f"d:{fits}" and len(choice.value) == CHOICE_LIMIT
    # The label is cut to the select's 100 characters, not shorter.
    assert len(choice.label) == CHOICE_LIMIT and choice.label.endswith("…")
    assert choice.label.startswith("Dose: 5000.000")
    too_long = "5000." + "0" * 90 + "1 iu"
    assert not any(value.startswith("d:") for value in _values(kb, f"I take {too_long}"))
    assert request_for_choice(kb, f"d:{fits}") == Request("dose", {"amount": fits})
    assert request_for_choice(kb, f"d:{too_long}") is None


def test_a_dose_longer_than_dk2_reads_is_not_offered(kb: KnowledgeBase) -> None:
    # "5000 iu" is 7 characters: offered when dk2 reads 7, not when it reads 6.
    for limit, offered in ((7, ["d:5000 iu"]), (6, [])):
        units = kb.units.model_copy(update={"max_input_chars": limit})
        assert _values(dataclasses.replace(kb, units=units), "I take 5000 iu") == offered


def test_several_doses_come_with_the_topic_the_message_names(kb: KnowledgeBase) -> None:
    two = read_message(kb, "I take 1000 IU. Then 3000 IU. Is that ok with warfarin")
    assert two.kind == "unsure"
    assert [c.value for c in two.choices] == ["d:1000 iu", "d:3000 iu", "t:warfarin"]


def test_many_doses_are_cut_to_make_room_for_the_named_topic(kb: KnowledgeBase) -> None:
    # Four doses and warfarin: at most max_suggestions + 1 = 4 choices, and safety outranks
    # brevity, so the warfarin topic is kept and the last dose is the one left out.
    text = "I take 1000 IU. Then 2000 IU. Then 3000 IU. Then 5000 IU. Is that ok with warfarin"
    assert _values(kb, text) == ["d:1000 iu", "d:2000 iu", "d:3000 iu", "t:warfarin"]
    # Five doses and no topic: the first four. ("I take 1000 IU. Then ..." is no longer
    # topicless: members' questions taught the classifier that "I take" doses ask for dosing.)
    without = "1000 IU. Then 2000 IU. Then 3000 IU. Then 5000 IU. Then 6000 IU."
    assert _values(kb, without) == ["d:1000 iu", "d:2000 iu", "d:3000 iu", "d:5000 iu"]


def test_a_message_of_exactly_the_limit_is_read_whole(kb: KnowledgeBase) -> None:
    # 200 characters: stopwords, then the topic word last; one word fewer is no question.
    text = "so " * 64 + "warfarin"
    assert len(text) == kb.units.max_input_chars
    assert "t:warfarin" in _values(kb, text)
    assert read_message(kb, text.removesuffix(" warfarin")).kind == "off-topic"


def test_a_long_message_is_searched_by_its_last_question_of_at_most_the_limit(
    kb: KnowledgeBase,
) -> None:
    question = "so " * 63 + "u warfarin?"
    assert len(question) == kb.units.max_input_chars
    assert "t:warfarin" in _values(kb, question + " Thanks.")
    # Not by its last sentence when that is no question.
    chatter = "So I went to the pharmacy this morning and the queue was long again. " * 3
    text = "Can I take vitamin D with warfarin? " + chatter + "Thanks a lot."
    assert _values(kb, text) == ["t:warfarin"]


def test_a_long_message_with_no_question_is_searched_by_its_first_whole_words(
    kb: KnowledgeBase,
) -> None:
    # No "?": the first 200 characters, without the word cut at the end.
    reading = read_message(kb, "tell me about warfarin " + "x" * 300)
    assert reading.kind == "question"
    assert [choice.value for choice in reading.choices] == ["t:warfarin"]


def test_suggestions_are_offered_when_coverage_reaches_the_minimum(kb: KnowledgeBase) -> None:
    # Every word of this question is one dk2 knows (coverage 1.0): suggestions at a minimum
    # of 1.0, as at the shipped 0.35.
    question = "is k2 good with my vitamin d"
    search = kb.search.model_copy(update={"min_coverage": 1.0})
    assert read_message(dataclasses.replace(kb, search=search), question).kind == "unsure"


def test_a_title_with_nothing_visible_is_shown_as_an_ellipsis(kb: KnowledgeBase) -> None:
    topics = dict(kb.topics)
    topics["warfarin"] = topics["warfarin"].model_copy(update={"title": "\u200b"})
    changed = dataclasses.replace(kb, topics=topics)
    (choice,) = read_message(changed, "can I take vitamin D with warfarin").choices
    assert choice.label == "…" and choice.value == "t:warfarin"


def test_a_long_message_is_cut_at_a_line_break_too(kb: KnowledgeBase) -> None:
    # The word before the cut ends a line: it is read, not dropped with the cut word.
    reading = read_message(kb, "tell me about warfarin\n" + "x" * 300)
    assert [choice.value for choice in reading.choices] == ["t:warfarin"]
    # Nothing but blanks before the limit is no question, and no error.
    assert read_message(kb, " " * 250 + "x" * 10).kind == "off-topic"
