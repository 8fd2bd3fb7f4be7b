"""/dk2 dose as a member reads it: the rendered text of each hint with its figures, on daily,
weekly and monthly doses, the K2 section with and without an amount and a form, ranges,
ages, and where the gauge marks the dose.

Expected lines are built from messages.yaml's templates with figures worked out here, so a
wording change in the knowledge base does not break them, but a hint that goes missing, a
wrong figure or a line in the wrong place does."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.dose import dose_reply
from bot.core.model import Band, KnowledgeBase
from bot.core.reply import Reply, render_text


def band_of(kb: KnowledgeBase, table: str, band_id: str) -> Band:
    return next(band for band in kb.bands[table].bands if band.id == band_id)


def hint(kb: KnowledgeBase, key: str, **values: str) -> str:
    return f"{kb.messages.get('headings.check_input')}: {kb.messages.get(key, **values)}"


def k2_section(kb: KnowledgeBase, reply: Reply) -> str:
    """With a K2 amount the K2 section also holds the cautions, under its own heading."""
    headings = {kb.messages.get("headings.k2"), kb.messages.get("headings.k2_cautions")}
    return next(section.value for section in reply.sections if section.name in headings)


def mk4_values(kb: KnowledgeBase) -> dict[str, str]:
    reading = kb.units.reading
    names = "; ".join(kb.source_name(ref) for ref in reading.mk4.sources)
    return {"mk4_mg": f"{reading.mk4.pharmacological_mg:f}", "mk4_sources": names}


# -- Dose bands: each edge from both sides --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "band"),
    [
        ("999", "low"),
        ("1000", "typical"),
        ("2000", "typical"),
        ("2001", "typical_pair_k2"),
        ("4000", "typical_pair_k2"),
        ("4001", "above_ul"),
        ("10000", "above_ul"),
        ("10001", "very_high"),
    ],
)
def test_each_dose_edge_from_both_sides_names_its_band(
    kb: KnowledgeBase, typed: str, band: str
) -> None:
    reply = dose_reply(kb, f"{typed} IU")
    found = band_of(kb, "dose", band)
    assert reply.data["band"] == band and reply.data["label"] == found.label
    assert reply.title == kb.messages.get(
        "dose.title", amount=f"{int(typed):,} IU", label=found.label
    )
    assert reply.colour == found.colour
    assert reply.data["k2_pairing"] == found.k2_pairing


# -- The dose line: daily, or averaged over the period ---------------------------------------


def test_a_daily_dose_is_one_line_with_no_average(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "2000 IU")
    text = render_text(reply)
    line = kb.messages.get("dose.daily_line", daily_iu="2,000", daily_mcg="50")
    assert line in reply.body.split("\n")
    assert "averages" not in text and "over 1 days" not in text
    assert "non-daily" not in reply.data["cautions"]
    assert reply.picture is not None and reply.picture.label == line


@pytest.mark.parametrize(
    ("typed", "days", "daily_iu", "daily_mcg"),
    [
        ("50000 IU weekly", 7, "7,143", "178.57"),
        ("50000 IU monthly", 30, "1,667", "41.67"),
        ("10000 IU every other day", 2, "5,000", "125"),
    ],
)
def test_a_weekly_or_monthly_dose_shows_its_daily_average_and_the_caution(
    kb: KnowledgeBase, typed: str, days: int, daily_iu: str, daily_mcg: str
) -> None:
    reply = dose_reply(kb, typed)
    text = render_text(reply)
    averaged = kb.messages.get(
        "dose.averaged_line",
        entered=typed.replace("50000", "50,000").replace("10000", "10,000"),
        daily_iu=daily_iu,
        daily_mcg=daily_mcg,
        days=str(days),
    )
    assert averaged in text
    assert kb.cautions["non-daily"].text in text
    assert "non-daily" in reply.data["cautions"]
    caution_sources = {ref for ref in kb.cautions["non-daily"].refs if ref != "article"}
    assert caution_sources <= {source.id for source in reply.sources}
    # The gauge is captioned with the daily figure alone, not the weekly sentence.
    daily = kb.messages.get("dose.daily_line", daily_iu=daily_iu, daily_mcg=daily_mcg)
    assert reply.picture is not None and reply.picture.label == daily
    assert (
        reply.picture.value == reply.data["daily_iu"]
        or float(reply.picture.value) == (reply.data["daily_iu"])
    )


def test_the_dose_data_carries_both_units(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "50000 IU weekly")
    assert reply.data["daily_iu"] == float(Decimal(50000) / 7)
    assert reply.data["daily_mcg"] == float(Decimal(50000) / 7 / 40)
    assert reply.data["limit_iu"] is None and reply.data["age_months"] is None


# -- Mix-up hints, with every period and at the lowest band -----------------------------------


@pytest.mark.parametrize(
    ("typed", "entered", "number", "as_mcg_iu", "command"),
    [
        ("125 IU", "125 IU", "125", "5,000", "125 mcg"),
        ("125 IU weekly", "125 IU weekly", "125", "5,000", "125 mcg weekly"),
        ("400 IU weekly", "400 IU weekly", "400", "16,000", "400 mcg weekly"),
        ("500 IU monthly", "500 IU monthly", "500", "20,000", "500 mcg monthly"),
        ("50 IU twice a day", "50 IU twice a day", "50", "2,000", "50 mcg twice a day"),
        ("2 x 25 IU", "2 x 25 IU", "25", "1,000", "2 x 25 mcg"),
        ("25", "25", "25", "1,000", "25 mcg"),
    ],
)
def test_a_small_iu_number_suggests_micrograms_on_any_period(
    kb: KnowledgeBase, typed: str, entered: str, number: str, as_mcg_iu: str, command: str
) -> None:
    """The hint gives what the number is in micrograms (400 µg is 16,000 IU, however often it
    is taken), and the command it suggests keeps the count and how often."""
    reply = dose_reply(kb, typed)
    expected = hint(
        kb, "dose.mixup_iu", entered=entered, number=number, as_mcg_iu=as_mcg_iu, typed=command
    )
    assert expected in render_text(reply)
    assert reply.body.split("\n")[0] == expected
    assert f"`/dk2 dose {command}`" in expected


def test_no_microgram_hint_once_the_dose_leaves_the_lowest_band(kb: KnowledgeBase) -> None:
    # 250 µg would be 10,000 IU, the top of above-UL; 251 µg would be very high as well.
    assert dose_reply(kb, "250 IU").data["hints"] != []
    assert dose_reply(kb, "251 IU").data["hints"] == []
    assert dose_reply(kb, "1000 IU").data["hints"] == []


@pytest.mark.parametrize(
    ("typed", "entered", "daily_iu", "number", "command"),
    [
        ("5000 mcg", "5,000 mcg", "200,000", "5,000", "5000 IU"),
        ("50000 mcg weekly", "50,000 mcg weekly", "285,714", "50,000", "50000 IU weekly"),
        ("1000 mcg", "1,000 mcg", "40,000", "1,000", "1000 IU"),
        ("2 x 1000 mcg", "2 x 1,000 mcg", "80,000", "1,000", "2 x 1000 IU"),
    ],
)
def test_an_iu_sized_number_in_micrograms_suggests_iu(
    kb: KnowledgeBase, typed: str, entered: str, daily_iu: str, number: str, command: str
) -> None:
    reply = dose_reply(kb, typed)
    expected = hint(
        kb, "dose.mixup_mass", entered=entered, daily_iu=daily_iu, number=number, typed=command
    )
    assert expected in render_text(reply)


@pytest.mark.parametrize(
    ("typed", "daily_iu"), [("10 mg", "400,000"), ("999 mcg", "39,960"), ("250.1 mcg", "10,004")]
)
def test_a_mass_number_that_would_be_a_low_iu_dose_asks_to_check_the_label(
    kb: KnowledgeBase, typed: str, daily_iu: str
) -> None:
    reply = dose_reply(kb, typed)
    expected = hint(kb, "dose.mixup_mass_check", entered=typed, daily_iu=daily_iu)
    assert expected in render_text(reply)


def test_no_mass_hint_where_the_dose_is_not_very_high(kb: KnowledgeBase) -> None:
    assert dose_reply(kb, "250 mcg").data["hints"] == []


@pytest.mark.parametrize(
    ("typed", "command"),
    [("1.25 mg", "1.25 mg"), ("2 x 1.25 mg", "2 x 1.25 mg"), ("1.25 mg twice a day", "1.25 mg")],
)
def test_a_weekly_capsule_strength_typed_daily_suggests_weekly(
    kb: KnowledgeBase, typed: str, command: str
) -> None:
    """The hint names one capsule's strength (two of them are not 50,000 IU) and keeps the
    count in the command it suggests."""
    reply = dose_reply(kb, typed)
    expected = hint(kb, "dose.mixup_capsule", entered="1.25 mg", iu="50,000", typed=command)
    assert expected in render_text(reply)
    assert dose_reply(kb, "1.25 mg weekly").data["hints"] == []


# -- K2: the section, the amount, the form, milligrams ----------------------------------------


def test_without_a_k2_amount_the_k2_section_still_gives_the_advice(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "3000")
    section = k2_section(kb, reply)
    assert section.strip()
    assert "µg/day:" not in section
    assert reply.data["k2_mcg"] is None and reply.data["k2_band"] is None
    assert reply.data["k2_form"] is None


@pytest.mark.parametrize(
    ("k2", "band", "shown"),
    [
        ("89.999", "low", "89.999"),
        ("90", "typical", "90"),
        ("200", "typical", "200"),
        ("200.004", "above_typical", "200.004"),
        ("100 mcg", "typical", "100"),
    ],
)
def test_a_k2_amount_gets_a_line_in_the_k2_section_on_each_side_of_each_edge(
    kb: KnowledgeBase, k2: str, band: str, shown: str
) -> None:
    reply = dose_reply(kb, "3000", k2)
    found = band_of(kb, "k2", band)
    line = kb.messages.get("dose.k2_line", k2_mcg=shown, label=found.article.text)
    section = k2_section(kb, reply)
    assert f"{line} {kb.messages.get('dose.k2_form')}" in section.split("\n")
    assert reply.data["k2_band"] == band and reply.data["k2_form"] is None
    assert reply.data["k2_mcg"] == float(Decimal(k2.split()[0]))


def test_a_named_mk7_amount_gets_no_form_question(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "3000", "100 mcg mk-7")
    section = k2_section(kb, reply)
    line = kb.messages.get(
        "dose.k2_line", k2_mcg="100", label=band_of(kb, "k2", "typical").article.text
    )
    assert line in section.split("\n")
    assert kb.messages.get("dose.k2_form") not in section
    assert reply.data["k2_form"] == "mk-7"


def test_an_mk4_amount_is_not_placed_on_the_mk7_scale_and_gets_its_caution(
    kb: KnowledgeBase,
) -> None:
    reply = dose_reply(kb, "3000", "100 mcg mk-4")
    section = k2_section(kb, reply)
    assert reply.data["k2_band"] is None and reply.data["k2_form"] == "mk-4"
    assert "µg/day:" not in section
    assert kb.cautions["mk-4"].text in section
    assert "mk-4" in reply.data["cautions"]


def test_mk4_in_milligrams_is_a_pharmacological_dose(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "2000", "45 mg mk-4")
    expected = hint(kb, "dose.k2_mk4", entered="45 mg", **mk4_values(kb))
    assert expected in render_text(reply)
    assert reply.data["hints"] == [expected.split(": ", 1)[1]]


@pytest.mark.parametrize(
    ("k2", "entered", "k2_mcg", "number"),
    [
        ("1 mg", "1 mg", "1,000", "1"),
        ("0.201 mg", "0.201 mg", "201", "0.201"),
        ("200 mg", "200 mg", "200,000", "200"),
        ("7 mg weekly", "7 mg weekly", "1,000", "7"),
        ("30 mg monthly", "30 mg monthly", "1,000", "30"),
    ],
)
def test_k2_in_milligrams_above_typical_suggests_micrograms_on_any_period(
    kb: KnowledgeBase, k2: str, entered: str, k2_mcg: str, number: str
) -> None:
    reply = dose_reply(kb, "2000", k2)
    expected = hint(
        kb, "dose.mixup_k2", entered=entered, k2_mcg=k2_mcg, number=number, **mk4_values(kb)
    )
    assert expected in render_text(reply)
    # The mg hint already says what to do about MK-4: no second form question.
    assert kb.messages.get("dose.k2_form") not in k2_section(kb, reply)


@pytest.mark.parametrize(
    "k2",
    [
        "100 mcg",  # micrograms: nothing to suspect
        "100",  # no unit
        "0.2 mg",  # 200 µg: within typical
        "1 mg weekly",  # 143 µg a day: within typical
        "201 mg",  # 201 would be above typical as µg too: no better reading to offer
    ],
)
def test_no_k2_unit_hint_where_micrograms_would_not_read_better(kb: KnowledgeBase, k2: str) -> None:
    reply = dose_reply(kb, "2000", k2)
    assert reply.data["hints"] == []


# -- Ranges, ages, the sections and the sources --------------------------------------------------


def test_a_range_within_one_band_places_its_upper_end_and_says_so(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "1000-2000 IU")
    label = band_of(kb, "dose", "typical").label
    expected = hint(kb, "hints.range_same", range="1,000-2,000 IU", label=label)
    assert reply.body.split("\n")[0] == expected
    assert reply.title == kb.messages.get("dose.title", amount="1,000-2,000 IU", label=label)
    assert reply.data["daily_iu"] == 2000


def test_a_range_across_two_bands_is_an_error_naming_both(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "500-1500 IU")
    assert not reply.ok
    message = kb.messages.get(
        "errors.range_spans",
        range="500-1,500 IU",
        low="500 IU",
        high="1,500 IU",
        low_label=band_of(kb, "dose", "low").label,
        high_label=band_of(kb, "dose", "typical").label,
        low_typed="500 IU",
        high_typed="1500 IU",
    )
    assert reply.error == f"`amount`: {message}"
    assert reply.data == {"error_key": "range_spans", "error_option": "amount"}
    # It says where each end sits on the scale: the not-medical-advice line comes with it.
    assert render_text(reply).endswith(f"\n{kb.messages.get('disclaimer')}")


def test_an_error_that_places_nothing_has_no_disclaimer(kb: KnowledgeBase) -> None:
    assert dose_reply(kb, "abc").disclaimer is None


def test_an_adult_age_is_quoted_and_a_missing_age_says_adults(kb: KnowledgeBase) -> None:
    with_age = dose_reply(kb, "2000", age_text="30")
    assert kb.messages.get("dose.adults_only") not in with_age.body
    assert with_age.data["age_months"] == 360
    assert any(
        line.startswith(kb.messages.get("dose.age_adult", age="")[:3])
        for line in with_age.body.split("\n")
    )
    without = dose_reply(kb, "2000")
    assert kb.messages.get("dose.adults_only") in without.body.split("\n")
    assert dose_reply(kb, "2000", age_text="  ").body == without.body


def test_a_bad_age_is_an_error_for_the_age_option(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "2000", age_text="ancient")
    assert not reply.ok and reply.error is not None
    assert reply.error.startswith("`age`: ")


def test_a_child_gets_the_child_reply(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "400", age_text="6 months")
    assert reply.data["age_months"] == 6
    assert reply.data["band"] != "low" or "limit_iu" in reply.data


def test_the_article_and_the_guidelines_lead_into_the_gauge(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "3000")
    band = band_of(kb, "dose", reply.data["band"])
    lines = reply.body.split("\n")
    # The dose, whose figures they are, then the article's line and each reference line,
    # labelled by its source: the body's last lines, just above the gauge.
    article = kb.messages.get("dose.article_line", text=band.article.text)
    references = [
        f"• {item.text} ({', '.join(kb.source_name(ref) for ref in item.refs)})"
        for item in band.references
    ]
    assert lines[-1 - len(references) :] == [article, *references]
    assert lines[0] == "3,000 IU/day (75 µg/day)" and len(references) >= 2
    names = [s.name for s in reply.sections]
    assert names == [kb.messages.get("headings.k2"), kb.messages.get("headings.cautions")]


def test_a_dose_reply_says_it_is_not_advice_and_names_sources(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "3000")
    text = render_text(reply)
    assert reply.disclaimer == kb.messages.get("disclaimer") and reply.disclaimer in text
    assert reply.source_line is not None and reply.source_line in text
    assert reply.gauge is not None and reply.gauge in text


def test_every_dose_reply_and_error_is_a_dose_command(kb: KnowledgeBase) -> None:
    assert dose_reply(kb, "2000").command == "dose"
    failed = dose_reply(kb, "lots")
    assert failed.command == "dose" and not failed.ok
    assert failed.error == "`amount`: " + kb.messages.get("errors.no_number", text="lots")
    assert failed.data == {"error_key": "no_number", "error_option": "amount"}
    bad_age = dose_reply(kb, "2000", age_text="ancient")
    assert bad_age.command == "dose"
    assert bad_age.data == {"error_key": "bad_age", "error_option": "age"}


def test_a_blank_k2_option_says_it_needs_an_amount(kb: KnowledgeBase) -> None:
    # "k2:" with nothing after it is not silently dropped: the member meant to give one.
    reply = dose_reply(kb, "5000 IU 100 mcg", "  ")
    assert not reply.ok
    assert reply.data == {"error_key": "empty_k2", "error_option": "k2"}
    assert (reply.error or "").startswith("`k2`: Type the K2 amount after `k2:`")


@pytest.mark.parametrize("amount", ["500", "1500", "3000", "8000", "20000"])
def test_the_article_line_and_the_k2_advice_lead_their_sections(
    kb: KnowledgeBase, amount: str
) -> None:
    reply = dose_reply(kb, amount)
    band = band_of(kb, "dose", reply.data["band"])
    article = kb.messages.get("dose.article_line", text=band.article.text)
    assert article in reply.body.split("\n")
    if band.k2 is not None:
        assert k2_section(kb, reply).split("\n")[0] == band.k2.text


def test_the_dose_picture_is_described_with_the_dose_and_the_gauge(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "3000")
    assert reply.picture is not None and reply.gauge is not None
    assert reply.picture.kind == "dose"
    assert reply.picture.label in reply.picture.description
    assert reply.picture.description.endswith(reply.gauge.replace("\n", "; "))


@pytest.mark.parametrize(
    ("k2", "shown"),
    [
        ("150.123456", "150.12"),  # two decimals are enough inside the band
        ("200.00001", "200"),  # no rounding to 4 places leaves the band: shown to 4 places
    ],
)
def test_the_k2_figure_is_rounded_as_far_as_the_band_allows(
    kb: KnowledgeBase, k2: str, shown: str
) -> None:
    reply = dose_reply(kb, "3000", k2)
    band = band_of(kb, "k2", reply.data["k2_band"])
    line = kb.messages.get("dose.k2_line", k2_mcg=shown, label=band.article.text)
    assert any(shown_line.startswith(line) for shown_line in k2_section(kb, reply).split("\n"))


def test_k2_in_micrograms_gets_no_milligram_hint_whatever_its_form(kb: KnowledgeBase) -> None:
    for k2 in ("100 mcg mk-4", "100 mcg mk-7", "300 mcg"):
        assert dose_reply(kb, "2000", k2).data["hints"] == [], k2


def test_the_k2_mg_hint_keeps_two_and_four_decimals(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "2000", "0.2011234 mg")
    expected = kb.messages.get(
        "dose.mixup_k2",
        entered="0.2011234 mg",
        k2_mcg="201.12",
        number="0.2011",
        **mk4_values(kb),
    )
    assert reply.data["hints"] == [expected]


def test_a_range_error_is_a_dose_error(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "500-1500 IU")
    assert reply.command == "dose" and not reply.ok


def test_a_range_note_comes_before_the_other_notes(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "1000-2000 IU for my baby")
    label = band_of(kb, "dose", "typical").label
    expected = hint(kb, "hints.range_same", range="1,000-2,000 IU", label=label)
    assert reply.body.split("\n")[0] == expected
    assert len(reply.data["hints"]) == 3  # the range, the child, the words set aside


def test_mk4_named_in_the_amount_is_not_placed_on_the_mk7_scale(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "3000 IU 100 mcg mk-4")
    assert reply.data["k2_form"] == "mk-4" and reply.data["k2_band"] is None


def test_a_mass_unit_adds_the_sources_of_its_conversion(kb: KnowledgeBase) -> None:
    mcg = next(unit for unit in kb.units.vitamin_d.units if "mcg" in unit.names)
    with_unit = {source.id for source in dose_reply(kb, "125 mcg").sources}
    assert set(mcg.sources) <= with_unit


def test_a_k2_amount_brings_its_bands_references_into_the_k2_section(kb: KnowledgeBase) -> None:
    above = band_of(kb, "k2", "above_typical")
    section = k2_section(kb, dose_reply(kb, "3000", "300"))
    assert above.references
    for item in above.references:
        assert item.text.strip().split("\n")[0][:30] in section


def test_with_a_k2_amount_the_blood_thinner_caution_is_given_in_full(kb: KnowledgeBase) -> None:
    without = dose_reply(kb, "3000").data["cautions"]
    with_k2 = dose_reply(kb, "3000", "100").data["cautions"]
    assert "blood-thinner" in without and "warfarin" not in without
    assert "warfarin" in with_k2 and "blood-thinner" not in with_k2


def test_a_very_high_dose_leads_with_its_warning(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "20000")
    warning = band_of(kb, "dose", "very_high").warning
    assert warning is not None and reply.data["warning"] == warning
    assert kb.cautions[warning].text in reply.body.split("\n")[0]
    assert dose_reply(kb, "2000").data["warning"] is None


def test_an_adult_age_is_quoted_in_the_reply(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "2000", age_text="30")
    assert kb.messages.get("dose.age_adult", age="30 years") in reply.body.split("\n")


def test_a_named_mk7_amount_gets_no_form_caution(kb: KnowledgeBase) -> None:
    assert "mk-4" not in dose_reply(kb, "3000", "100 mcg mk-7").data["cautions"]
    assert "mk-4" in dose_reply(kb, "3000", "100 mcg mk-4").data["cautions"]


def test_a_k2_amount_off_the_scale_still_gets_the_full_anticoagulant_caution(
    kb: KnowledgeBase,
) -> None:
    """MK-4 is not placed on the K2 bands, so no K2 band brings the warfarin caution: the K2
    amount itself does."""
    cautions = dose_reply(kb, "3000", "100 mcg mk-4").data["cautions"]
    assert "warfarin" in cautions and "blood-thinner" not in cautions


def test_a_k2_amount_probably_typed_in_mg_waits_for_the_retyped_amount(kb: KnowledgeBase) -> None:
    reply = dose_reply(kb, "3000", "100 mg")
    section = k2_section(kb, reply)
    # The hint states the amount as read and asks for it again; the K2 section neither places
    # it nor gives the pairing advice until then, but keeps the anticoagulant caution.
    assert "100,000 µg of K2 a day" in reply.body and "type `k2:100`" in reply.body
    assert "µg/day:" not in section and "practitioners" not in section
    # Nor what the sources say of the band it was read in (100,000 µg: above typical).
    assert reply.data["k2_band"] == "above_typical"
    for item in band_of(kb, "k2", "above_typical").references:
        assert item.text not in section
    assert kb.cautions["warfarin"].text in section
    assert "warfarin" in reply.data["cautions"] and "k2-evidence" not in reply.data["cautions"]
    retyped = k2_section(kb, dose_reply(kb, "3000", "100"))
    assert "100 µg/day: within" in retyped and kb.cautions["k2-evidence"].text in retyped


@pytest.mark.parametrize("k2", ["100", "100 mcg mk-4", "1000"])
def test_at_a_very_high_dose_k2_is_no_answer_and_its_amount_is_not_placed(
    kb: KnowledgeBase, k2: str
) -> None:
    reply = dose_reply(kb, "20000", k2)
    section = k2_section(kb, reply)
    assert section.split("\n")[0] == "K2 is no answer to a dose this high."
    assert "µg/day:" not in section and kb.cautions["mk-4"].text not in section
    # Nor what the sources say of the K2 band it would sit in (1000 µg: above typical).
    for item in band_of(kb, "k2", "above_typical").references:
        assert item.text not in section
    assert kb.cautions["warfarin"].text in section and "mk-4" not in reply.data["cautions"]
    assert reply.body.split("\n")[0].startswith("⚠️ Stop supplementing")


@pytest.mark.parametrize("amount", ["500", "1500", "3000", "8000", "20000"])
@pytest.mark.parametrize("k2", ["100", "100 mcg mk-7", "100 mcg mk-4", "0.1 mg mk-4"])
def test_any_k2_amount_gets_the_full_anticoagulant_caution(
    kb: KnowledgeBase, amount: str, k2: str
) -> None:
    # Below the usual range and at a very high dose the bands attach no anticoagulant
    # caution, and an MK-4 amount has no K2 band to attach one: a member taking K2 gets it.
    section = k2_section(kb, dose_reply(kb, amount, k2))
    assert kb.cautions["warfarin"].text in section
    assert kb.cautions["check-first-k2"].text in section
