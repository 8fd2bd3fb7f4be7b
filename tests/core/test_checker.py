"""The checker catches each kind of broken knowledge, naming the file and the line."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.loader import load_knowledge

REPO = Path(__file__).resolve().parents[2]


def _break(root: Path, relative: str, old: str, new: str) -> int:
    """Replace `old` with `new` in one knowledge file; return the line the edit starts on."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


# Where each problem must be reported: AT_EDIT + n is n lines after the edited line; a
# plain number is an absolute line (a problem that belongs to a whole mapping or table).
# Line 1 of every knowledge YAML names its JSON Schema, so a file's first key is on line 2.
AT_EDIT = 1000

CASES = [
    # (what, file, old, new, line, message fragment)
    ("bad yaml", "topics/mgp.yaml", "title: Matrix", "title: [Matrix", AT_EDIT + 1, "invalid YAML"),
    (
        "missing key",
        "topics/mgp.yaml",
        "title: Matrix Gla protein (MGP)\n",
        "",
        2,
        "missing required key 'title'",
    ),
    (
        "unknown key",
        "topics/mgp.yaml",
        "group:",
        "groop:",
        AT_EDIT,
        "unknown key 'groop'; did you mean 'group'?",
    ),
    (
        "quote not verbatim",
        "topics/mgp.yaml",
        "Without adequate vitamin K2, these",
        "Without enough vitamin K2, these",
        AT_EDIT,
        "quote not found verbatim",
    ),
    (
        "unknown section",
        "topics/mgp.yaml",
        "section: What Vitamin K2 Does",
        "section: What K2 Does",
        AT_EDIT,
        "not a heading of article.md",
    ),
    (
        "related missing",
        "topics/mgp.yaml",
        "related: [vitamin-k2,",
        "related: [vitamin-k3,",
        AT_EDIT,
        "related topic 'vitamin-k3'",
    ),
    (
        "duplicate alias",
        "topics/mgp.yaml",
        "aliases: [matrix gla protein,",
        "aliases: [k2, matrix gla protein,",
        AT_EDIT,
        "alias 'k2' names both 'mgp' and 'vitamin-k2'",
    ),
    (
        "invented figure",
        "topics/mgp.yaml",
        "stays inactive.",
        "stays inactive 37% of the time.",
        AT_EDIT - 3,
        "uses 37",
    ),
    (
        "id not file name",
        "topics/mgp.yaml",
        "id: mgp",
        "id: mgp-protein",
        AT_EDIT,
        "must live in mgp-protein.yaml",
    ),
    (
        "reference without refs",
        "topics/warfarin.yaml",
        "refs: [nih-ods, schurgers-2007, nutr-rev-2005, anticoagulants-2016]",
        "refs: []",
        AT_EDIT - 1,
        "must name its 'refs'",
    ),
    (
        "unknown source",
        "topics/warfarin.yaml",
        "refs: [nih-ods, schurgers-2007, nutr-rev-2005, anticoagulants-2016]",
        "refs: [nih-ods, webmd]",
        AT_EDIT,
        "unknown source 'webmd'",
    ),
    (
        "band gap",
        "bands/k2.yaml",
        'range: "[90, 200]"',
        'range: "(90, 200]"',
        8,
        "neither 'low' nor 'typical' includes 90",
    ),
    ("band overlap", "bands/k2.yaml", 'range: "(0, 90)"', 'range: "(0, 95)"', 8, "overlap"),
    (
        "band misses domain",
        "bands/k2.yaml",
        'range: "(200, inf)"',
        'range: "(200, 5000]"',
        8,
        "ends at",
    ),
    (
        "bad interval",
        "bands/k2.yaml",
        'range: "(0, 90)"',
        'range: "0 to 90"',
        AT_EDIT,
        "not interval notation",
    ),
    (
        "unknown caution",
        "bands/k2.yaml",
        "cautions: [warfarin]",
        "cautions: [warfrin]",
        AT_EDIT,
        "unknown caution 'warfrin'",
    ),
    (
        "unknown placeholder",
        "messages.yaml",
        'title: "{amount}: {label}"',
        'title: "{amount}: {lable}"',
        AT_EDIT,
        "uses {lable}",
    ),
    (
        "figure in a message",
        "messages.yaml",
        "Add `k2:100` (micrograms)",
        "Add 100 micrograms",
        AT_EDIT,
        "states a figure",
    ),
    # Beyond the checker's first eighteen: a wrong type deep in a band table, an unknown key
    # in a nested mapping, and a schema-valid file breaking a rule that spans files.
    (
        "wrong type deep in a band table",
        "bands/dose.yaml",
        "refs: [iom-2011]",
        "refs: iom-2011",
        AT_EDIT,
        "'refs' must be a list",
    ),
    (
        "unknown nested key",
        "bands/k2.yaml",
        "section: Practical Recommendations",
        "sektion: Practical Recommendations",
        AT_EDIT,
        "unknown key 'sektion'; did you mean 'section'?",
    ),
    (
        "band points to a missing topic",
        "bands/level.yaml",
        "topics: [testing, dosing, vitamin-d]",
        "topics: [testing, dosing, vitamin-e]",
        AT_EDIT,
        "unknown topic 'vitamin-e'",
    ),
    (
        "unknown warning",
        "bands/level.yaml",
        "warning: toxicity\n",
        "warning: toxicityx\n",
        AT_EDIT,
        "unknown caution 'toxicityx' as warning",
    ),
    (
        "nmol ranges with a gap",
        "bands/level.yaml",
        'nmol_range: "(125, 375]"',
        'nmol_range: "(130, 375]"',
        13,
        "nmol_range: gap",
    ),
    (
        "age limit its source lacks",
        "ages.yaml",
        "ul: 2500",
        "ul: 2400",
        AT_EDIT,
        "uses 2400, which no source it cites contains",
    ),
    ("age groups with a gap", "ages.yaml", '"[48, 108)"', '"[50, 108)"', 15, "scale 'iom'"),
    (
        "topic names an unknown caution",
        "topics/vitamin-k2.yaml",
        "cautions: [check-first]",
        "cautions: [check-frist]",
        AT_EDIT,
        "unknown caution 'check-frist'",
    ),
    (
        "K2 form spelling the parser can't read past",
        "units.yaml",
        "menatetrenone, of mk-4]",
        "menatetrenone, mk-four]",
        AT_EDIT,
        "form spelling 'mk-four' isn't a filler",
    ),
    (
        "a caution the code attaches is missing",
        "cautions.yaml",
        "  - id: non-daily",
        "  - id: not-daily",
        6,
        "cautions the code attaches are missing",
    ),
    (
        "gauge mark figure not in its source",
        "bands/level.yaml",
        "at: [12, 20, 50]",
        "at: [12, 25, 50]",
        AT_EDIT - 1,
        "gauge mark uses 25, which no source it cites contains",
    ),
    (
        "gauge mark with neither cut-points nor range",
        "bands/level.yaml",
        '    range: "[30, 50]"\n    section:',
        "    section:",
        AT_EDIT - 1,
        "either 'at' (cut-points) or 'range'",
    ),
    (
        "a reference figure citing the article",
        "bands/dose.yaml",
        "refs: [iom-2011]",
        "refs: [iom-2011, article]",
        AT_EDIT,
        "reference figures must not cite the article",
    ),
    (
        "gauge mark with an open range",
        "bands/level.yaml",
        'range: "[30, 50]"\n    section:',
        'range: "[30, inf)"\n    section:',
        AT_EDIT,
        "a gauge mark's range must be finite",
    ),
    (
        "gauge mark outside the domain",
        "bands/level.yaml",
        "at: [12, 20, 50]",
        "at: [-12, 20, 50]",
        AT_EDIT - 1,
        "outside the domain",
    ),
]


