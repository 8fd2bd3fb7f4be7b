"""The rules across knowledge files, as a curator reads them: the whole `file:line: message`,
with the values that are wrong and what would be right, for each rule in bot.core.checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.checks import Problem, messages, numbers, references, sections
from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.schemas import KNOWLEDGE_KINDS, kind_of
from bot.core.yamlfile import line_at, parse_yaml

KNOWLEDGE = default_knowledge_path()

SOURCES = (
    "article, iom-2011, fda, efsa, efsa-2018, mayo, marcinowska-2018, endocrine-society,"
    " demay-2024, endocrine-news-2024, mccartney-2024, ahrq-2018, iom-2001, nih-ods, sato-2012,"
    " iwamoto-2014, anticoagulants-2016, nutr-rev-2005, schurgers-2007, knapen-2013,"
    " knapen-2015, vlasschaert-2020, van-ballegooijen-2017, d2-labels, d3-vs-d2"
)


def _edit(root: Path, relative: str, old: str, new: str) -> int:
    """Replace `old` (once) with `new` in a knowledge file; the line the edit starts on."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _problems(root: Path) -> list[str]:
    result = load_knowledge(root)
    assert result.knowledge is None
    return [f"{p.path.relative_to(root).as_posix()}:{p.line}: {p.message}" for p in result.problems]


def test_sources_yaml_lists_every_source(knowledge_copy: Path) -> None:
    text = (knowledge_copy / "sources.yaml").read_text(encoding="utf-8")
    ids = [line.split("id:")[1].strip() for line in text.splitlines() if "- id:" in line]
    assert ", ".join(ids) == SOURCES  # the list the messages below name, in the file's order


def test_a_caution_citing_nothing_and_an_unknown_source(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "cautions.yaml", "refs: [vlasschaert-2020]", "refs: [webmd]")
    assert _problems(knowledge_copy) == [
        f"cautions.yaml:{line}: unknown source 'webmd' (sources.yaml has: {SOURCES})"
    ]


def test_invented_figures_are_listed_smallest_first(knowledge_copy: Path) -> None:
    old = "Vitamin K does not consistently prevent vascular calcification."
    line = _edit(
        knowledge_copy,
        "cautions.yaml",
        old,
        "In 12 of 8 trials (9 in all) and 4,000.50 people, vitamin K did not prevent calcification.",
    )
    assert _problems(knowledge_copy) == [
        f"cautions.yaml:{line - 1}: caution 'k2-evidence' uses 8, 12, 4000.5, which no source"
        " it cites contains"
    ]


def test_a_figure_stands_when_the_article_is_cited_or_quoted(knowledge_copy: Path) -> None:
    # 4000 is in the article (and the IOM's limit): fine in a caution citing the article...
    _edit(knowledge_copy, "cautions.yaml", "refs: [vlasschaert-2020]", "refs: [article]")
    _edit(
        knowledge_copy,
        "cautions.yaml",
        "Vitamin K does not consistently prevent vascular calcification.",
        "Vitamin K at 4000 does not consistently prevent vascular calcification.",
    )
    assert load_knowledge(knowledge_copy).ok


def test_a_topic_in_the_wrong_file_a_missing_section_and_a_misquote(
    knowledge_copy: Path,
) -> None:
    mgp = "topics/mgp.yaml"
    section = _edit(knowledge_copy, mgp, "section: What Vitamin K2 Does", "section: What K2 Does")
    quote = _edit(
        knowledge_copy,
        mgp,
        '"Without adequate vitamin K2, these proteins remain inactive."',
        '"Without K2, these proteins remain inactive."',
    )
    related = _edit(
        knowledge_copy, mgp, "related: [vitamin-k2, osteocalcin,", "related: [k3, osteocalcin,"
    )
    assert _problems(knowledge_copy) == [
        f"{mgp}:{section}: section 'What K2 Does' is not a heading of article.md",
        f"{mgp}:{quote}: quote not found verbatim in article.md:"
        " 'Without K2, these proteins remain inactive.'",
        f"{mgp}:{related}: related topic 'k3' of 'mgp' does not exist",
    ]


