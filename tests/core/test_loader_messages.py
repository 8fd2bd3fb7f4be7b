"""What the loader tells a curator for each kind of malformed value: the whole `file:line:
message`, naming the key (or the entry of a list), the value given and what to write instead;
limits from both sides."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic_core import ErrorDetails

from bot.core.loader import _allowed, _message, default_knowledge_path, load_knowledge
from bot.core.model import BandTable, Topic

MGP = "topics/mgp.yaml"
TOPIC_KEYS = "aliases, cautions, examples, group, id, keywords, long, related, short, source, title"


def _edit(root: Path, relative: str, old: str, new: str) -> int:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _problems(root: Path) -> list[str]:
    result = load_knowledge(root)
    return [f"{p.path.relative_to(root).as_posix()}:{p.line}: {p.message}" for p in result.problems]


TITLE = "title: Matrix Gla protein (MGP)"

CASES = [
    # (file, old, new, message)
    (MGP, TITLE, "title: 5", "'title' must be text: quote it (YAML reads 5 unquoted as a number)"),
    # A bare `no` is YAML's false, not the word
    (
        "search.yaml",
        'negations: ["no", ',
        "negations: [no, ",
        "entry 1 of 'negations' must be text: quote it (YAML reads a bare yes, no, on or off as "
        "true/false)",
    ),
    (MGP, TITLE, 'title: ""', "'title' must be non-empty text"),
    (MGP, TITLE, "title: " + "t" * 101, "'title' is 101 characters; at most 100"),
    # The length counted is the text's as shown: runs of spaces count once.
    (MGP, TITLE, "title: '" + "t  " * 49 + "ttt'", "'title' is 101 characters; at most 100"),
    (
        MGP,
        "aliases: [matrix gla protein, matrix gla, mgp protein, mgp]",
        "aliases: mgp",
        "'aliases' must be a list",
    ),
    (MGP, "id: mgp", "id: MGP", "'id' is 'MGP'; it must be lowercase a-z, 0-9 and '-'"),
    (
        MGP,
        "kind: article",
        "kind: book",
        "'kind' is 'book'; it must be 'article' or 'reference'",
    ),
    (MGP, TITLE, "zzzzz: 1\n" + TITLE, f"unknown key 'zzzzz' (allowed: {TOPIC_KEYS})"),
    (
        "search.yaml",
        "max_suggestions: 3",
        "max_suggestions: 0",
        "'max_suggestions' must be at least 1",
    ),
    (
        "search.yaml",
        "max_suggestions: 3",
        "max_suggestions: 26",
        "'max_suggestions' must be at most 25",
    ),
    (
        "search.yaml",
        "max_suggestions: 3",
        "max_suggestions: 2.5",
        "'max_suggestions' must be a whole number",
    ),
    (
        "search.yaml",
        "max_suggestions: 3",
        "max_suggestions: '3'",
        "'max_suggestions' must be a whole number",
    ),
    ("units.yaml", "factor: 40\n", "factor: 0\n", "'factor' must be more than 0"),
    ("units.yaml", "factor: 40\n", "factor: '40'\n", "'factor' must be a number"),
    # What YAML made of a value written unquoted, and how to write it.
    (
        "bands/k2.yaml",
        'range: "(0, 90)"',
        "range: [0, 90]",
        """'range' must be quoted: write "[0, 90]", or YAML reads it as a list""",
    ),
    (
        "bands/k2.yaml",
        'colour: "#95a5a6"',
        "colour: #95a5a6",
        """'colour' is empty: quote it, as in "#27ae60" (an unquoted # starts a YAML comment)""",
    ),
    (
        MGP,
        TITLE,
        "title: 2024-01-01",
        "'title' must be text: quote it (YAML reads 2024-01-01 unquoted as a date)",
    ),
    (
        MGP,
        TITLE,
        "title: 12.5",
        "'title' must be text: quote it (YAML reads 12.5 unquoted as a number)",
    ),
    (MGP, TITLE, "title:", "'title' is empty: write its text after the colon"),
    # A double-quoted escape writes a control character YAML refuses written raw.
    (
        MGP,
        TITLE,
        'title: "Matrix\\0 Gla"',
        "'title' must not hold the control character U+0000: remove it (a \\ escape wrote it)",
    ),
    (
        "sources.yaml",
        "name: IOM 2011",
        'name: "\\e[31mIOM 2011"',
        "'name' must not hold the control character U+001B: remove it (a \\ escape wrote it)",
    ),
    # A mapping's key is named as such (pydantic calls it '[key]').
    (
        "questions.yaml",
        "  cautions: |-",
        "  Cautions: |-",
        "the key 'Cautions' must be lowercase a-z, 0-9 and '-'",
    ),
    # The answer gate's numbers are numbers like every other: no list, bool or quoted text.
    ("search.yaml", "  bias: -3.8314", "  bias: [1]", "'bias' must be a number"),
    ("search.yaml", "  bias: -3.8314", "  bias: yes", "'bias' must be a number"),
    ("search.yaml", "  bias: -3.8314", '  bias: "-3.8"', "'bias' must be a number"),
    ("search.yaml", "{learnt: 5.1227,", "{learnt: true,", "'learnt' must be a number"),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), CASES)