@pytest.mark.parametrize(
    ("what", "file", "old", "new", "line", "fragment"), CASES, ids=[c[0] for c in CASES]
)
def test_checker_names_file_and_line(
    knowledge_copy: Path, what: str, file: str, old: str, new: str, line: int, fragment: str
) -> None:
    edited = _break(knowledge_copy, file, old, new)
    expected = edited + line - AT_EDIT if line >= AT_EDIT - 100 else line
    result = load_knowledge(knowledge_copy)
    assert result.knowledge is None, f"{what}: the broken knowledge was accepted"
    matching = [
        p for p in result.problems if p.path.name == Path(file).name and fragment in p.message
    ]
    assert matching, (
        f"{what}: no problem mentioning {fragment!r}: {list(map(str, result.problems))}"
    )
    assert any(p.line == expected for p in matching), [str(p) for p in matching]


def test_duplicate_topic_id_is_caught(knowledge_copy: Path) -> None:
    text = (knowledge_copy / "topics" / "mgp.yaml").read_text(encoding="utf-8")
    (knowledge_copy / "topics" / "mgp-copy.yaml").write_text(text, encoding="utf-8")
    problems = [str(p) for p in load_knowledge(knowledge_copy).problems]
    assert any("mgp-copy.yaml:2:" in p and "must live in mgp.yaml" in p for p in problems)