def test_a_topic_id_must_match_its_file_name(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "topics/mgp.yaml", "id: mgp", "id: mgp-protein")
    problems = _problems(knowledge_copy)
    assert f"topics/mgp.yaml:{line}: topic 'mgp-protein' must live in mgp-protein.yaml" in problems


def test_an_invented_figure_in_a_topics_short_answer_is_named_at_its_key(
    knowledge_copy: Path,
) -> None:
    start = "Matrix Gla protein (MGP) is one of the proteins vitamin K2 activates."
    line = _edit(knowledge_copy, "topics/mgp.yaml", start, start + " In 37 trials.")
    problems = _problems(knowledge_copy)
    assert problems == [
        f"topics/mgp.yaml:{line - 1}: topic 'mgp' short uses 37, which no source it cites contains"
    ]


def test_an_alias_two_topics_claim_is_reported_in_both(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy, "topics/mgp.yaml", "aliases: [matrix gla protein,", "aliases: [osteocalcin,"
    )
    problems = _problems(knowledge_copy)
    mgp = f"topics/mgp.yaml:{line}: alias 'osteocalcin' names both 'mgp' and 'osteocalcin'"
    other = [p for p in problems if p.startswith("topics/osteocalcin.yaml:")]
    assert mgp in problems
    assert len(other) == 1
    assert other[0].endswith(": alias 'osteocalcin' names both 'osteocalcin' and 'mgp'")


def test_search_safety_first_names_topics_that_exist(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy, "search.yaml", "safety_first: [warfarin,", "safety_first: [warfrin,"
    )
    assert _problems(knowledge_copy) == [f"search.yaml:{line}: unknown topic 'warfrin'"]


def test_search_both_vitamins_aside_names_topics_that_exist(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "search.yaml",
        "both_vitamins_aside: [vitamin-d,",
        "both_vitamins_aside: [vitamin-e,",
    )
    assert _problems(knowledge_copy) == [f"search.yaml:{line}: unknown topic 'vitamin-e'"]


def test_search_level_topics_name_bands_and_topics_that_exist(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "search.yaml",
        "level_topics: {deficient: deficiency,",
        "level_topics: {deficent: deficency,",
    )
    assert _problems(knowledge_copy) == [
        f"search.yaml:{line}: unknown topic 'deficency'",
        f"search.yaml:{line}: bands/level.yaml has no band 'deficent'",
    ]


def test_search_vitamin_scopes_name_topics_that_exist(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "search.yaml",
        "topics: [vitamin-k2, k-intake,",
        "topics: [vitamin-k3, k-intake,",
    )
    assert _problems(knowledge_copy) == [f"search.yaml:{line}: unknown topic 'vitamin-k3'"]


def test_an_invented_figure_in_each_part_of_a_dose_band_is_named_at_that_part(
    knowledge_copy: Path,
) -> None:
    # The low band's article text, its reference, its K2 advice; the typical band's K2 line
    # for a dose with a K2 amount. 4321 is in no source and not in the article.
    dose = "bands/dose.yaml"
    article = _edit(
        knowledge_copy, dose, "text: Many take 1000 to 4000 IU daily.", "text: Many take 4321 IU."
    )
    reference = _edit(
        knowledge_copy, dose, "Guideline: the IOM intakes under 75;", "Guideline: 4321 IU under 75;"
    )
    k2 = _edit(
        knowledge_copy,
        dose,
        "No K2 advice at this dose in the article.",
        "No K2 advice at 4321 IU in the article.",
    )
    amount = _edit(
        knowledge_copy,
        dose,
        "with_amount: \"Optional: the article's K2 case",
        "with_amount: \"Optional: 4321 µg; the article's K2 case",
    )
    tail = "uses 4321, which no source it cites contains"
    assert _problems(knowledge_copy) == [
        f"{dose}:{article}: dose band 'low' article text {tail}",
        f"{dose}:{reference - 1}: dose band 'low' reference {tail}",
        f"{dose}:{k2 - 1}: dose band 'low' K2 advice {tail}",
        f"{dose}:{amount}: dose band 'typical' {tail}",
    ]


def test_a_band_table_must_be_of_its_files_kind(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "bands/k2.yaml", "kind: k2", "kind: dose")
    assert f"bands/k2.yaml:{line}: kind must be 'k2' in bands/k2.yaml" in _problems(knowledge_copy)