def test_each_malformed_value_is_named_with_what_to_write(
    knowledge_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    line = _edit(knowledge_copy, file, old, new)
    assert _problems(knowledge_copy) == [f"{file}:{line}: {message}"]


@pytest.mark.parametrize(("value", "ok"), [(1, True), (25, True), (0, False), (26, False)])
def test_max_suggestions_limits_from_both_sides(knowledge_copy: Path, value: int, ok: bool) -> None:
    _edit(knowledge_copy, "search.yaml", "max_suggestions: 3", f"max_suggestions: {value}")
    assert load_knowledge(knowledge_copy).ok is ok


@pytest.mark.parametrize(("length", "ok"), [(100, True), (101, False)])
def test_a_title_at_its_limit(knowledge_copy: Path, length: int, ok: bool) -> None:
    _edit(knowledge_copy, MGP, TITLE, "title: " + "t" * length)
    assert load_knowledge(knowledge_copy).ok is ok


def test_a_missing_key_inside_a_list_names_the_entry(knowledge_copy: Path) -> None:
    start = _edit(knowledge_copy, "cautions.yaml", "  - id: k2-evidence\n", "  - id: k2-evidence\n")
    _edit(knowledge_copy, "cautions.yaml", "    refs: [vlasschaert-2020]\n", "")
    assert _problems(knowledge_copy) == [
        f"cautions.yaml:{start}: missing required key 'refs' in entry 5 of 'cautions'"
    ]


def test_a_wrong_entry_in_a_list_is_named_by_its_place(knowledge_copy: Path) -> None:
    quote = '    - "Without adequate vitamin K2, these proteins remain inactive."'
    line = _edit(knowledge_copy, MGP, quote, "    - [a list, not a quote]")
    assert _problems(knowledge_copy) == [f"{MGP}:{line}: entry 2 of 'quotes' must be text"]


def test_a_mapping_where_text_belongs_and_text_where_a_mapping_belongs(
    knowledge_copy: Path,
) -> None:
    line = _edit(
        knowledge_copy, MGP, "source:\n  kind: article", "source: the article\nx:\n  kind: article"
    )
    problems = _problems(knowledge_copy)
    assert f"{MGP}:{line}: 'source' must be a mapping (key: value lines)" in problems


def test_a_file_that_is_not_a_mapping(knowledge_copy: Path) -> None:
    (knowledge_copy / "search.yaml").write_text("- a list\n", encoding="utf-8")
    assert _problems(knowledge_copy) == [
        "search.yaml:1: the file must be a mapping (key: value lines)"
    ]


def test_an_unknown_key_inside_a_list_of_mappings_lists_that_mappings_keys(
    knowledge_copy: Path,
) -> None:
    line = _edit(knowledge_copy, "bands/level.yaml", "    gauge: ", "    gauje: ")
    problems = _problems(knowledge_copy)
    assert problems[1] == (
        f"bands/level.yaml:{line}: unknown key 'gauje'; did you mean 'gauge'? (allowed: article,"
        " cautions, colour, gauge, id, k2, label, nmol_range, range, references, topics, warning)"
    )


def test_an_unknown_key_in_an_optional_mapping_lists_its_keys(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "bands/dose.yaml", "      with_amount:", "      with_amounts:")
    assert (
        f"bands/dose.yaml:{line}: unknown key 'with_amounts'; did you mean 'with_amount'?"
        " (allowed: pairing, quotes, text, with_amount)"
    ) in _problems(knowledge_copy)


def test_an_unknown_key_in_a_mapping_of_a_mapping(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, MGP, "  kind: article", "  kind: article\n  zzz: 1")
    assert _problems(knowledge_copy) == [
        f"{MGP}:{line + 1}: unknown key 'zzz' (allowed: kind, quotes, refs, section)"
    ]


def test_a_band_id_names_its_own_pattern(knowledge_copy: Path) -> None:
    line = _edit(knowledge_copy, "bands/level.yaml", "  - id: goal\n", "  - id: Goal\n")
    assert _problems(knowledge_copy)[0] == (
        f"bands/level.yaml:{line}: 'id' is 'Goal'; it must be lowercase a-z, 0-9 and '_',"
        " starting with a letter"
    )


def test_a_list_too_short_says_how_many(knowledge_copy: Path) -> None:
    line = _edit(
        knowledge_copy, "units.yaml", "    - names: [iu, i.u., ui, units, unit]", "    - names: []"
    )
    assert _problems(knowledge_copy) == [f"units.yaml:{line}: 'names' must list at least 1 entry"]


def test_missing_folder_file_article_headings_and_topics(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    result = load_knowledge(tmp_path / "nowhere")
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'nowhere'}:0: knowledge folder not found"
    ]
    (knowledge_copy / "cautions.yaml").unlink()
    (knowledge_copy / "article.md").write_text("No headings here.\n", encoding="utf-8")
    for topic in (knowledge_copy / "topics").glob("*.yaml"):
        topic.unlink()
    problems = _problems(knowledge_copy)
    for expected in (
        "article.md:1: the article has no section headings",
        "cautions.yaml:0: file is missing",
        "topics:0: no topic files (topics/*.yaml)",
    ):
        assert expected in problems


