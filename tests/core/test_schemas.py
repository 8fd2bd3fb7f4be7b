"""The JSON Schemas curators' editors use: generated from the models, committed, and true to
the knowledge files (every file valid, a misspelt key refused)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from bot.cli import main
from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.schemas import kind_of, modeline

KNOWLEDGE = default_knowledge_path()
YAML_FILES = sorted(p.relative_to(KNOWLEDGE).as_posix() for p in KNOWLEDGE.rglob("*.yaml"))


def _validator(relative: str, root: Path = KNOWLEDGE) -> Draft202012Validator:
    kind = kind_of(relative)
    assert kind is not None, f"{relative} is no kind of knowledge file"
    schema = json.loads((root / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _data(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_committed_schemas_match_the_models(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["schema", "--dir", str(tmp_path)], out=out) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in (KNOWLEDGE / "schema").iterdir())
    assert written == committed
    for name in written:
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        stale = (KNOWLEDGE / "schema" / name).read_text(encoding="utf-8")
        assert fresh == stale, f"knowledge/schema/{name} is stale: run `python -m bot schema`"
    assert f"wrote {tmp_path / 'topic.schema.json'}" in out.getvalue()


def test_schema_writes_into_the_knowledge_folder_by_default(knowledge_copy: Path) -> None:
    for path in (knowledge_copy / "schema").iterdir():
        path.unlink()
    assert main(["--knowledge", str(knowledge_copy), "schema"], out=io.StringIO()) == 0
    assert {p.name for p in (knowledge_copy / "schema").iterdir()} == {
        p.name for p in (KNOWLEDGE / "schema").iterdir()
    }


def test_schema_names_its_outputs() -> None:
    err = io.StringIO()
    assert main(["schema", "--output", "nonsense"], err=err) == 1


@pytest.mark.parametrize("relative", YAML_FILES)
def test_every_knowledge_file_names_its_schema_and_is_valid(relative: str) -> None:
    path = KNOWLEDGE / relative
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == modeline(relative), (
        f"make this the first line of {relative}: {modeline(relative)}"
    )
    schema_path = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert schema_path == (KNOWLEDGE / "schema" / f"{kind_of(relative)}.schema.json").resolve()
    errors = [e.message for e in _validator(relative).iter_errors(_data(path))]
    assert errors == []


MISSPELT = [
    ("topics/mgp.yaml", "group:", "groop:", "'groop' was unexpected"),
    ("bands/k2.yaml", "    gauge: low", "    guage: low", "'guage' was unexpected"),
    ("units.yaml", "  max_ng_ml:", "  max_ng_per_ml:", "'max_ng_per_ml' was unexpected"),
    ("messages.yaml", "  k2_none:", "  k2_nome:", "'k2_nome' was unexpected"),
    ("search.yaml", "min_margin:", "min_marign:", "'min_marign' was unexpected"),
    ("sources.yaml", "    citation:", "    citaton:", "'citaton' was unexpected"),
    (
        "cautions.yaml",
        "    refs: [vlasschaert-2020]",
        "    ref: [vlasschaert-2020]",
        "'ref' was unexpected",
    ),
    ("ages.yaml", "adult_from:", "adult_form:", "'adult_form' was unexpected"),
]


@pytest.mark.parametrize(("relative", "old", "new", "fragment"), MISSPELT)
def test_a_misspelt_key_is_rejected_by_the_schema_and_the_checker(
    knowledge_copy: Path, relative: str, old: str, new: str, fragment: str
) -> None:
    path = knowledge_copy / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    errors = [e.message for e in _validator(relative, knowledge_copy).iter_errors(_data(path))]
    assert any(fragment in error for error in errors), errors
    wrong = new.split(":")[0].strip()
    problems = load_knowledge(knowledge_copy).problems
    assert any(f"unknown key {wrong!r}" in p.message and p.path == path for p in problems)


def test_a_schema_valid_file_can_still_break_a_rule_across_files(knowledge_copy: Path) -> None:
    """The schema knows shapes; quotes, sources and other files are the checker's."""
    path = knowledge_copy / "topics" / "mgp.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("related: [vitamin-k2,", "related: [vitamin-k3,"), "utf-8")
    assert list(_validator("topics/mgp.yaml", knowledge_copy).iter_errors(_data(path))) == []
    problems = load_knowledge(knowledge_copy).problems
    assert [(p.path, p.message) for p in problems] == [
        (path, "related topic 'vitamin-k3' of 'mgp' does not exist")
    ]


def _without_examples(text: str) -> str:
    """A topic file's text with its (last, optional) examples block removed."""
    return text[: text.index("examples:")] if "examples:" in text else text


def test_a_topic_may_list_example_questions(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics" / "mgp.yaml"
    text = _without_examples(path.read_text(encoding="utf-8"))
    path.write_text(text + "examples:\n  - what does  MGP do\n  - mgp and arteries\n", "utf-8")
    assert list(_validator("topics/mgp.yaml", knowledge_copy).iter_errors(_data(path))) == []
    other = knowledge_copy / "topics" / "vitamin-d.yaml"
    other.write_text(_without_examples(other.read_text(encoding="utf-8")), "utf-8")
    loaded = load_knowledge(knowledge_copy).knowledge
    assert loaded is not None
    assert loaded.topics["mgp"].examples == ("what does MGP do", "mgp and arteries")
    assert loaded.topics["vitamin-d"].examples == ()


@pytest.mark.parametrize(
    ("relative", "kind", "line"),
    [
        ("topics/mgp.yaml", "topic", "# yaml-language-server: $schema=../schema/topic.schema.json"),
        ("bands/dose.yaml", "bands", "# yaml-language-server: $schema=../schema/bands.schema.json"),
        ("units.yaml", "units", "# yaml-language-server: $schema=schema/units.schema.json"),
        ("ages.yaml", "ages", "# yaml-language-server: $schema=schema/ages.schema.json"),
        ("topics/mgp.yml", None, None),
        ("topics/mgp.md", None, None),
        ("notes/mgp.yaml", None, None),
        ("topics/old/mgp.yaml", None, None),
        ("topic.yaml", None, None),
        ("bands.yaml", None, None),
        ("notes.yaml", None, None),
        ("article.md", None, None),
    ],
)
def test_which_files_are_knowledge_and_the_schema_each_names(
    relative: str, kind: str | None, line: str | None
) -> None:
    assert kind_of(relative) == kind
    assert modeline(relative) == line


def test_a_yaml_file_that_is_no_kind_of_knowledge_is_not_loaded(knowledge_copy: Path) -> None:
    """Not parsed (its YAML may be broken), but named: a curator should know it is not read."""
    (knowledge_copy / "notes.yaml").write_text("- [not: valid knowledge\n", encoding="utf-8")
    (knowledge_copy / "topics" / "drafts").mkdir()
    (knowledge_copy / "topics" / "drafts" / "k3.yaml").write_text("id: k3\n", encoding="utf-8")
    result = load_knowledge(knowledge_copy)
    assert [
        (p.path.relative_to(knowledge_copy).as_posix(), p.message[:21]) for p in result.problems
    ] == [
        ("notes.yaml", "unexpected file, not "),
        ("topics/drafts/k3.yaml", "not read: a topic is "),
    ]


def test_each_written_schema_is_titled_and_readable_by_a_person(tmp_path: Path) -> None:
    assert main(["schema", "--dir", str(tmp_path / "new" / "schema")], out=io.StringIO()) == 0
    text = (tmp_path / "new" / "schema" / "units.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "dk2 knowledge: units"
    assert schema["description"].startswith("Unit spellings, conversion factors")
    assert text.endswith("}\n") and '\n  "' in text  # indented by two, one per line
    assert "µg" in text  # written as itself, not as \u00b5


def test_a_topic_file_outside_topics_is_not_a_topic(knowledge_copy: Path) -> None:
    mgp = (knowledge_copy / "topics" / "mgp.yaml").read_text(encoding="utf-8")
    (knowledge_copy / "topic.yaml").write_text(mgp, encoding="utf-8")
    result = load_knowledge(knowledge_copy)  # not read as a topic, and named as not read
    assert [str(p) for p in result.problems] == [
        f"{knowledge_copy / 'topic.yaml'}:1: not read: each topic is a file of its own,"
        " topics/<id>.yaml"
    ]
