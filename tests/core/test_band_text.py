"""The fixed parts of band replies (bot.core.bandtext) as a member reads them: the cautions
section, the warning line, and the sources line naming several article sections in one entry.
Texts come from knowledge/cautions.yaml and the bands; names from sources.yaml."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.bandtext import band_text
from bot.core.dose import dose_reply
from bot.core.level import level_reply
from bot.core.model import KnowledgeBase
from bot.core.reply import Reply, render_text


def _section(reply: Reply, name: str) -> str:
    return next(section.value for section in reply.sections if section.name == name)


def test_a_bands_own_caution_is_a_labelled_bullet_before_the_check_first_line(
    kb: KnowledgeBase,
) -> None:
    # level.yaml: the band above 50 ng/mL has the caution high-calcium (refs [article]).
    cautions = _section(level_reply(kb, "80"), "Cautions")
    assert cautions == (
        f"• {kb.cautions['high-calcium'].text} (the source article)\n"
        f"{kb.cautions['check-first'].text}"
    )


def test_a_band_with_no_caution_of_its_own_ends_on_the_check_first_line(
    kb: KnowledgeBase,
) -> None:
    # dose.yaml: the low band has no cautions and no K2 doses, so no blood-thinner line.
    assert _section(dose_reply(kb, "500"), "Cautions") == kb.cautions["check-first"].text


def test_k2_advice_without_an_amount_folds_the_blood_thinner_caution_in(
    kb: KnowledgeBase,
) -> None:
    # dose.yaml typical: cautions [k2-evidence, blood-thinner]; k2-evidence goes with the K2
    # advice, blood-thinner replaces the check-first line.
    assert _section(dose_reply(kb, "1500"), "Cautions") == kb.cautions["blood-thinner"].text


def test_with_a_k2_amount_the_full_warfarin_caution_names_its_sources(kb: KnowledgeBase) -> None:
    text = render_text(dose_reply(kb, "3000", "100"))
    assert (
        f"\n{kb.cautions['warfarin'].text} (NIH ODS, Schurgers 2007, Int J Gen Med 2016) "
        f"{kb.cautions['check-first-k2'].text}\n"
    ) in text
    assert kb.cautions["check-first"].text not in text


def test_the_warning_comes_first_with_its_sources(kb: KnowledgeBase) -> None:
    # dose.yaml very_high: warning toxicity-dose (refs [marcinowska-2018]).
    caution = kb.cautions["toxicity-dose"]
    lines = render_text(dose_reply(kb, "20000")).splitlines()
    assert lines[1] == f"⚠️ {caution.text} (Marcinowska-Suchowierska 2018)"
    two = caution.model_copy(update={"refs": ("marcinowska-2018", "iom-2011")})
    changed = dataclasses.replace(kb, cautions={**kb.cautions, "toxicity-dose": two})
    lines = render_text(dose_reply(changed, "20000")).splitlines()
    assert lines[1] == f"⚠️ {caution.text} (Marcinowska-Suchowierska 2018, IOM 2011)"


def test_two_article_sections_are_named_in_one_sources_entry(kb: KnowledgeBase) -> None:
    # The dose band above 2000 IU quotes "Cardiovascular Considerations"; the typical K2
    # band "Practical Recommendations". IOM 2011 and NIH ODS are named beside their lines.
    reply = dose_reply(kb, "3000", "100")
    assert reply.source_line == (
        "Sources: article sections “Cardiovascular Considerations”, “Practical Recommendations”"
    )
    articles = [source for source in reply.sources if source.id == "article"]
    assert [source.section for source in articles] == [
        "Cardiovascular Considerations",
        "Practical Recommendations",
    ]
    assert articles[1].label is None
    # One section: named alone, as "article section".
    assert dose_reply(kb, "500").source_line == (
        "Sources: article section “Practical Recommendations”; IOM 2011; NIH ODS"
    )


def test_an_unknown_band_is_named_in_the_error(kb: KnowledgeBase) -> None:
    with pytest.raises(LookupError, match="no dose band 'nope'"):
        band_text(kb, "dose", "nope")


def test_beside_two_article_sections_a_source_named_nowhere_else_keeps_its_entry(
    kb: KnowledgeBase,
) -> None:
    # 75 µg is 3,000 IU (the band quoting "Cardiovascular Considerations"), with K2 in the
    # band quoting "Practical Recommendations"; µg is converted on IOM 2011 and US FDA
    # labelling (units.yaml). IOM 2011 is named beside the upper-limit line, the FDA nowhere.
    assert dose_reply(kb, "75 mcg", "100").source_line == (
        "Sources: article sections “Cardiovascular Considerations”, “Practical Recommendations”;"
        " US FDA labelling"
    )
