"""Each file's own rules (bot.core.model), as a curator reads them: the whole `file:line:
message` for a knowledge file that breaks one; and the look-ups the replies make on a valid
knowledge base, on the edges of its bands."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from bot.core.loader import load_knowledge
from bot.core.model import KnowledgeBase, Messages, Unit, repeats


def _edit(root: Path, relative: str, old: str, new: str) -> int:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _problems(root: Path) -> list[str]:
    result = load_knowledge(root)
    assert result.knowledge is None
    return [f"{p.path.relative_to(root).as_posix()}:{p.line}: {p.message}" for p in result.problems]


def test_a_source_id_listed_twice(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "sources.yaml", "  - id: mayo", "  - id: fda")
    problems = _problems(knowledge_copy)
    assert problems[0] == f"sources.yaml:{line}: duplicate source id 'fda'"


def test_the_article_source_must_be_defined(knowledge_copy: Path) -> None:
    _edit(knowledge_copy, "sources.yaml", "  - id: article", "  - id: the-article")
    problems = _problems(knowledge_copy)
    assert "sources.yaml:6: sources.yaml must define the 'article' source" in problems
    text = (knowledge_copy / "sources.yaml").read_text(encoding="utf-8").splitlines()
    assert text[5] == "sources:"  # line 6: the file's first key


def test_an_article_topic_needs_a_section_and_a_quote(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "topics/mgp.yaml", "  section: What Vitamin K2 Does\n", "")
    assert _problems(knowledge_copy) == [
        f"topics/mgp.yaml:{line - 1}: an article topic needs 'section' and at least one quote"
    ]


def test_a_reference_topic_names_sources_but_not_the_article(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "topics/warfarin.yaml",
        "refs: [nih-ods, schurgers-2007,",
        "refs: [article, nih-ods, schurgers-2007,",
    )
    assert _problems(knowledge_copy) == [
        f"topics/warfarin.yaml:{line}: a reference topic cites the article with 'section' and"
        " 'quotes', not refs"
    ]


def test_a_topic_related_to_itself(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "topics/mgp.yaml", "related: [vitamin-k2,", "related: [mgp,")
    assert _problems(knowledge_copy) == [
        f"topics/mgp.yaml:{line}: a topic can't be related to itself"
    ]


def test_cautions_listed_twice_or_missing(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "cautions.yaml", "  - id: k2-evidence", "  - id: warfarin")
    assert f"cautions.yaml:{line}: duplicate caution id 'warfarin'" in _problems(knowledge_copy)


def test_a_caution_the_code_attaches_must_be_there(knowledge_copy: Path) -> None:
    _edit(knowledge_copy, "cautions.yaml", "  - id: mk-4", "  - id: mk-four")
    _edit(knowledge_copy, "cautions.yaml", "  - id: non-daily", "  - id: not-daily")
    assert _problems(knowledge_copy) == [
        "cautions.yaml:6: cautions the code attaches are missing: ['non-daily', 'mk-4']"
    ]


def test_band_ids_listed_twice(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "bands/level.yaml", "  - id: high\n", "  - id: goal\n")
    assert _problems(knowledge_copy) == [f"bands/level.yaml:{line}: duplicate band id 'goal'"]


def test_nmol_ranges_for_every_band_or_none(knowledge_copy: Path) -> None:
    _edit(knowledge_copy, "bands/level.yaml", '    nmol_range: "(125, 375]"\n', "")
    assert _problems(knowledge_copy) == [
        "bands/level.yaml:13: give every band an nmol_range, or none"
    ]


def test_every_dose_band_needs_k2_advice(knowledge_copy: Path) -> None:
    text = (knowledge_copy / "bands" / "dose.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: low\n")
    k2 = text.index("    k2:\n", start)
    end = text.index("\n    cautions:", k2) if "\n    cautions:" in text[k2:] else None
    assert end is not None
    block = text[k2 : end + 1]
    line = _edit(knowledge_copy, "bands/dose.yaml", "  - id: low\n", "  - id: low\n")
    _edit(knowledge_copy, "bands/dose.yaml", block, "")
    problems = _problems(knowledge_copy)
    assert f"bands/dose.yaml:{line}: dose band 'low' needs K2 pairing advice ('k2')" in problems


def test_a_gauge_mark_outside_the_domain_names_the_figure(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "bands/level.yaml", "at: [12, 20, 50]", "at: [0, 20, 50.50]")
    problems = _problems(knowledge_copy)
    assert (
        problems[0]
        == f"bands/level.yaml:{line - 1}: gauge mark at 0 is outside the domain (0, inf)"
    )


def test_a_gauge_mark_outside_the_domain_is_written_as_a_curator_writes_it(
    knowledge_copy: Path,
) -> None:
    # -120, not "-1.2E+2": the figure as it stands in the file
    line = _edit(knowledge_copy, "bands/level.yaml", "at: [12, 20, 50]", "at: [-120, 20, 50]")
    problems = _problems(knowledge_copy)
    assert (
        f"bands/level.yaml:{line - 1}: gauge mark at -120 is outside the domain (0, inf)"
        in problems
    )


@pytest.mark.parametrize(
    ("relative", "old", "new", "said"),
    [
        (
            "bands/dose.yaml",
            "refs: [iom-2011]",
            "refs: [iom-2011, article]",
            "reference figures must not cite the article",
        ),
        (
            "bands/level.yaml",
            'range: "[30, 50]"\n    section:',
            'range: "[30, inf)"\n    section:',
            "a gauge mark's range must be finite",
        ),
    ],
)
def test_a_reference_or_mark_rule_is_said_in_full_at_its_key(
    knowledge_copy: Path, relative: str, old: str, new: str, said: str
) -> None:
    line = _edit(knowledge_copy, relative, old, new)
    assert f"{relative}:{line}: {said}" in _problems(knowledge_copy)


def test_a_gauge_mark_gives_cut_points_or_a_range(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "bands/level.yaml",
        "at: [12, 20, 50]",
        'at: [12, 20, 50]\n    range: "[30, 50]"',
    )
    problems = _problems(knowledge_copy)
    assert problems[0] == (
        f"bands/level.yaml:{line - 1}: a gauge mark gives either 'at' (cut-points) or 'range'"
    )


def test_a_unit_gives_a_factor_or_a_divisor(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "units.yaml",
        "      factor: 40000\n",
        "      factor: 40000\n      divisor: 2\n",
    )
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line - 1}: give exactly one of 'factor' or 'divisor'"
    ]


def test_a_unit_with_neither_factor_nor_divisor(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "units.yaml", "      factor: 40000\n", "")
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line - 1}: give exactly one of 'factor' or 'divisor'"
    ]


def test_the_banded_k2_form_must_be_a_form(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "units.yaml", "banded_form: mk-7", "banded_form: mk-9")
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line}: banded_form 'mk-9' isn't one of the forms"
    ]


def test_a_spelling_is_one_unit_or_one_period(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "units.yaml",
        "  - names: [monthly, month,",
        "  - names: [monthly, mg,",
    )
    unit = _edit(
        knowledge_copy, "units.yaml", "    - names: [iu, i.u., ui,", "    - names: [iu, i.u., iu,"
    )
    assert _problems(knowledge_copy) == [
        f"units.yaml:{unit}: spelling 'iu' is listed twice",
        f"units.yaml:{line}: spelling 'mg' is listed twice",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("max_daily: 1000000", "max_daily: true", "'max_daily' must be a number"),
        ("max_daily: 1000000", "max_daily: .inf", "'max_daily' must be a finite number"),
        ("max_daily: 1000000", "max_daily: 0", "'max_daily' must be more than 0"),
    ],
)
def test_numbers_are_yaml_numbers_and_finite(
    knowledge_copy: Path, old: str, new: str, message: str
) -> None:
    line = _edit(knowledge_copy, "units.yaml", old, new)
    assert _problems(knowledge_copy) == [f"units.yaml:{line}: {message}"]


def test_a_small_positive_figure_is_kept_exactly(knowledge_copy: Path) -> None:
    _edit(knowledge_copy, "units.yaml", "min_daily: 0.01", "min_daily: 0.1")
    kb = load_knowledge(knowledge_copy).knowledge
    assert kb is not None and kb.units.k2.min_daily == Decimal("0.1")


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ('range: "(50, 150]"', None),
        ("range: 50", """'range' must be an interval such as "[1, 2)\""""),
        ('range: "50 to 150"', "range '50 to 150' is not interval notation;"),
    ],
)
def test_a_band_range_is_interval_text(knowledge_copy: Path, new: str, message: str | None) -> None:
    line = _edit(knowledge_copy, "bands/level.yaml", 'range: "(50, 150]"', new)
    if message is None:
        assert load_knowledge(knowledge_copy).ok
        return
    (problem,) = _problems(knowledge_copy)
    assert problem.startswith(f"bands/level.yaml:{line}: {message}")


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ('"#e67e2"', """colour '#e67e2' must be like "#27ae60\""""),
        ('"e67e22"', """colour 'e67e22' must be like "#27ae60\""""),
        ("0xe67e22", """colour 15105570 must be like "#27ae60\""""),
    ],
)
def test_a_colour_is_written_like_html(knowledge_copy: Path, colour: str, message: str) -> None:
    line = _edit(knowledge_copy, "bands/level.yaml", 'colour: "#e67e22"', f"colour: {colour}")
    assert _problems(knowledge_copy) == [f"bands/level.yaml:{line}: {message}"]


