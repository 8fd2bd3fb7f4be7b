"""Hints and error messages as a member reads them in the reply text, written from
knowledge/messages.yaml with the figures and source names its placeholders are filled with
(units.yaml, sources.yaml)."""

from __future__ import annotations

import dataclasses

from bot.core.amounts import Note
from bot.core.dose import dose_reply
from bot.core.explain import explain_reply
from bot.core.model import KnowledgeBase, Messages
from bot.core.replies import note_text
from bot.core.reply import render_text

D2_HINT = (
    "Check your input: You named vitamin D2 (ergocalciferol). It is counted like D3, 40 IU "
    "per µg (US ergocalciferol labels), but trials find D3 raises blood levels more than D2 "
    "(Balachandar et al. 2021; van den Heuvel et al. 2024). dk2's dose scale is for D3."
)


def test_the_d2_hint_names_the_factor_and_both_sources(kb: KnowledgeBase) -> None:
    # units.yaml: 40 IU per µg, d2 sources [d2-labels], compare_sources [d3-vs-d2].
    text = render_text(dose_reply(kb, "50000 IU D2 weekly"))
    assert text.splitlines()[1] == D2_HINT


def test_an_error_names_the_wrong_option_before_the_message(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "5000", "abc")
    assert not reply.ok
    assert reply.title == "Can't read that"
    assert reply.data == {"error_key": reply.data["error_key"], "error_option": "k2"}
    assert render_text(reply).startswith("== Can't read that ==\n`k2`: ")


def test_an_error_without_an_option_is_the_message_alone(kb: KnowledgeBase) -> None:
    reply = explain_reply(kb, "   ")
    assert not reply.ok
    assert reply.error == (
        "Type a topic or a question, for example `/dk2 explain mgp` or "
        "`/dk2 explain why take d and k2 together`."
    )
    assert reply.data == {"error_key": "empty_term", "error_option": None}
    too_long = explain_reply(kb, "x" * (kb.units.max_input_chars + 1))
    assert too_long.error == (
        f"That is {kb.units.max_input_chars + 1} characters; dk2 reads at most "
        f"{kb.units.max_input_chars}. Shorten it and try again."
    )


def test_the_error_title_is_the_knowledge_bases(kb: KnowledgeBase) -> None:
    # A curator who words the title differently in messages.yaml sees it on every error.
    templates = {**kb.messages.templates, "errors.title": "That didn't read"}
    changed = dataclasses.replace(kb, messages=Messages(templates))
    assert dose_reply(changed, "lots").title == "That didn't read"


def test_the_d2_hint_names_several_sources_apart(kb: KnowledgeBase) -> None:
    # With more than one source on either side, each is named, "; " between them.
    reading = kb.units.reading
    d2 = reading.d2.model_copy(
        update={"sources": ("d2-labels", "fda"), "compare_sources": ("d3-vs-d2", "iom-2011")}
    )
    units = kb.units.model_copy(update={"reading": reading.model_copy(update={"d2": d2})})
    text = note_text(dataclasses.replace(kb, units=units), Note("d2"))
    assert "40 IU per µg (US ergocalciferol labels; US FDA labelling)" in text
    assert "(Balachandar et al. 2021; van den Heuvel et al. 2024; IOM 2011)" in text
