"""Hints and error messages as a member reads them in the reply text, written from
knowledge/messages.yaml with the figures and source names its placeholders are filled with
(units.yaml, sources.yaml)."""

from __future__ import annotations

import dataclasses

from bot.core.amounts import InputError, Note, read_dose
from bot.core.dose import dose_reply
from bot.core.dosetext import daily_line
from bot.core.explain import explain_reply
from bot.core.interval import Interval
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


# -- a weekly or monthly dose: the average line and the caution that the range is daily -----

NON_DAILY = "The article's range is daily; at 75+ daily doses are preferred."


def _lines(kb: KnowledgeBase, amount: str) -> list[str]:
    return render_text(dose_reply(kb, amount)).splitlines()


def test_a_weekly_dose_averages_per_day_and_names_the_cautions_source(kb: KnowledgeBase) -> None:
    # 50,000 / 7 = 7,142.86 IU a day, shown whole; / 40 = 178.571 µg, two decimals.
    # cautions.yaml non-daily: refs [article, demay-2024]; the article is not named again.
    assert _lines(kb, "50000 IU weekly")[1] == (
        f"Averages 7,143 IU/day (178.57 µg/day). {NON_DAILY} (Endocrine Society 2024)"
    )


def _with_non_daily_refs(kb: KnowledgeBase, refs: tuple[str, ...]) -> KnowledgeBase:
    caution = kb.cautions["non-daily"].model_copy(update={"refs": refs})
    return dataclasses.replace(kb, cautions={**kb.cautions, "non-daily": caution})


def test_the_non_daily_caution_names_each_source_but_the_article(kb: KnowledgeBase) -> None:
    several = _with_non_daily_refs(kb, ("article", "demay-2024", "iom-2011"))
    assert _lines(several, "50000 IU weekly")[1].endswith(
        f"{NON_DAILY} (Endocrine Society 2024, IOM 2011)"
    )
    article_only = _with_non_daily_refs(kb, ("article",))
    assert _lines(article_only, "50000 IU weekly")[1].endswith(f"(178.57 µg/day). {NON_DAILY}")


def test_the_average_line_fills_the_amount_and_the_period_it_declares(kb: KnowledgeBase) -> None:
    # messages.yaml may use {entered} and {days} in dose.averaged_line (message_keys.py).
    template = "{entered}: {daily_iu} IU/day ({daily_mcg} µg/day) over {days} days."
    templates = {**kb.messages.templates, "dose.averaged_line": template}
    changed = dataclasses.replace(kb, messages=Messages(templates))
    assert _lines(changed, "50000 IU weekly")[1].startswith(
        "50,000 IU weekly: 7,143 IU/day (178.57 µg/day) over 7 days. "
    )


def test_a_weekly_dose_adds_its_cautions_sources_once_and_not_the_whole_article(
    kb: KnowledgeBase,
) -> None:
    reply = dose_reply(kb, "50000 IU weekly")
    ids = [source.id for source in reply.sources if source.id != "article"]
    assert "demay-2024" in ids and len(ids) == len(set(ids))
    assert all(source.section for source in reply.sources if source.id == "article")
    assert "the source article" not in (reply.source_line or "")


# -- unit mix-ups: the figures inside the hints ------------------------------------------------


def test_a_capsule_strength_in_micrograms_is_suggested_without_a_comma(kb: KnowledgeBase) -> None:
    # units.yaml: a 50,000 IU capsule is 1250 µg; the command to type has no thousands comma.
    text = render_text(dose_reply(kb, "1250 mcg"))
    assert "If you take it weekly, type `/dk2 dose 1250 mcg weekly`." in text


def test_a_small_iu_number_with_decimals_keeps_four_in_the_hint(kb: KnowledgeBase) -> None:
    # 12.345678 µg would be 493.83 IU (40 IU per µg), shown whole.
    text = render_text(dose_reply(kb, "12.345678 IU"))
    assert "12.3457 µg (494 IU)? Type `/dk2 dose 12.3457 mcg`." in text


def test_a_big_microgram_number_with_decimals_keeps_four_in_the_hint(kb: KnowledgeBase) -> None:
    # 5000.123456 µg is 200,004.94 IU a day: read as IU instead, 5,000.1235.
    text = render_text(dose_reply(kb, "5000.123456 mcg"))
    assert "is 200,005 IU a day. 5,000.1235 IU? Type `/dk2 dose 5000.1235 IU`." in text


def test_about_an_edge_in_micrograms_keeps_two_decimals(kb: KnowledgeBase) -> None:
    # A band starting past 1001.37796 IU, i.e. 25.034449 µg: a dose just above it rounds
    # (to 2, 3 or 4 decimals of µg) to no figure past the edge, so the µg figure is "about"
    # the edge, to two decimals. The IU figure, 1,001.4, lies past the edge.
    band = (
        kb.bands["dose"]
        .bands[1]
        .model_copy(update={"range": Interval.parse("(1001.37796, 10000]")})
    )
    reading = read_dose("1001.37797", None, kb.units)
    assert not isinstance(reading, InputError)
    assert daily_line(kb, reading.d, band) == "1,001.4 IU/day (about 25.03 µg/day)"


def test_a_cautions_source_the_reply_names_already_is_not_added_twice(kb: KnowledgeBase) -> None:
    # IOM 2011 is a source of every band reply (the check-first caution's); a non-daily
    # caution citing it too adds no second entry.
    changed = _with_non_daily_refs(kb, ("article", "iom-2011"))
    ids = [source.id for source in dose_reply(changed, "50000 IU weekly").sources]
    assert ids.count("iom-2011") == 1


def test_the_mk4_hint_names_several_sources_apart(kb: KnowledgeBase) -> None:
    # units.yaml mk4: 45 mg a day, sources [iwamoto-2014]; with a second source both are
    # named, "; " between them.
    reading = kb.units.reading
    mk4 = reading.mk4.model_copy(update={"sources": ("iwamoto-2014", "sato-2012")})
    units = kb.units.model_copy(update={"reading": reading.model_copy(update={"mk4": mk4})})
    text = render_text(dose_reply(dataclasses.replace(kb, units=units), "2000", "45 mg mk-4"))
    assert (
        "45 mg a day has been used to treat osteoporosis in Japan "
        "(Koitaya et al. 2014; Iwamoto 2014; Sato et al. 2012)."
    ) in " ".join(text.split())