def test_missing_file_is_named(knowledge_copy: Path) -> None:
    (knowledge_copy / "cautions.yaml").unlink()
    problems = load_knowledge(knowledge_copy).problems
    assert any(p.path.name == "cautions.yaml" and "missing" in p.message for p in problems)


def test_yaml_tags_are_not_executed(knowledge_copy: Path) -> None:
    _break(
        knowledge_copy,
        "topics/mgp.yaml",
        "title: Matrix Gla protein (MGP)",
        "title: !!python/object/apply:os.system ['true']",
    )
    result = load_knowledge(knowledge_copy)
    assert result.knowledge is None
    assert any("invalid YAML" in p.message for p in result.problems)


def test_the_real_knowledge_base_passes(kb: object) -> None:
    assert kb is not None


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(path), "check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_check_command_exit_codes(knowledge_copy: Path) -> None:
    ok = _check(knowledge_copy)
    assert ok.returncode == 0, ok.stderr
    assert "knowledge OK" in ok.stdout
    _break(knowledge_copy, "bands/k2.yaml", 'range: "[90, 200]"', 'range: "(90, 200]"')
    broken = _check(knowledge_copy)
    assert broken.returncode == 2
    assert f"{knowledge_copy / 'bands' / 'k2.yaml'}:8:" in broken.stderr


