"""What a member reads in dose, level and explain replies."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.commands import reply_for_text
from bot.core.dose import dose_reply
from bot.core.explain import explain_reply
from bot.core.level import level_reply
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text


def test_dose_reply_places_5000_iu_above_the_upper_limit(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "5000")
    text = render_text(reply)
    assert reply.data["daily_iu"] == 5000
    assert "5,000 IU/day (125 µg/day)" in text
    assert "▶above UL◀" in (reply.gauge or "")
    # The reference figure is labelled and attributed, apart from the article's text.
    assert "Article: Many take 1000 to 4000 IU daily." in reply.body
    assert "Upper limit: 4,000 IU/day. (IOM 2011)" in reply.body
    assert "not medical advice" in text


def test_every_dose_reply_carries_k2_advice_and_the_blood_thinner_caution(
    kb: KnowledgeBase,
) -> None:
    for amount in ("500", "1500", "3000", "8000", "20000"):
        reply = dose_reply(kb, amount)
        names = [section.name for section in reply.sections]
        assert "Vitamin K2" in names
        assert "check-first" in reply.data["cautions"]
        assert "blood thinner" in render_text(reply)
        assert reply.data["k2_pairing"] in {"not-specific", "optional", "may-help", "not-a-fix"}
    # Where the reply gives K2 doses, the anticoagulant caution is there in one line linking
    # the warfarin topic; with a K2 amount, in full (which drugs are vitamin K antagonists).
    for amount in ("1500", "3000", "8000"):
        assert "blood-thinner" in dose_reply(kb, amount).data["cautions"]
        assert "`/dk2 explain warfarin`" in render_text(dose_reply(kb, amount))
        with_k2 = dose_reply(kb, amount, "100").data["cautions"]
        assert "warfarin" in with_k2 and "blood-thinner" not in with_k2


def test_pairing_is_optional_then_may_help_above_2000_iu(kb: KnowledgeBase) -> None:
    assert dose_reply(kb, "1500").data["k2_pairing"] == "optional"
    assert dose_reply(kb, "3000").data["k2_pairing"] == "may-help"


def test_k2_amount_gets_its_own_verdict(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "3000", "100 mcg")
    assert reply.data["k2_mcg"] == 100
    assert reply.data["k2_band"] == "typical"
    assert "100 µg/day: within the article's typical 90 to 200 µg a day" in render_text(reply)


def test_5000_mcg_is_flagged_as_a_likely_unit_mix_up(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "5000 mcg")
    assert reply.data["daily_iu"] == 200_000
    assert reply.data["band"] == "very_high"
    assert any("/dk2 dose 5000 IU" in hint for hint in reply.data["hints"])


def test_tiny_iu_number_suggests_micrograms(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "125 IU")
    assert any("125 µg" in hint and "5,000 IU" in hint for hint in reply.data["hints"])
    assert dose_reply(kb, "2000 IU").data["hints"] == []


def test_k2_in_milligrams_far_above_typical_is_flagged(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "2000", "100 mg")
    assert reply.data["k2_band"] == "above_typical"
    assert any("k2:100" in hint for hint in reply.data["hints"])


def test_weekly_dose_shows_its_daily_average(kb: KnowledgeBase) -> None:
    text = render_text(dose_reply(kb, "50000 IU weekly"))
    # The title names the weekly dose; the body its daily average.
    assert "50,000 IU weekly: " in text
    assert "Averages 7,143 IU/day (178.57 µg/day)." in text


def test_level_without_unit_that_only_fits_nmol_says_so(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "200")
    assert reply.data["unit_assumed"] is True
    hint = reply.data["hints"][0]
    assert "nmol/L" in hint and "80.1 ng/mL" in hint


def test_level_with_unit_gets_no_unit_hint(kb: KnowledgeBase) -> None:
    reply = level_reply(kb, "100 nmol/L")  # 40.1 ng/mL
    assert reply.data["hints"] == []
    assert reply.data["band"] == "goal"


def test_level_reply_names_both_units(kb: KnowledgeBase) -> None:
    assert "42 ng/mL (104.8 nmol/L)" in render_text(level_reply(kb, "42 ng/mL"))


def test_explain_quotes_the_article_section(kb: KnowledgeBase) -> None:
    reply = explain_reply(kb, "mgp")
    text = render_text(reply)
    assert reply.data["topic"] == "mgp"
    assert "What Vitamin K2 Does" in text
    for quote in kb.topics["mgp"].source.quotes:
        assert f"> {quote}" in text


def test_reference_topics_name_their_sources_not_the_article(kb: KnowledgeBase) -> None:
    reply = explain_reply(kb, "upper-limit")
    assert reply.data["kind"] == "reference"
    assert any("IOM 2011" in source.label for source in reply.sources)
    assert ("iom-2011", "IOM 2011", None) in [(s.id, s.title, s.section) for s in reply.sources]


def test_unrelated_question_gets_no_confident_answer(kb: KnowledgeBase) -> None:
    reply = explain_reply(kb, "what's the weather in paris")
    assert reply.data["topic"] is None
    assert "no curated answer" in reply.body
    assert "doesn't cover" not in reply.body


@pytest.mark.parametrize(
    "question",
    ["should i take magnesium with my d3", "can you diagnose me", "is zinc better than k2"],
)
def test_an_out_of_scope_question_is_told_dk2_does_not_cover_it(
    kb: KnowledgeBase, question: str
) -> None:
    reply = explain_reply(kb, question)
    assert reply.data["topic"] is None and reply.data["out_of_scope"]
    assert reply.body.startswith("dk2 doesn't cover that.")
    assert question in reply.body
    assert all(f"`{topic_id}`" in reply.body for topic_id in kb.topics)
    assert len(render_text(reply)) <= 4000


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("/dk2", "Type a command"),
        ("/dk2 frobnicate", "doesn't have a `frobnicate` command"),
        ("/dk2 why take d and k2", "/dk2 explain why take d and k2"),
        ("/dk2 dose", "Type a vitamin D3 amount"),
        ("/dk2 level", "Type your blood test result"),
        ("/dk2 explain", "Type a topic or a question"),
        ("/dk2 dose 5000 colour:red", "isn't an option of `/dk2 dose`"),
        ("/dk2 dose 5000 private:maybe", "`private` takes yes or no"),
        ("/dk2 dose 5000 k2:abc", "`k2`:"),
        ("/dk2 dose amount:5000 amount:6000", "given twice"),
        ("/dk2 explain " + "x" * 300, "at most 200"),
    ],
)
def test_bad_commands_say_what_to_type(kb: KnowledgeBase, text: str, fragment: str) -> None:
    reply, _ = reply_for_text(kb, text)
    assert not reply.ok
    assert fragment in (reply.error or "")


@pytest.mark.parametrize(
    "text",
    [
        "/dk2 dose 5000 k2:100",
        "/dk2 dose amount:5000 k2:100",
        "/dk2 dose 5000 100",
        "/dk2 dose 5000 IU 100 mcg",
        "dk2 dose k2:100 amount:5000",
    ],
)
def test_options_positional_or_named(kb: KnowledgeBase, text: str) -> None:
    reply, _ = reply_for_text(kb, text)
    assert reply.data["daily_iu"] == 5000
    assert reply.data["k2_mcg"] == 100


def test_private_option_is_read(kb: KnowledgeBase) -> None:
    _, request = reply_for_text(kb, "/dk2 level 42 private:yes")
    assert request is not None and request.private is True
    _, request = reply_for_text(kb, "/dk2 level 42")
    assert request is not None and request.private is None


@settings(max_examples=300)
@given(text=st.text(max_size=300))
def test_any_chat_text_gets_a_reply_never_an_exception(kb: KnowledgeBase, text: str) -> None:
    for prefix in ("/dk2 dose ", "/dk2 level ", "/dk2 explain ", "/dk2 ", ""):
        reply, _ = reply_for_text(kb, prefix + text)
        assert reply.title
        if not reply.ok:
            assert reply.error


_FIGURE = re.compile(r"(?<![A-Za-z\d.,-])\d[\d,]*(?:\.\d+)?")


@pytest.mark.parametrize("command", ["dose 3000 k2:100", "dose 20000", "level 42", "level 8"])
def test_band_replies_state_only_figures_from_sources_or_the_input(
    kb: KnowledgeBase, command: str
) -> None:
    """No invented figures: every number is the member's, a conversion of it, or sourced."""
    reply, _ = reply_for_text(kb, f"/dk2 {command}")
    sourced = kb.article + " ".join(
        " ".join((s.name, s.citation, *s.facts)) for s in kb.sources.values()
    )
    allowed = {n.replace(",", "") for n in _FIGURE.findall(sourced)}
    own = {n.replace(",", "") for n in _FIGURE.findall(reply.body + (reply.title or ""))}
    texts = [section.value for section in reply.sections if section.name != "Check your input"]
    for text in texts:
        for number in _FIGURE.findall(text):
            bare = number.replace(",", "").rstrip(".")
            assert bare in allowed or bare in own, f"{number} in {text!r}"