def test_a_unit_citing_an_unknown_source(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy, "units.yaml", "sources: [iom-2011, fda]", "sources: [iom-2011, fdaa]"
    )
    assert _problems(knowledge_copy) == [
        f"units.yaml:{line}: unknown source 'fdaa' (sources.yaml has: {SOURCES})"
    ]


def test_an_age_limit_and_label_hold_only_figures_their_source_states(
    knowledge_copy: Path,
) -> None:
    line = _edit(
        knowledge_copy,
        "ages.yaml",
        '{ages: "[6, 12)", label: "6–12 months", ul: 1500, refs: [iom-2011]}',
        '{ages: "[6, 12)", label: "6–13 months", ul: 1501, refs: [iom-2011, who]}',
    )
    assert _problems(knowledge_copy) == [
        f"ages.yaml:{line}: unknown source 'who' (sources.yaml has: {SOURCES})",
        f"ages.yaml:{line}: age group '6–13 months' uses 13, 1501, which no source it cites"
        " contains",
    ]


def test_a_broken_sources_file_holds_back_the_rules_that_need_it(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "sources.yaml", "  - id: fda", "  - idd: fda")
    _edit(knowledge_copy, "topics/warfarin.yaml", "refs: [nih-ods,", "refs: [webmd, nih-ods,")
    problems = _problems(knowledge_copy)
    assert problems and all(p.startswith("sources.yaml:") for p in problems), problems
    assert any(p.startswith(f"sources.yaml:{line}: unknown key 'idd'") for p in problems)


@pytest.mark.parametrize(
    ("template", "said"),
    [
        (
            "Loaded {when}.",
            ["message 'reload.ok' uses {when}; it can use: {loaded}, {topics}, {version}"],
        ),
        (
            "Loaded {version} {",
            [
                "message 'reload.ok' has a broken placeholder: Single '{' encountered in format string"
            ],
        ),
        (
            "Version {version} of 12.",
            ["message 'reload.ok' states a figure; figures belong in bands"],
        ),
        ("Version {version}: type `/dk2 dose 1000`.", []),
    ],
)
def test_each_message_uses_its_own_placeholders_and_no_figure(
    template: str, said: list[str]
) -> None:
    assert [message for _, message in messages({"reload.ok": template})] == said


def test_a_message_with_no_placeholders_says_so() -> None:
    (broken,) = messages({"reload.none": "{topics}"})
    assert broken == (
        ("reload", "none"),
        "message 'reload.none' uses {topics}; it can use: no placeholders",
    )


def test_figures_are_read_as_numbers_not_names() -> None:
    assert numbers("4,000 IU, 4000.0 IU, 0.5 mg, K2, MK-7, D3, 1.25") == {"4000", "0.5", "1.25"}
    assert numbers("ages 1-3, 25(OH)D") == {"1", "3", "25"}


def test_sections_are_every_markdown_heading() -> None:
    article = "# Title\n\ntext # not a heading\n## Dosing  \n###### Deep\n####### too deep\n"
    assert sections(article) == ("Title", "Dosing", "Deep")


def test_a_problem_reads_as_file_line_message() -> None:
    assert str(Problem(Path("topics/mgp.yaml"), 7, "what")) == "topics/mgp.yaml:7: what"


def test_a_gauge_mark_citing_nothing_is_named_where_its_mapping_starts(
    knowledge_copy: Path,
) -> None:
    _edit(
        knowledge_copy,
        "bands/level.yaml",
        "marks:\n",
        "marks:\n  -\n    text: a mark of our own\n    at: [20]\n",
    )
    line = _edit(
        knowledge_copy,
        "bands/level.yaml",
        "    text: a mark of our own",
        "    text: a mark of our own",
    )
    assert _problems(knowledge_copy) == [
        f"bands/level.yaml:{line}: gauge mark names no source (give quotes, section or refs)",
        f"bands/level.yaml:{line}: gauge mark uses 20, which no source it cites contains",
    ]