def test_a_missing_article_is_named(knowledge_copy: Path) -> None:
    (knowledge_copy / "article.md").unlink()
    assert "article.md:0: file is missing" in _problems(knowledge_copy)


def test_a_file_not_in_utf8_names_the_byte(knowledge_copy: Path) -> None:
    path = knowledge_copy / MGP
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Matrix Gla", b"Matrix \xff Gla", 1))
    at = data.index(b"Matrix Gla") + len(b"Matrix ")
    line = data[:at].count(b"\n") + 1  # the line the byte is on, as for any other problem
    assert line > 1
    assert _problems(knowledge_copy) == [
        f"{MGP}:{line}: cannot read file: not UTF-8 (invalid start byte at byte {at})"
    ]


def test_a_file_saved_as_utf16_is_named_as_not_utf8(knowledge_copy: Path) -> None:
    path = knowledge_copy / MGP
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert _problems(knowledge_copy) == [
        f"{MGP}:1: cannot read file: not UTF-8 (invalid start byte at byte 0)"
    ]


def test_problems_are_listed_by_file_then_line(knowledge_copy: Path) -> None:
    late = _edit(knowledge_copy, MGP, "related: [vitamin-k2,", "related: [k3,")
    early = _edit(knowledge_copy, MGP, "section: What Vitamin K2 Does", "section: Nowhere")
    _edit(knowledge_copy, "search.yaml", "safety_first: [warfarin,", "safety_first: [warfrin,")
    problems = _problems(knowledge_copy)
    assert [p.split(": ", 1)[0] for p in problems] == [
        "search.yaml:" + problems[0].split(":")[1],
        f"{MGP}:{early}",
        f"{MGP}:{late}",
    ]