def test_a_colour_is_read_as_its_number(kb: KnowledgeBase) -> None:
    goal = kb.bands["level"].get("goal")
    assert goal is not None and goal.colour == 0x27AE60


# -- look-ups on the real knowledge base ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [
        ("11.9", "deficient"),
        ("12", "inadequate"),
        ("50", "goal"),
        ("50.1", "high"),
        ("150", "high"),
        ("150.1", "toxic"),
    ],
)
def test_a_level_finds_its_band_on_both_sides_of_each_edge(
    kb: KnowledgeBase, value: str, band: str
) -> None:
    found = kb.bands["level"].find(Decimal(value))
    assert found is not None and found.id == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        ("29.9", "deficient"),
        ("30", "inadequate"),
        ("125", "goal"),
        ("125.1", "high"),
        ("375.1", "toxic"),
    ],
)
def test_a_level_in_nmol_finds_its_band_on_the_nmol_edges(
    kb: KnowledgeBase, value: str, band: str
) -> None:
    found = kb.bands["level"].find_nmol(Decimal(value))
    assert found is not None and found.id == band


def test_outside_every_band_there_is_none(kb: KnowledgeBase) -> None:
    level = kb.bands["level"]
    assert level.find(Decimal(0)) is None and level.find_nmol(Decimal(0)) is None
    assert level.get("no-such-band") is None
    assert kb.bands["dose"].find_nmol(Decimal(10)) is None  # dose bands have no nmol ranges