def test_an_age_group_written_as_a_block_names_each_line(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "ages.yaml",
        '      - {ages: "[6, 12)", label: "6–12 months", ul: 1500, refs: [iom-2011]}',
        '      - ages: "[6, 12)"\n        label: "6–12 months"\n        ul: 1501\n'
        "        refs: [iom-2011, who]",
    )
    assert _problems(knowledge_copy) == [
        f"ages.yaml:{line}: age group '6–12 months' uses 1501, which no source it cites contains",
        f"ages.yaml:{line + 3}: unknown source 'who' (sources.yaml has: {SOURCES})",
    ]


def test_units_without_an_age_section_still_check_the_rest(knowledge_copy: Path) -> None:
    text = (knowledge_copy / "units.yaml").read_text(encoding="utf-8")
    start = text.index("\nage:\n")
    end = text.index("\n\n", start + 1)
    (knowledge_copy / "units.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    line = _edit(knowledge_copy, "units.yaml", "sources: [iom-2011, fda]", "sources: [fdaa]")
    problems = _problems(knowledge_copy)
    assert f"units.yaml:{line}: unknown source 'fdaa' (sources.yaml has: {SOURCES})" in problems
    assert not [p for p in problems if "Traceback" in p or "NoneType" in p]


def test_every_broken_message_is_reported_not_only_the_first() -> None:
    said = [message for _, message in messages({"reload.ok": "{", "reload.none": "}"})]
    assert said == [
        "message 'reload.ok' has a broken placeholder: Single '{' encountered in format string",
        "message 'reload.none' has a broken placeholder: Single '}' encountered in format string",
    ]


def test_a_message_key_the_code_does_not_fill_allows_no_placeholders() -> None:
    said = [message for _, message in messages({"reload.unheard_of": "{x}"})]
    assert said == ["message 'reload.unheard_of' uses {x}; it can use: no placeholders"]


def test_a_figure_right_after_example_code_is_still_a_figure() -> None:
    (said,) = messages({"reload.none": "Type `/dk2 dose`2 times."})
    assert said[1] == "message 'reload.none' states a figure; figures belong in bands"


def test_a_topic_citing_nothing_is_named_inside_its_source(knowledge_copy: Path) -> None:
    text = (knowledge_copy / "topics" / "warfarin.yaml").read_text(encoding="utf-8")
    start = text.index("  refs: [nih-ods,")
    _edit(knowledge_copy, "topics/warfarin.yaml", text[start : text.index("related:", start)], "")
    first = _edit(knowledge_copy, "topics/warfarin.yaml", "  kind: reference", "  kind: reference")
    problems = _problems(knowledge_copy)
    # Both the topic's own rule and the rule across files point into `source:`, at its
    # first key, not at the `source:` line above it.
    assert f"topics/warfarin.yaml:{first}: a reference topic must name its 'refs'" in problems
    assert (
        f"topics/warfarin.yaml:{first}: topic 'warfarin' names no source"
        " (give quotes, section or refs)"
    ) in problems


def test_an_unknown_key_holding_a_mapping_is_named_at_the_key(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy, "topics/mgp.yaml", "related: [", "extra:\n  note: a curator's\nrelated: ["
    )
    problems = _problems(knowledge_copy)
    assert len(problems) == 1 and problems[0].startswith(
        f"topics/mgp.yaml:{line}: unknown key 'extra'"
    )


def test_a_fact_that_starts_with_its_figure_holds_that_figure(knowledge_copy: Path) -> None:
    _edit(
        knowledge_copy,
        "sources.yaml",
        '      - "A review of 9 trials:',
        '      - "1234 people in all"\n      - "A review of 9 trials:',
    )
    _edit(
        knowledge_copy,
        "cautions.yaml",
        "Vitamin K does not consistently prevent vascular calcification.",
        "In 1234 people, vitamin K did not consistently prevent vascular calcification.",
    )
    assert load_knowledge(knowledge_copy).ok


def test_quotes_alone_let_a_text_use_the_articles_figures(knowledge_copy: Path) -> None:
    # 4000 is in the article; a caution quoting the article may use it without 'article'
    # among its refs.
    _edit(
        knowledge_copy,
        "cautions.yaml",
        "    refs: [vlasschaert-2020]\n",
        "    refs: [vlasschaert-2020]\n    quotes:\n"
        '      - "Without adequate vitamin K2, these proteins remain inactive."\n',
    )
    _edit(
        knowledge_copy,
        "cautions.yaml",
        "Vitamin K does not consistently prevent vascular calcification.",
        "Vitamin K at 4000 does not consistently prevent vascular calcification.",
    )
    assert load_knowledge(knowledge_copy).ok


def test_one_items_sources_lend_no_figures_to_the_next(knowledge_copy: Path) -> None:
    # The non-daily caution cites the article and Demay 2024, whose 600 the article lacks;
    # mgp, checked later, cites the article alone, so 600 is invented there.
    start = "Matrix Gla protein (MGP) is one of the proteins vitamin K2 activates."
    line = _edit(knowledge_copy, "topics/mgp.yaml", start, start + " About 600 of them.")
    assert _problems(knowledge_copy) == [
        f"topics/mgp.yaml:{line - 1}: topic 'mgp' short uses 600, which no source it cites contains"
    ]


def test_an_invented_figure_in_a_topics_long_answer_is_named_at_its_key(
    knowledge_copy: Path,
) -> None:
    line = _edit(
        knowledge_copy,
        "topics/mgp.yaml",
        "  The article names two proteins",
        "  In 37 trials, the article names two proteins",
    )
    assert _problems(knowledge_copy) == [
        f"topics/mgp.yaml:{line - 1}: topic 'mgp' long uses 37, which no source it cites contains"
    ]


def test_an_id_or_kind_that_is_not_the_first_key_is_named_at_its_line(
    knowledge_copy: Path,
) -> None:
    mgp = knowledge_copy / "topics" / "mgp.yaml"
    text = mgp.read_text(encoding="utf-8").replace("id: mgp\n", "", 1)
    mgp.write_text(text.replace("group:", "id: mgp-two\ngroup:", 1), encoding="utf-8")
    id_line = _edit(knowledge_copy, "topics/mgp.yaml", "id: mgp-two", "id: mgp-two")
    k2 = knowledge_copy / "bands" / "k2.yaml"
    text = k2.read_text(encoding="utf-8").replace("kind: k2\n", "", 1)
    k2.write_text(text.replace("domain:", "kind: dose\ndomain:", 1), encoding="utf-8")
    kind_line = _edit(knowledge_copy, "bands/k2.yaml", "kind: dose", "kind: dose")
    problems = _problems(knowledge_copy)
    assert f"bands/k2.yaml:{kind_line}: kind must be 'k2' in bands/k2.yaml" in problems
    assert f"topics/mgp.yaml:{id_line}: topic 'mgp-two' must live in mgp-two.yaml" in problems


def test_search_dose_questions_name_topics_that_exist(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy, "search.yaml", "  topics: [targets-disagree,", "  topics: [targets,"
    )
    assert _problems(knowledge_copy) == [f"search.yaml:{line}: unknown topic 'targets'"]


def test_search_dose_questions_dose_topics_name_topics_that_exist(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "search.yaml", "  dose_topics: [safety]", "  dose_topics: [safe]")
    assert _problems(knowledge_copy) == [f"search.yaml:{line}: unknown topic 'safe'"]


def _one_id_per_reference_field() -> list[tuple[str, int, str, str]]:
    """For each field marked `Ref` that the real knowledge uses (per file kind), its first
    id: the file, the id's line, the id, and the message an unknown id there gets."""
    found: dict[tuple[str | None, tuple[str, ...]], tuple[str, int, str, str]] = {}
    for path in sorted(KNOWLEDGE.rglob("*.yaml")):
        relative = path.relative_to(KNOWLEDGE).as_posix()
        data = parse_yaml(path.read_bytes(), path)
        model = KNOWLEDGE_KINDS[kind_of(relative) or ""][0].model_validate(data)
        for loc, kind, item in references(model):
            field = (kind_of(relative), tuple(part for part in loc if isinstance(part, str)))
            message = f"unknown {kind} 'no-such-id'"
            found.setdefault(field, (relative, line_at(data, loc), item, message))
    return sorted(found.values())


@pytest.mark.parametrize(("relative", "line", "item", "message"), _one_id_per_reference_field())
def test_an_unknown_id_in_any_reference_field_is_named_at_its_line(
    knowledge_copy: Path, relative: str, line: int, item: str, message: str
) -> None:
    path = knowledge_copy / relative
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1], replaced = re.subn(
        rf"(?<![\w-]){re.escape(item)}(?![\w-])", "no-such-id", lines[line - 1], count=1
    )
    assert replaced == 1, lines[line - 1]
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = _problems(knowledge_copy)
    assert any(problem.startswith(f"{relative}:{line}: {message}") for problem in problems)