def test_a_clean_load_builds_the_whole_knowledge_base(knowledge_copy: Path) -> None:
    first = load_knowledge(knowledge_copy)
    again = load_knowledge(knowledge_copy)
    kb = first.knowledge
    assert first.ok and first.problems == () and kb is not None and again.knowledge is not None
    assert kb.version == again.knowledge.version and len(kb.version) == 12
    assert set(kb.bands) == {"dose", "k2", "level"} and kb.bands["k2"].kind == "k2"
    assert kb.sections[0] and kb.article.startswith("#")
    assert kb.sources["iom-2011"].name == "IOM 2011" and kb.cautions["mk-4"].refs == ("sato-2012",)
    assert "matrix gla protein" in kb.topics["mgp"].aliases
    assert kb.ages is not None and kb.ages.adult_from == 132
    assert kb.search.max_suggestions == 3 and kb.units.vitamin_d.base_unit == "IU"
    assert kb.messages.get("reload.none") == "none"
    assert (kb.loaded_at - datetime.now(UTC)).total_seconds() < 5 and kb.loaded_at.tzinfo == UTC


def test_the_version_covers_names_and_bytes(knowledge_copy: Path) -> None:
    before = load_knowledge(knowledge_copy).knowledge
    notes = knowledge_copy / "notes.md"
    notes.write_text("a", encoding="utf-8")
    with_notes = load_knowledge(knowledge_copy).knowledge
    notes.rename(knowledge_copy / "notez.md")
    renamed = load_knowledge(knowledge_copy).knowledge
    assert before is not None and with_notes is not None and renamed is not None
    assert len({before.version, with_notes.version, renamed.version}) == 3


def test_the_default_knowledge_is_the_clones_own() -> None:
    path = default_knowledge_path()
    assert path == Path(__file__).resolve().parents[2] / "knowledge"  # this clone's
    assert path.name == "knowledge" and (path / "article.md").is_file()
    assert (path.parent / "pyproject.toml").is_file() and (path.parent / "bot").is_dir()


def test_the_keys_a_mapping_allows_are_read_from_its_model() -> None:
    assert _allowed(Topic, ("source",)) == ["kind", "quotes", "refs", "section"]
    assert _allowed(BandTable, ("bands", 3, "k2")) == ["pairing", "quotes", "text", "with_amount"]
    assert _allowed(Topic, ()) == sorted(Topic.model_fields)
    # Into something that is no mapping, or a key the model lacks: nothing to suggest.
    assert _allowed(Topic, ("title",)) == []
    assert _allowed(Topic, ("title", "more")) == []
    assert _allowed(Topic, ("nope",)) == []
    assert _allowed(None, ("source",)) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("t" * 1000, None),
        ("t" * 1001, "'text' is 1001 characters; at most 1000"),
        ("' '", "'text' must be non-empty text"),
    ],
)
def test_a_caution_text_at_its_limit(knowledge_copy: Path, text: str, message: str | None) -> None:
    old = "text: >-\n      Vitamin K does not consistently prevent vascular calcification."
    line = _edit(knowledge_copy, "cautions.yaml", old, f"text: {text}")
    if message is None:
        assert load_knowledge(knowledge_copy).ok
    else:
        assert _problems(knowledge_copy) == [f"cautions.yaml:{line}: {message}"]


