"""What the loader tells a curator for each kind of malformed value: the whole `file:line:
message`, naming the key (or the entry of a list), the value given and what to write instead;
limits from both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.loader import load_knowledge

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
    (MGP, TITLE, "title: 5", "'title' must be text"),
    (MGP, TITLE, 'title: ""', "'title' must be non-empty text"),
    (MGP, TITLE, "title: " + "t" * 101, "'title' is 101 characters; at most 100"),
    # The length counted is the text's as shown: runs of spaces count once.
    (MGP, TITLE, "title: '" + "t  " * 49 + "ttt'", "'title' is 101 characters; at most 100"),
    (
        MGP,
        "aliases: [matrix gla protein, matrix gla, mgp protein]",
        "aliases: mgp",
        "'aliases' must be a list",
    ),
    (MGP, "id: mgp", "id: MGP", "'id' is 'MGP'; it must be lowercase a-z, 0-9 and '-'"),
    (
        MGP,
        "kind: article",
        "kind: book",
        "'kind' is 'book'; it must be one of: 'article' or 'reference'",
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