def test_the_reference_fields_found_name_sources_cautions_and_topics_in_every_file_kind() -> None:
    """The cases above come from the knowledge itself: they must reach every kind of id and
    every kind of file that names one (an empty list would test nothing)."""
    cases = _one_id_per_reference_field()
    assert {message.split()[1] for *_, message in cases} == {"source", "caution", "topic"}
    files = {kind_of(relative) for relative, *_ in cases}
    assert files == {"ages", "bands", "cautions", "search", "topic", "units"}


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ("{amount:,}: {label}", "message 'dose.title' writes {amount:,}; write just {amount}"),
        ("{amount:d}: {label}", "message 'dose.title' writes {amount:d}; write just {amount}"),
        ("{amount!x}: {label}", "message 'dose.title' writes {amount!x}; write just {amount}"),
        (
            "{amount!a:<}: {label}",
            "message 'dose.title' writes {amount!a:<}; write just {amount}",
        ),
        (
            "{}: {label}",
            "message 'dose.title' writes {}; name what it holds: it can use: {amount}, {label}",
        ),
        (
            "{0}: {label}",
            "message 'dose.title' writes {0}; name what it holds: it can use: {amount}, {label}",
        ),
    ],
)
def test_a_placeholder_is_written_bare(template: str, said: str) -> None:
    """dk2 fills each placeholder with finished text, by name: a format spec, a conversion
    or a position would raise in the reply, not in the check ({0} is a figure too)."""
    assert [message for _, message in messages({"dose.title": template})][:1] == [said]