def test_a_pattern_without_a_name_is_shown_as_written() -> None:
    error: ErrorDetails = {
        "type": "string_pattern_mismatch",
        "loc": ("code",),
        "msg": "String should match pattern '^[A-Z]+$'",
        "input": "abc",
        "ctx": {"pattern": "^[A-Z]+$"},
    }
    assert _message(error, Topic) == "'code' is 'abc'; it must be ^[A-Z]+$"


def test_a_missing_key_says_where_only_when_it_is_inside_something(knowledge_copy: Path) -> None:
    _edit(knowledge_copy, MGP, "title: Matrix Gla protein (MGP)\n", "")
    kind = _edit(knowledge_copy, MGP, "  kind: article\n", "")
    assert _problems(knowledge_copy) == [
        f"{MGP}:2: missing required key 'title'",
        f"{MGP}:{kind}: missing required key 'kind' in 'source'",
    ]


def test_files_other_than_yaml_and_markdown_are_not_knowledge(knowledge_copy: Path) -> None:
    before = load_knowledge(knowledge_copy).knowledge
    (knowledge_copy / "notes.txt").write_text("a curator's notes", encoding="utf-8")
    (knowledge_copy / "topics" / "mgp.yaml~").write_text("an editor's backup", encoding="utf-8")
    (knowledge_copy / "drafts.yaml").mkdir()
    after = load_knowledge(knowledge_copy).knowledge
    assert before is not None and after is not None and before.version == after.version


def test_a_symlink_out_of_the_folder_is_the_only_problem_it_makes(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yaml"
    mgp = knowledge_copy / "topics" / "mgp.yaml"
    secret.write_text(mgp.read_text(encoding="utf-8"), encoding="utf-8")
    mgp.unlink()
    mgp.symlink_to(secret)
    # Its topic is not read, so the topics related to it now name one that doesn't exist, and
    # so do the members' questions filed under it (reported at their topic's key).
    related = {
        name: _edit(knowledge_copy, f"topics/{name}.yaml", "related: [", "related: [")
        for name in ("cardiovascular", "osteocalcin", "vitamin-k2")
    }
    asked = _edit(knowledge_copy, "questions.yaml", "  mgp: |-\n", "  mgp: |-\n")
    assert _problems(knowledge_copy) == [
        f"questions.yaml:{asked}: unknown topic 'mgp'",
        f"topics/cardiovascular.yaml:{related['cardiovascular']}: related topic 'mgp' of"
        " 'cardiovascular' does not exist",
        f"{MGP}:1: a symlink to a file outside the knowledge folder; not read",
        f"topics/osteocalcin.yaml:{related['osteocalcin']}: related topic 'mgp' of 'osteocalcin'"
        " does not exist",
        f"topics/vitamin-k2.yaml:{related['vitamin-k2']}: related topic 'mgp' of 'vitamin-k2'"
        " does not exist",
    ]


def test_without_the_article_its_quotes_wait_for_it(knowledge_copy: Path) -> None:
    """Every quote, section and figure citing the article would be "not found": the one
    problem is the missing article; they are checked once it is back."""
    (knowledge_copy / "article.md").unlink()
    _edit(
        knowledge_copy,
        MGP,
        '"Without adequate vitamin K2, these proteins remain inactive."',
        '"XX"',  # a quote that is in no article
    )
    assert _problems(knowledge_copy) == ["article.md:0: file is missing"]


def test_an_unknown_key_under_a_named_entry_lists_the_entrys_keys(knowledge_copy: Path) -> None:
    # search.yaml's `vitamins` maps a name the curator chose (d, k) to a mapping of set keys
    line = _edit(knowledge_copy, "search.yaml", "  k:\n    words:", "  k:\n    word:")
    assert (
        f"search.yaml:{line + 1}: unknown key 'word'; did you mean 'words'? (allowed: topics, words)"
    ) in _problems(knowledge_copy)


def test_a_blank_or_non_text_members_question_is_reported_at_its_line(
    knowledge_copy: Path,
) -> None:
    # a list is read as well as a block of lines; a blank line in a block is skipped
    (knowledge_copy / "questions.yaml").write_text(
        'questions:\n  mgp:\n    - "  "\n    - 12\n  osteocalcin: |-\n    a\n\n    b\noff_topic: |-\n  c\n',
        encoding="utf-8",
    )
    assert _problems(knowledge_copy) == [
        "questions.yaml:3: entry 1 of 'mgp' must be non-empty text",
        "questions.yaml:4: entry 2 of 'mgp' must be text: quote it (YAML reads 12 unquoted as a number)",
    ]
    (knowledge_copy / "questions.yaml").write_text(
        "questions:\n  osteocalcin: |-\n    what does it do\n\n    and why\noff_topic: []\n",
        encoding="utf-8",
    )
    loaded = load_knowledge(knowledge_copy).knowledge
    assert loaded is not None
    assert loaded.questions == {"osteocalcin": ("what does it do", "and why")}


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "max_input_chars: 200",
            "max_input_chars: 2:00",
            "'max_input_chars' must be a whole number",
        ),
        ("max_count: 20", "max_count: 020", "'max_count' must be a whole number"),
        ("max_ng_ml: 1000", "max_ng_ml: 1_000", "'max_ng_ml' must be a number"),
        ("max_ng_ml: 1000", "max_ng_ml: 0b1111101000", "'max_ng_ml' must be a number"),
    ],
)
def test_a_number_in_yaml_11s_other_forms_is_refused(
    knowledge_copy: Path, old: str, new: str, said: str
) -> None:
    line = _edit(knowledge_copy, "units.yaml", old, new)
    assert _problems(knowledge_copy) == [f"units.yaml:{line}: {said}"]


