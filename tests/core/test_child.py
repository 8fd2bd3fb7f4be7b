"""/dk2 dose with a child's age: the dose against each scale's upper limit for that age
(ages.yaml), on both sides of each limit and age edge, as the member reads it."""

from __future__ import annotations

import re

import pytest

from bot.core.dose import dose_reply
from bot.core.model import KnowledgeBase
from bot.core.reply import Reply, render_text


def section(kb: KnowledgeBase, reply: Reply, heading: str) -> str:
    name = kb.messages.get(f"headings.{heading}")
    return next(s.value for s in reply.sections if s.name == name)


def limit_line(
    kb: KnowledgeBase, source: str, ul: str, group: str, within: bool, iu: str | None = None
) -> str:
    """A limit's line; one stated in µg (EFSA's) carries its IU beside it (`iu`)."""
    verdict = kb.messages.get("dose.child_within" if within else "dose.child_above")
    values = {"source": source, "ul": ul, "group": group, "verdict": verdict}
    if iu is None:
        return kb.messages.get("dose.child_limit", **values)
    return kb.messages.get("dose.child_limit_in_iu", iu=iu, **values)


@pytest.mark.parametrize(
    ("dose", "age", "age_shown", "over"),
    [
        ("1000", "5 months", "5 months", False),  # IOM 0-6 months: 1,000 IU
        ("1001", "5 months", "5 months", True),
        ("1500", "6 months", "6 months", False),  # IOM 6-12 months: 1,500 IU
        ("1501", "11 months", "11 months", True),
        ("2500", "1", "1 year", False),  # IOM 1-3 years: 2,500 IU
        ("2501", "3", "3 years", True),
        ("3000", "4", "4 years", False),  # IOM 4-8 years: 3,000 IU
        ("3001", "8", "8 years", True),
        ("4000", "9", "9 years", False),  # IOM 9 and over: 4,000 IU
        ("4001", "10.5", "10.5 years", True),
    ],
)
def test_a_childs_dose_is_placed_on_the_iom_limit_for_the_age_from_both_sides(
    kb: KnowledgeBase, dose: str, age: str, age_shown: str, over: bool
) -> None:
    reply = dose_reply(kb, dose, age_text=age)
    assert kb.ages is not None
    verdict = kb.ages.verdicts.above if over else kb.ages.verdicts.within
    amount = f"{int(dose):,}"
    title = kb.messages.get("dose.child_title", amount=amount, age=age_shown, label=verdict.label)
    assert reply.title == title
    assert reply.colour == verdict.colour
    assert reply.data["band"] == ("child_above" if over else "child_within")
    assert re.search(rf"▶\s*{verdict.gauge}\s*◀", reply.gauge or "")
    other = kb.ages.verdicts.within if over else kb.ages.verdicts.above
    assert not re.search(rf"▶\s*{other.gauge}\s*◀", reply.gauge or "")


@pytest.mark.parametrize(
    ("dose", "age", "iom", "efsa"),
    [
        # EFSA states its limits in µg: 25 µg (1,000 IU), 35 µg (1,400 IU), 50 µg (2,000 IU).
        (
            "1000",
            "3 months",
            ("IU", "1,000 IU", "0–6 months", True),
            ("25 µg", "up to 6 months", True, "1,000"),
        ),
        (
            "1400",
            "8 months",
            ("IU", "1,500 IU", "6–12 months", True),
            ("35 µg", "6–12 months", True, "1,400"),
        ),
        (
            "1401",
            "8 months",
            ("IU", "1,500 IU", "6–12 months", True),
            ("35 µg", "6–12 months", False, "1,400"),
        ),
        (
            "2001",
            "2",
            ("IU", "2,500 IU", "1–3 years", True),
            ("50 µg", "1–10 years", False, "2,000"),
        ),
    ],
)
def test_every_scale_gets_a_line_with_its_own_limit_unit_and_verdict(
    kb: KnowledgeBase,
    dose: str,
    age: str,
    iom: tuple[str, str, str, bool],
    efsa: tuple[str, str, bool, str],
) -> None:
    reply = dose_reply(kb, dose, age_text=age)
    lines = section(kb, reply, "limits").split("\n")
    assert lines[0] == limit_line(kb, kb.source_name("iom-2011"), iom[1], iom[2], iom[3])
    efsa_ref = "efsa-2018" if efsa[1] != "1–10 years" else "efsa"
    assert lines[1] == limit_line(
        kb, kb.source_name(efsa_ref), efsa[0], efsa[1], efsa[2], iu=efsa[3]
    )
    assert len(lines) == 2


