"""Property tests for the knowledge loader: whatever a curator types into any knowledge file,
`load_knowledge` answers with a knowledge base or with problems that each name a line of the
file they are in, and never raises."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.loader import default_knowledge_path, load_knowledge

KNOWLEDGE = default_knowledge_path()
FILES = sorted(p.relative_to(KNOWLEDGE).as_posix() for p in KNOWLEDGE.rglob("*.yaml"))

# Any value YAML can hold: scalars of every type, and lists and mappings of them.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("props") / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def _flow(value: object) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6, allow_unicode=True)
    return text.strip().removesuffix("...").strip()


@given(
    file=st.sampled_from(FILES),
    where=st.integers(min_value=0),
    value=VALUES,
    junk=st.none() | st.text(max_size=40),
)
@settings(max_examples=100, deadline=None)
def test_any_edit_is_loaded_or_reported_with_its_line(
    root: Path, file: str, where: int, value: object, junk: str | None
) -> None:
    path = root / file
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines()
    index = where % len(lines)
    key, colon, _ = lines[index].partition(":")
    # Either a key gets a value of any type, or the line becomes any text at all.
    lines[index] = f"{key}: {_flow(value)}" if colon and junk is None else junk or ""
    edited = "\n".join(lines) + "\n"
    path.write_text(edited, encoding="utf-8")
    try:
        result = load_knowledge(root)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.ok != bool(result.problems)
    # Junk may hold line breaks of its own ("\r"); str.splitlines counts every break YAML does.
    last_line = len(edited.splitlines())
    for problem in result.problems:
        assert problem.path.is_relative_to(root), problem
        # In dk2's words ("'title' must be text", or "\"op's\" must be text" for a key holding
        # an apostrophe), never pydantic's ("Input should be ...").
        assert problem.message[0].islower() or problem.message[0] in "'\"", problem
        if problem.path.is_file():  # the YAML parser may name the empty line after the last
            assert 0 <= problem.line <= last_line + 1, problem


@given(file=st.sampled_from(FILES), data=st.data(), value=VALUES)
@settings(max_examples=100, deadline=None)
def test_any_value_at_any_key_is_loaded_or_reported_in_dk2s_words(
    root: Path, file: str, data: st.DataObject, value: object
) -> None:
    """Every key, however deep, can get any value: each kind of error has a clear message."""
    path = root / file
    original = path.read_text(encoding="utf-8")
    document = yaml.safe_load(original)
    node = document
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys)) if keys else None
        child = node[key] if key is not None else None
        if (
            key is None
            or not isinstance(child, dict | list)
            or not child
            or data.draw(st.booleans())
        ):
            break
        node = child
    if key is not None:
        node[key] = value
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        result = load_knowledge(root)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.ok != bool(result.problems)
    for problem in result.problems:
        # a message opens with dk2's words or a quoted key; a key holding an apostrophe
        # ("doctor's best", a maker's name among search.yaml's synonyms) is quoted with "
        assert problem.message[0].islower() or problem.message[0] in "'\"", problem