def test_a_file_that_is_not_utf8_is_named(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics" / "mgp.yaml"
    path.write_bytes(path.read_bytes().replace(b"Matrix Gla", b"Matrix \xff Gla", 1))
    problems = load_knowledge(knowledge_copy).problems
    assert any(p.path == path and "not UTF-8" in p.message for p in problems)


def test_version_changes_with_any_knowledge_file(knowledge_copy: Path) -> None:
    before = load_knowledge(knowledge_copy).knowledge
    readme = knowledge_copy / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    after = load_knowledge(knowledge_copy).knowledge
    assert before is not None and after is not None
    assert before.version != after.version


def test_every_problem_in_every_file_is_reported_at_once(knowledge_copy: Path) -> None:
    edits = [
        ("topics/mgp.yaml", "group:", "groop:"),
        ("bands/dose.yaml", "refs: [iom-2011]", "refs: iom-2011"),
        ("bands/k2.yaml", 'range: "[90, 200]"', 'range: "(90, 200]"'),
        ("units.yaml", "days: 7", "days: seven"),
        ("messages.yaml", 'title: "{amount}: {label}"', 'title: "{amount}: {lable}"'),
    ]
    expected = {
        (Path(file).name, _break(knowledge_copy, file, old, new)) for file, old, new in edits
    }
    problems = load_knowledge(knowledge_copy).problems
    found = {(p.path.name, p.line) for p in problems}
    # The band gap belongs to the whole table: it is reported at the table's `bands:` key.
    assert expected - found == {
        ("k2.yaml", _line_of(knowledge_copy / "bands/k2.yaml", "(90, 200]"))
    }
    assert ("k2.yaml", _line_of(knowledge_copy / "bands/k2.yaml", "bands:")) in found


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_messages_say_what_to_type(knowledge_copy: Path) -> None:
    _break(knowledge_copy, "topics/mgp.yaml", "group: How calcium is handled", "group: Calcium")
    _break(knowledge_copy, "bands/k2.yaml", 'colour: "#95a5a6"', "colour: 95a5a6")
    _break(knowledge_copy, "units.yaml", "max_input_chars: 200", "max_input_chars: lots")
    _break(knowledge_copy, "search.yaml", "max_suggestions: 3", "max_suggestions: 30")
    _break(knowledge_copy, "topics/rda.yaml", "title: ", "title: " + "Very " * 20)
    _break(knowledge_copy, "sources.yaml", "name: IOM 2011", "name: '  '")
    messages = [p.message for p in load_knowledge(knowledge_copy).problems]
    assert any(
        m.startswith("'title' is 1") and m.endswith("characters; at most 100") for m in messages
    )
    assert "'name' must be non-empty text" in messages
    assert any(
        m.startswith("'group' is 'Calcium'; it must be one of: 'Basics', ") for m in messages
    )
    assert """colour '95a5a6' must be like "#27ae60\"""" in messages
    assert "'max_input_chars' must be a whole number" in messages
    assert "'max_suggestions' must be at most 25" in messages


def test_reading_words_name_sources_that_exist(knowledge_copy: Path) -> None:
    line = _break(
        knowledge_copy, "units.yaml", "compare_sources: [d3-vs-d2]", "compare_sources: [d3-d2]"
    )
    problems = load_knowledge(knowledge_copy).problems
    assert [(p.path.name, p.line) for p in problems if "unknown source 'd3-d2'" in p.message] == [
        ("units.yaml", line)
    ]


def test_reading_counts_are_whole_numbers(knowledge_copy: Path) -> None:
    line = _break(knowledge_copy, "units.yaml", "max_count: 20", "max_count: 0")
    problems = load_knowledge(knowledge_copy).problems
    assert any(p.path.name == "units.yaml" and p.line == line for p in problems)


def test_a_symlink_leaving_the_knowledge_folder_is_refused(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "secret.yaml"
    mgp = knowledge_copy / "topics" / "mgp.yaml"
    secret.write_text(mgp.read_text(encoding="utf-8"), encoding="utf-8")
    mgp.unlink()
    mgp.symlink_to(secret)
    result = load_knowledge(knowledge_copy)
    assert result.knowledge is None
    (problem,) = [p for p in result.problems if p.path.name == "mgp.yaml"]
    assert str(problem).startswith(f"{mgp}:1: ")
    assert "outside the knowledge folder" in problem.message


def test_a_symlink_inside_the_knowledge_folder_is_fine(knowledge_copy: Path) -> None:
    mgp = knowledge_copy / "topics" / "mgp.yaml"
    real = knowledge_copy / "topics" / "mgp.yaml.real"
    mgp.rename(real)
    mgp.symlink_to(real)
    result = load_knowledge(knowledge_copy)
    assert result.knowledge is not None, result.problems


def test_a_file_breaking_its_own_rules_is_still_checked_across_files(knowledge_copy: Path) -> None:
    _break(knowledge_copy, "bands/k2.yaml", 'range: "[90, 200]"', 'range: "(90, 200]"')
    line = _break(knowledge_copy, "bands/k2.yaml", "cautions: [warfarin]", "cautions: [warfrin]")
    problems = [p for p in load_knowledge(knowledge_copy).problems if p.path.name == "k2.yaml"]
    assert any("neither 'low' nor 'typical' includes 90" in p.message for p in problems)
    assert [p.line for p in problems if "unknown caution 'warfrin'" in p.message] == [line]


def test_loading_leaves_the_garbage_collector_as_it_was(knowledge_copy: Path) -> None:
    """A load pauses collection while it reads, and never leaves it off (or turns it on)."""
    assert gc.isenabled()
    assert load_knowledge(knowledge_copy).ok and gc.isenabled()
    (knowledge_copy / "units.yaml").write_text("not: [closed\n", encoding="utf-8")
    assert not load_knowledge(knowledge_copy).ok and gc.isenabled()
    gc.disable()
    try:
        load_knowledge(knowledge_copy)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_questions_dk2_must_refuse_are_loaded_one_per_line(knowledge_copy: Path) -> None:
    """questions.yaml's off_topic block is what search learns to refuse from: each line one
    question, blank lines skipped, spaces around a question dropped."""
    path = knowledge_copy / "questions.yaml"
    text = path.read_text(encoding="utf-8")
    block = "off_topic: |-\n  what's the capital of peru\n\n    how do i fix my bike  \n"
    path.write_text(text[: text.index("off_topic:")] + block, encoding="utf-8")
    knowledge = load_knowledge(knowledge_copy).knowledge
    assert knowledge is not None
    assert knowledge.off_topic == ("what's the capital of peru", "how do i fix my bike")


KNOWN = (
    "ages.yaml, bands/dose.yaml, bands/k2.yaml, bands/level.yaml, cautions.yaml, messages.yaml,"
    " questions.yaml, search.yaml, sources.yaml, units.yaml, article.md, topics/<id>.yaml,"
    " schema/*.json"
)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("topics/newtopic.yml", "not read: knowledge files end in .yaml; rename it newtopic.yaml"),
        ("units.YAML", "not read: knowledge files end in .yaml; rename it units.yaml"),
        ("topics/sub/x.yaml", "not read: a topic is topics/<id>.yaml; move it to topics/x.yaml"),
        (
            "bands/foo.yaml",
            "not read: the band tables are bands/dose.yaml, bands/k2.yaml, bands/level.yaml,"
            " and no others",
        ),
        ("topic.yaml", "not read: each topic is a file of its own, topics/<id>.yaml"),
        ("notes.json", f"unexpected file, not read: dk2 reads {KNOWN}"),
        ("schema/extra.yaml", f"unexpected file, not read: dk2 reads {KNOWN}"),
    ],
)
def test_a_knowledge_file_dk2_would_not_read_is_named(
    knowledge_copy: Path, name: str, said: str
) -> None:
    path = knowledge_copy / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((knowledge_copy / "topics" / "mgp.yaml").read_text(encoding="utf-8"))
    assert [str(p) for p in load_knowledge(knowledge_copy).problems] == [f"{path}:1: {said}"]