def test_a_placeholder_with_a_format_spec_is_named_at_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "messages.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'title: "{amount}: {label}"'
    path.write_text(text.replace(old, 'title: "{amount:,}: {label}"', 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    assert [str(p) for p in load_knowledge(knowledge_copy).problems] == [
        f"{path}:{line}: message 'dose.title' writes {{amount:,}}; write just {{amount}}"
    ]


def test_a_dose_domain_holds_every_amount_units_yaml_lets_through(knowledge_copy: Path) -> None:
    # 50000 IU a day is accepted (max_daily is 1000000): no band would hold it.
    line = _edit(knowledge_copy, "bands/dose.yaml", 'domain: "(0, inf)"', 'domain: "(0, 20000]"')
    _edit(knowledge_copy, "bands/dose.yaml", 'range: "(10000, inf)"', 'range: "(10000, 20000]"')
    assert _problems(knowledge_copy) == [
        f"bands/dose.yaml:{line}: the domain (0, 20000] leaves out units.yaml's vitamin_d"
        " max_daily, 1000000, which dk2 accepts: end it at inf (or at 1000000, included)"
    ]


def test_a_k2_domain_holds_the_smallest_amount_dk2_accepts(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "bands/k2.yaml", 'domain: "(0, inf)"', 'domain: "[2, inf)"')
    _edit(knowledge_copy, "bands/k2.yaml", 'range: "(0, 90)"', 'range: "[2, 90)"')
    assert _problems(knowledge_copy) == [
        f"bands/k2.yaml:{line}: the domain [2, inf) leaves out units.yaml's k2 min_daily, 0.01,"
        " which dk2 accepts: start it at 0"
    ]


def test_a_level_domain_holds_every_result_up_to_max_ng_ml(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "bands/level.yaml", 'domain: "(0, inf)"', 'domain: "(0, 500]"')
    _edit(knowledge_copy, "bands/level.yaml", 'range: "(150, inf)"', 'range: "(150, 500]"')
    _edit(knowledge_copy, "bands/level.yaml", '"(375, inf)"', '"(375, 1248]"')
    assert _problems(knowledge_copy) == [
        f"bands/level.yaml:{line}: the domain (0, 500] leaves out units.yaml's level max_ng_ml,"
        " 1000, which dk2 accepts: end it at inf (or at 1000, included)"
    ]


def test_nmol_ranges_tile_the_domain_in_nmol_per_litre(knowledge_copy: Path) -> None:
    """500 ng/mL is 1248 nmol/L (units.yaml's divisor 2.496), not 500 nmol/L."""
    _edit(knowledge_copy, "units.yaml", "max_ng_ml: 1000", "max_ng_ml: 500")
    _edit(knowledge_copy, "bands/level.yaml", 'domain: "(0, inf)"', 'domain: "(0, 500]"')
    _edit(knowledge_copy, "bands/level.yaml", 'range: "(150, inf)"', 'range: "(150, 500]"')
    _edit(knowledge_copy, "bands/level.yaml", '"(375, inf)"', '"(375, 1248]"')
    assert load_knowledge(knowledge_copy).ok
    line = _edit(knowledge_copy, "bands/level.yaml", '"(375, 1248]"', '"(375, 500]"')
    bands = 13  # the line of `bands:`, where a band table's tiling is reported
    assert line > bands
    assert _problems(knowledge_copy) == [
        f"bands/level.yaml:{bands}: nmol_range: band 'toxic' ends at (375, 500] but the domain"
        " (0, 1248] ends there"
    ]


def test_ages_yaml_needs_the_age_units_to_read_an_age(knowledge_copy: Path) -> None:
    text = (knowledge_copy / "units.yaml").read_text(encoding="utf-8")
    start = text.index("\nage:\n")
    end = text.index("\n\n", start + 1)
    (knowledge_copy / "units.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    first = text.index("vitamin_d:")  # a mapping's problem is named at its first key
    assert _problems(knowledge_copy) == [
        f"units.yaml:{text[:first].count(chr(10)) + 1}: units.yaml needs its 'age' section (how"
        " /dk2 dose reads age:, in months): ages.yaml gives limits by age"
    ]


def test_a_conversion_is_one_each_of_its_sources_states(knowledge_copy: Path) -> None:
    """IOM 2011 holds a 4 ("4 years"), not as IU per µg: fda, cited too, holds only 40."""
    mcg = _edit(knowledge_copy, "units.yaml", "      factor: 40\n", "      factor: 4\n")
    nmol = _edit(knowledge_copy, "units.yaml", "divisor: 2.496", "divisor: 2.5")
    d2 = _edit(knowledge_copy, "units.yaml", "    sources: [d2-labels]", "    sources: [d2-labels]")
    mk4 = _edit(knowledge_copy, "units.yaml", "pharmacological_mg: 45", "pharmacological_mg: 46")
    assert _problems(knowledge_copy) == [
        f"units.yaml:{mcg}: the factor of vitamin_d unit 'mcg' is 4, which fda doesn't state",
        f"units.yaml:{nmol}: the divisor of level unit 'nmol/l' is 2.5, which iom-2011 doesn't"
        " state",
        f"units.yaml:{d2}: D2's IU per µg is 4 (the mcg factor), which d2-labels doesn't state",
        f"units.yaml:{mk4}: reading's mk4 pharmacological_mg uses 46, which no source it cites"
        " contains",
    ]


def test_a_band_label_and_gauge_state_only_their_sources_figures(knowledge_copy: Path) -> None:
    """The label is the reply's headline: "safe up to 50000 IU a day" stands in no source."""
    label = _edit(
        knowledge_copy,
        "bands/k2.yaml",
        "label: ",
        "label: safe up to 50000 µg a day, ",
    )
    assert _problems(knowledge_copy) == [
        f"bands/k2.yaml:{label}: k2 band 'low' label uses 50000, which no source it cites contains"
    ]


def test_a_topic_title_states_only_its_sources_figures(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "topics/mgp.yaml", "title: Matrix Gla", "title: 12345 Matrix Gla")
    assert _problems(knowledge_copy) == [
        f"topics/mgp.yaml:{line}: topic 'mgp' title uses 12345, which no source it cites contains"
    ]


def test_an_age_verdict_states_no_figure(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy,
        "ages.yaml",
        "label: above the upper limit for this age",
        "label: above 4000 IU, the upper limit for this age",
    )
    assert _problems(knowledge_copy) == [
        f"ages.yaml:{line}: the above verdict's label states 4000; it cites no source, so no figure"
    ]