def test_an_article_not_in_utf8_is_its_only_problem(knowledge_copy: Path) -> None:
    """Not also "no section headings" and every quote "not found": those wait for it."""
    path = knowledge_copy / "article.md"
    data = path.read_bytes()
    at = data.index(b"\n## ") + 1
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    line = data[:at].count(b"\n") + 1
    assert _problems(knowledge_copy) == [
        f"article.md:{line}: cannot read file: not UTF-8 (invalid start byte at byte {at})"
    ]


def test_an_empty_article_is_named(knowledge_copy: Path) -> None:
    (knowledge_copy / "article.md").write_bytes(b"")
    assert _problems(knowledge_copy) == ["article.md:1: the article is empty"]


@pytest.mark.parametrize("text", ["", "# yaml-language-server: $schema=schema/ages.schema.json\n"])
def test_an_empty_knowledge_file_is_said_to_be_empty(knowledge_copy: Path, text: str) -> None:
    (knowledge_copy / "ages.yaml").write_text(text, encoding="utf-8")
    assert _problems(knowledge_copy) == ["ages.yaml:1: the file is empty"]


def _nested(levels: int) -> str:
    """A YAML flow list whose last entry is `levels` aliases deep: 10**levels ones in all."""
    lists = ["&n0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lists += [f"&n{n} [{', '.join([f'*n{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "[" + ", ".join(lists) + "]"


def test_a_value_nested_by_aliases_is_named_in_a_short_message(knowledge_copy: Path) -> None:
    """Six levels of aliases are a million values in a few hundred bytes: the message shows
    the first few, as it shows any list, not all of them."""
    line = _edit(knowledge_copy, "bands/k2.yaml", "kind: k2", "kind: " + _nested(6))
    (problem,) = [p for p in _problems(knowledge_copy) if p.startswith("bands/k2.yaml")]
    assert problem.startswith(f"bands/k2.yaml:{line}: 'kind' is [[1, 1, 1, 1, ...], [[...], ")
    assert problem.endswith("...]; it must be one of: 'dose', 'k2' or 'level'")
    assert len(problem) < 300
