"""Pills swallowed in numbers no one takes as a dose, or by a pet or a child: the urgent-care
answer, for "Answer with dk2" (never a dose placed in public) and for `/dk2 explain`; and the
ordinary doses around them, which stay doses."""

from __future__ import annotations

import pytest

from bot.core.commands import Request, run
from bot.core.message_reading import read_message
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text

URGENT = [
    "I took 100 pills of 5000 IU d3",
    "i took like 40 of my d3 capsules, am i ok",
    "my husband swallowed 30 softgels of 10000 iu",
    "took a dozen of my 50000 unit caps",
    "my dog ate my 50000 iu d3 capsules",
    "my dog swallowed my d3 pills",
    "our cat chewed a vitamin d capsule",
    "my puppy got into the d3 bottle",
    "my toddler swallowed my d3 softgels",
    "my 2 year old ate 8 of the 5000 iu gummies",
]

ORDINARY = [
    "I take 5000 IU of D3 daily with 100mcg K2, is that ok?",
    "I took 2 capsules of 5000 IU today",
    "took my 50,000 IU capsule this morning as usual",
    "I take a 4000 tablet plus a multivitamin with 800 in it",
    "I took 1000 softgels worth of d3 over the years",
    "my son takes 400 IU drops",
    "my son swallowed his d3 capsule without any trouble",
]


@pytest.mark.parametrize("text", URGENT)
def test_many_pills_or_a_pet_or_child_swallowing_them_gets_the_urgent_answer(
    kb: KnowledgeBase, text: str
) -> None:
    """Answer with dk2 offers the urgent-care answer alone, never the dose the post names;
    `/dk2 explain` with the same words answers the same."""
    reading = read_message(kb, text)
    assert reading.kind == "urgent"
    (choice,) = reading.choices
    reply = run(kb, choice.request)
    assert reply.data["urgent"] is True
    assert "poison control" in reply.body
    explained = run(kb, Request("explain", {"term": text}))
    assert explained.title == kb.messages.get("explain.urgent_title")
    assert "vet" in render_text(explained)


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_dose_is_not_an_emergency(kb: KnowledgeBase, text: str) -> None:
    reading = read_message(kb, text)
    assert reading.kind != "urgent"
    explained = run(kb, Request("explain", {"term": text}))
    assert explained.title != kb.messages.get("explain.urgent_title")


def test_a_long_post_that_ends_in_another_question_is_still_urgent(kb: KnowledgeBase) -> None:
    """Search reads only a long post's last question; the pills counted before it count."""
    story = "I took 100 pills of my d3 last night by mistake. " + "Long story. " * 40
    text = story + "Anyway, what does k2 do?"
    assert len(text) > kb.units.max_input_chars
    assert read_message(kb, text).kind == "urgent"