def test_the_limit_used_for_the_verdict_is_in_the_data(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "400", age_text="6 months")
    assert reply.data["limit_iu"] == 1500
    assert reply.data["age_months"] == 6
    assert reply.data["daily_iu"] == 400 and reply.data["daily_mcg"] == 10
    assert (reply.data["k2_mcg"], reply.data["k2_band"], reply.data["k2_pairing"]) == (
        None,
        None,
        None,
    )


def test_a_dose_a_hair_over_the_limit_is_not_rounded_down_to_it(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "1000.4", age_text="3 months")
    line = kb.messages.get("dose.daily_line", daily_iu="1,000.4", daily_mcg="25.01")
    assert line in reply.body.split("\n")
    assert reply.data["band"] == "child_above"


def test_the_cautions_say_the_article_is_for_adults_and_what_to_check_first(
    kb: KnowledgeBase,
) -> None:
    without_k2 = section(kb, dose_reply(kb, "400", age_text="2"), "cautions").split("\n")
    assert without_k2[0] == kb.messages.get("dose.child_note")
    assert kb.messages.get("dose.child_k2") not in without_k2
    assert without_k2[-1] == kb.cautions["check-first"].text
    with_k2 = section(kb, dose_reply(kb, "400", "50", age_text="2"), "cautions").split("\n")
    assert with_k2 == [without_k2[0], kb.messages.get("dose.child_k2"), without_k2[-1]]


def test_related_topics_point_to_children_and_the_upper_limit(kb: KnowledgeBase) -> None:
    related = section(kb, dose_reply(kb, "400", age_text="2"), "related")
    expected = kb.messages.get("explain.read_more", topics="`children`, `upper-limit`")
    assert related == expected


def test_a_weekly_dose_for_a_child_is_averaged_and_cautioned(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "7000 IU weekly", age_text="5")
    text = render_text(reply)
    assert "non-daily" in reply.data["cautions"] and "check-first" in reply.data["cautions"]
    assert kb.cautions["non-daily"].text in text
    assert reply.data["daily_iu"] == 1000 and reply.data["band"] == "child_within"


def test_a_very_high_dose_for_a_child_keeps_the_adult_warning_first(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "20000", age_text="5")
    very_high = kb.bands["dose"].bands[-1]
    assert very_high.warning is not None
    assert reply.data["warning"] == very_high.warning
    assert reply.data["cautions"][0] == very_high.warning
    first = reply.body.split("\n")[0]
    assert kb.cautions[very_high.warning].text in first
    assert dose_reply(kb, "2000", age_text="5").data["warning"] is None


def test_a_mix_up_hint_reaches_a_childs_reply(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "10 IU", age_text="5")
    expected = kb.messages.get(
        "dose.mixup_iu", entered="10 IU", number="10", as_mcg_iu="400", typed="10 mcg"
    )
    assert reply.data["hints"] == [expected]
    assert expected in render_text(reply)


def test_adult_from_11_years_gets_the_adult_reply(kb: KnowledgeBase) -> None:
    assert dose_reply(kb, "2000", age_text="10.9").data["band"] == "child_within"
    assert dose_reply(kb, "2000", age_text="11").data["band"] == "typical"


def test_a_childs_reply_says_it_is_not_advice_and_names_its_sources(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "400", age_text="2")
    ids = {source.id for source in reply.sources}
    assert {"iom-2011", "efsa"} <= ids
    assert reply.disclaimer == kb.messages.get("disclaimer")


@pytest.mark.parametrize(
    ("dose", "age", "daily_iu", "daily_mcg"),
    [
        # Rounded as far as the verdict allows, in IU and in µg.
        ("1400.44", "8 months", "1,400", "35.01"),
        ("1000.12", "3 months", "1,000.1", "25.003"),
        ("1000.5", "3 months", "1,000.5", "25.01"),
        # Just over the limit, closer than any rounding to 4 places shows: the figure at 4
        # places, though it reads as the limit itself.
        ("1000.00001", "3 months", "1,000", "25"),
    ],
)
def test_a_childs_daily_dose_is_rounded_as_far_as_the_verdict_allows(
    kb: KnowledgeBase, dose: str, age: str, daily_iu: str, daily_mcg: str
) -> None:
    reply = dose_reply(kb, dose, age_text=age)
    line = kb.messages.get("dose.daily_line", daily_iu=daily_iu, daily_mcg=daily_mcg)
    assert reply.body.split("\n") == [line]