def test_units_convert_to_their_base(kb: KnowledgeBase) -> None:
    mcg, mg = kb.units.vitamin_d.units[1], kb.units.vitamin_d.units[2]
    assert mcg.to_base(Decimal("2.5")) == Decimal(100) and mg.to_base(Decimal(1)) == 40000
    nmol = kb.units.level.units[1]
    assert nmol.to_base(Decimal("74.88")) == Decimal("30")  # 74.88 nmol/L / 2.496 = 30 ng/mL


def test_words_for_spans_and_ages(kb: KnowledgeBase) -> None:
    days = kb.units.reading.span_days
    assert days["week"] == 7 and days["weeks"] == 7 and days["day"] == 1
    assert [unit.names[0] for unit in kb.units.age_units] == ["years", "months", "weeks"]


def test_a_dose_bands_k2_pairing_and_a_level_bands_none(kb: KnowledgeBase) -> None:
    typical = kb.bands["dose"].get("typical")
    assert typical is not None and typical.k2_pairing == "optional"
    goal = kb.bands["level"].get("goal")
    assert goal is not None and goal.k2_pairing is None


def test_a_source_is_named_by_its_name_or_its_id(kb: KnowledgeBase) -> None:
    assert kb.source_name("iom-2011") == "IOM 2011"
    assert kb.source_name("webmd") == "webmd"