def test_the_files_beside_the_knowledge_are_not_named(knowledge_copy: Path) -> None:
    """Notes, the schemas, and an editor's swap, backup and autosave files."""
    for name in (
        "topics/README.md",
        "notes.md",
        ".mgp.yaml.swp",
        "topics/.#mgp.yaml",
        "topics/mgp.yaml~",
        "topics/#mgp.yaml#",
        "notes.txt",
    ):
        (knowledge_copy / name).write_text("x", encoding="utf-8")
    (knowledge_copy / "topics" / ".#rda.yaml").symlink_to("curator@host.1234")  # Emacs' lock
    result = load_knowledge(knowledge_copy)
    assert result.ok, [str(p) for p in result.problems]


def test_a_symlink_to_nothing_is_named(knowledge_copy: Path) -> None:
    ghost = knowledge_copy / "topics" / "ghost.yaml"
    ghost.symlink_to("nothere.yaml")
    assert [str(p) for p in load_knowledge(knowledge_copy).problems] == [
        f"{ghost}:1: a symlink to nothere.yaml, which does not exist; not read"
    ]


def test_a_synonym_yaml_reads_as_false_is_refused_at_its_line(knowledge_copy: Path) -> None:
    line = _break(knowledge_copy, "search.yaml", "  hw: how\n", "  hw: how\n  no: not\n") + 1
    path = knowledge_copy / "search.yaml"
    assert [str(p) for p in load_knowledge(knowledge_copy).problems] == [
        f"{path}:{line}: the key 'no' is read as false: quote it (YAML reads a bare yes, no, on"
        " or off as true/false)"
    ]