def test_a_childs_reply_is_an_answer_with_its_verdict_in_the_data(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "400", age_text="2")
    assert kb.ages is not None
    assert (reply.command, reply.ok) == ("dose", True)
    assert reply.data["label"] == kb.ages.verdicts.within.label
    assert "k2_form" in reply.data and reply.data["k2_form"] is None
    assert reply.data["cautions"] == ["check-first"]  # a daily dose: no non-daily caution


def test_a_childs_hint_and_dose_line_are_separate_lines(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "10 IU", age_text="5")
    hint = kb.messages.get(
        "dose.mixup_iu", entered="10 IU", number="10", as_mcg_iu="400", typed="10 mcg"
    )
    line = kb.messages.get("dose.daily_line", daily_iu="10", daily_mcg="0.25")
    assert reply.body.split("\n") == [f"{kb.messages.get('headings.check_input')}: {hint}", line]


# -- The reading's notes and ranges, as for an adult's dose ------------------------------------


def hint_line(kb: KnowledgeBase, key: str, **values: str) -> str:
    return f"{kb.messages.get('headings.check_input')}: {kb.messages.get(key, **values)}"


@pytest.mark.parametrize(
    ("typed", "key", "values"),
    [
        ("5.000", "hints.separator_other", {"text": "5.000", "chosen": "5,000"}),
        ("5000 IU with breakfast", "hints.set_aside", {"words": "with breakfast"}),
    ],
)
def test_a_childs_dose_says_how_dk2_read_it_as_an_adults_does(
    kb: KnowledgeBase, typed: str, key: str, values: dict[str, str]
) -> None:
    """What the adult's reply says about the reading (a thousands dot, words set aside) the
    child's says too, before the dose."""
    adult = dose_reply(kb, typed)
    child = dose_reply(kb, typed, age_text="6")
    note = next(line for line in adult.body.split("\n") if all(v in line for v in values.values()))
    assert note.startswith(kb.messages.get("headings.check_input"))
    assert note in child.body.split("\n")
    assert child.body.index(note) < child.body.index("5,000 IU/day")


def test_a_childs_range_within_one_verdict_places_its_upper_end_and_says_so(
    kb: KnowledgeBase,
) -> None:
    reply = dose_reply(kb, "1000-2000 IU", age_text="6")
    assert kb.ages is not None
    label = kb.ages.verdicts.within.label
    expected = hint_line(kb, "hints.range_same", range="1,000-2,000 IU", label=label)
    assert reply.body.split("\n")[0] == expected
    assert reply.title == kb.messages.get(
        "dose.child_title", amount="1,000-2,000 IU", age="6 years", label=label
    )


def test_a_childs_range_across_the_age_limit_is_an_error_naming_both(kb: KnowledgeBase) -> None:
    """At 6 the IOM's limit is 3,000 IU: 1,000-5,000 is not one answer."""
    reply = dose_reply(kb, "1000-5000 IU", age_text="6")
    assert kb.ages is not None
    assert not reply.ok
    message = kb.messages.get(
        "errors.range_spans",
        range="1,000-5,000 IU",
        low="1,000 IU",
        high="5,000 IU",
        low_label=kb.ages.verdicts.within.label,
        high_label=kb.ages.verdicts.above.label,
        low_typed="1000 IU",
        high_typed="5000 IU",
    )
    assert reply.error == f"`amount`: {message}"


def test_a_childs_range_the_adult_reply_refuses_is_refused(kb: KnowledgeBase) -> None:
    """500-1,500 IU crosses the adults' bands (the adult reply refuses it): so does a child's."""
    assert not dose_reply(kb, "500-1500 IU").ok
    reply = dose_reply(kb, "500-1500 IU", age_text="6")
    assert not reply.ok
    assert reply.data == {"error_key": "range_spans", "error_option": "amount"}


def test_an_age_given_drops_the_hint_to_give_one(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "400 IU for my baby", age_text="8 months")
    assert kb.messages.get("hints.child") not in reply.body
    assert kb.messages.get("hints.set_aside", words="for my baby") in reply.body