def test_an_age_scale_finds_the_group_on_both_sides_of_an_edge(kb: KnowledgeBase) -> None:
    assert kb.ages is not None
    iom = kb.ages.limits[0]
    assert [iom.find(Decimal(m)).label for m in ("5.9", "6", "131")] == [  # type: ignore[union-attr]
        "0–6 months",
        "6–12 months",
        "9 years and over",
    ]
    assert iom.find(Decimal(132)) is None


def test_messages_fill_their_placeholders() -> None:
    messages = Messages({"a.b": "{count} problem(s)"})
    assert messages.get("a.b", count="2") == "2 problem(s)"


def test_repeats_names_every_later_copy() -> None:
    found = list(repeats("bands", ["a", "b", "a", "a"], "band id"))
    assert found == [
        (("bands", 2), "duplicate band id 'a'"),
        (("bands", 3), "duplicate band id 'a'"),
    ]


@pytest.mark.parametrize(
    ("unit", "valid"),
    [
        ({"names": ["mcg"], "factor": 40}, True),
        ({"names": ["nmol/l"], "divisor": 2.496}, True),
        ({"names": ["mcg"], "factor": 40, "divisor": 2}, False),
        ({"names": ["mcg"]}, False),
    ],
)
def test_the_editors_schema_asks_a_unit_for_a_factor_or_a_divisor(
    unit: dict[str, object], valid: bool
) -> None:
    schema = Unit.model_json_schema()
    assert "default" not in schema["properties"]["factor"]
    assert "default" not in schema["properties"]["divisor"]
    assert Draft202012Validator(schema).is_valid(unit) is valid


def test_a_spelling_listed_twice_in_a_block_list_is_named_at_its_own_line(
    knowledge_copy: Path,
) -> None:
    start = _edit(
        knowledge_copy,
        "units.yaml",
        "    - names: [iu, i.u., ui, units, unit]\n",
        "    - names:\n        - iu\n        - units\n        - iu\n",
    )
    assert _problems(knowledge_copy) == [f"units.yaml:{start + 3}: spelling 'iu' is listed twice"]


def test_an_everyday_subject_word_must_be_a_subject_word(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "search.yaml",
        "everyday_subject_words: [vitamin, vit,",
        "everyday_subject_words: [vitamin, vit, weather,",
    )
    assert _problems(knowledge_copy) == [
        f"search.yaml:{line}: 'weather' is not one of subject_words"
    ]


@pytest.mark.parametrize("unit", ["iu", "mg", "IU/day"])
def test_an_age_scale_is_in_iu_or_micrograms_as_the_code_spells_them(
    knowledge_copy: Path, unit: str
) -> None:
    # Any other spelling was read as µg: an IU limit judged 40 times too high.
    line = _edit(knowledge_copy, "ages.yaml", "    unit: IU\n", f"    unit: {unit}\n")
    assert _problems(knowledge_copy) == [
        f"ages.yaml:{line}: 'unit' is {unit!r}; it must be 'IU' or 'µg'"
    ]


def test_vitamin_d_is_counted_in_iu(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "units.yaml", "  base_unit: IU\n", "  base_unit: iu\n")
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line}: vitamin D's base_unit must be IU (ages.yaml's is)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "word", "second"),
    [
        # nmol/L would be read as ng/mL: 75 nmol/L placed as 75 ng/mL.
        ("[ng/ml, ng per ml,", "[ng/ml, nmol/l, ng per ml,", "nmol/l", "    - names: [nmol/l,"),
        ("[years, year,", "[years, weeks, year,", "weeks", "    - names: [weeks,"),
        (
            "micrograms]\n      factor: 1\n",
            "micrograms, mg]\n      factor: 1\n",
            "mg",
            "    - names: [mg, milligram, milligrams]\n      factor: 1000",
        ),
        (
            "milligram, milligrams]\n      factor: 40000",
            "milligram, weekly]\n      factor: 40000",
            "weekly",
            "  - names: [weekly,",
        ),
    ],
    ids=["level", "age", "k2", "vitamin D and a period"],
)
def test_a_spelling_names_one_unit_wherever_it_is_read(
    knowledge_copy: Path, old: str, new: str, word: str, second: str
) -> None:
    """Reported at its second place, in the order the file lists them."""
    _edit(knowledge_copy, "units.yaml", old, new)
    text = (knowledge_copy / "units.yaml").read_text(encoding="utf-8")
    line = text[: text.index(second)].count("\n") + 1
    assert _problems(knowledge_copy) == [f"units.yaml:{line}: spelling {word!r} is listed twice"]


def test_the_same_spelling_in_two_options_is_fine(knowledge_copy: Path) -> None:
    # "mcg" is a vitamin D unit and a K2 one; "week" an age unit and a period.
    assert load_knowledge(knowledge_copy).ok


def test_vitamin_d_units_include_the_spellings_the_code_looks_up(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy, "units.yaml", "  units:\n    - names: [iu,", "  units:\n    - names: [ius,"
    )
    _edit(
        knowledge_copy,
        "units.yaml",
        "- names: [mcg, µg, μg, ug, microgram, micrograms]\n      factor: 40",
        "- names: [µg, μg, ug, microgram, micrograms]\n      factor: 40",
    )
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line}: vitamin_d units must include the spelling 'iu'",
        f"units.yaml:{line}: vitamin_d units must include the spelling 'mcg'",
    ]


def test_the_unit_spelled_iu_is_one_iu(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy, "units.yaml", "unit]\n      factor: 1\n", "unit]\n      factor: 2\n"
    )
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line - 1}: the unit spelled 'iu' must have factor: 1"
    ]


def test_nmol_per_litre_is_given_by_its_divisor(knowledge_copy: Path) -> None:
    factor = _edit(knowledge_copy, "units.yaml", "      divisor: 2.496\n", "      factor: 0.4006\n")
    text = (knowledge_copy / "units.yaml").read_text(encoding="utf-8")
    line = text[: text.index("level:\n  base_unit")].count("\n") + 3
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line}: level units must give exactly one unit, nmol/L, by its divisor"
        " (divisor: 2.496, as 1 ng/mL is 2.496 nmol/L); the others by factor",
        # and the IOM states 2.496, not its inverse
        f"units.yaml:{factor}: the factor of level unit 'nmol/l' is 0.4006, which iom-2011"
        " doesn't state",
    ]


def test_the_oldest_age_is_above_adult_from(knowledge_copy: Path) -> None:
    # Else every adult's age:, from 5 years on, is refused as a typo.
    line = _edit(knowledge_copy, "ages.yaml", "oldest: 1560 ", "oldest: 60 ")
    assert _problems(knowledge_copy) == [
        f"ages.yaml:{line}: oldest (60 months) must be above adult_from (132 months):"
        " 130 years is 1560"
    ]


@pytest.mark.parametrize(
    ("kind", "old"), [("vitamin_d", "min_daily: 1\n"), ("k2", "min_daily: 0.01")]
)
def test_the_smallest_daily_amount_is_below_the_largest(
    knowledge_copy: Path, kind: str, old: str
) -> None:
    # Else every amount is "too little".
    line = _edit(knowledge_copy, "units.yaml", old, old.replace(old.split()[1], "2000000"))
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line}: min_daily (2000000) must be below max_daily (1000000)"
    ]


def test_a_filler_is_not_spelled_like_a_unit_or_a_period(knowledge_copy: Path) -> None:
    # "5000 iu weekly d3": a filler "weekly" would never be read past; the period wins.
    line = _edit(knowledge_copy, "units.yaml", "  fillers: [d3, d,", "  fillers: [d3, weekly, d,")
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line}: filler 'weekly' is also a unit or period spelling, which dk2 reads"
        " first"
    ]
