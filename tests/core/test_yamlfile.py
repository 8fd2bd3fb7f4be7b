"""The line-tracking YAML loader: every mapping, key and list item knows its line, and bad
YAML is a `file:line: message` a curator can act on, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.core.loader import default_knowledge_path
from bot.core.yamlfile import LineDict, LineList, YamlError, line_at, load_yaml, parse_yaml

TEXT = """\
# a comment on line 1
title: Vitamin D
aliases:
  - sunshine vitamin
  - calciferol
source:
  refs: [iom, efsa]
  section: Dosing
empty: {}
"""


def _parsed() -> LineDict:
    data = parse_yaml(TEXT, Path("t.yaml"))
    assert isinstance(data, LineDict)
    return data


def test_mappings_and_lists_know_their_own_lines_and_their_items() -> None:
    data = _parsed()
    assert data.line == 2  # a mapping starts at its first key, after the comment
    assert [data.line_of(key) for key in ("title", "aliases", "source", "empty")] == [2, 3, 6, 9]
    aliases = data["aliases"]
    assert isinstance(aliases, LineList) and aliases == ["sunshine vitamin", "calciferol"]
    assert aliases.line == 4 and [aliases.line_of(0), aliases.line_of(1)] == [4, 5]
    source = data["source"]
    assert source.line == 7 and source.line_of("section") == 8
    assert source["refs"].line == 7 and source["refs"].line_of(1) == 7  # flow style: one line


def test_a_key_or_item_it_does_not_have_answers_with_its_own_line() -> None:
    data = _parsed()
    assert data.line_of("no-such-key") == 2
    assert data["source"].line_of("quotes") == 7
    aliases = data["aliases"]
    assert aliases.line_of(2) == 4 and aliases.line_of(-1) == 4  # never wraps to the last
    assert data["empty"] == {} and data["empty"].line_of("x") == 9


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "a: 1\n  # a synonym\nno: nope\n",
            "t.yaml:3: the key 'no' is read as false: quote it (YAML reads a bare yes, no, on or"
            " off as true/false)",
        ),
        ("1: one\n", "t.yaml:1: the key '1' is read as a number: quote it"),
        ("a: b\n2.5: half\n", "t.yaml:2: the key '2.5' is read as a number: quote it"),
        ("2024-01-01: d\n", "t.yaml:1: the key '2024-01-01' is read as a date: quote it"),
        (
            "~: x\n",
            "t.yaml:1: the key '~' is read as empty: write a key before the colon, or quote it",
        ),
        ("? [a]\n: v\n", "t.yaml:1: this key is a list or a mapping: a key is a word or a phrase"),
    ],
)
def test_a_key_that_yaml_reads_as_no_text_is_refused_at_its_line(text: str, said: str) -> None:
    """`no:` was the text 'False', and `no:` beside `off:` a duplicate 'False'."""
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, Path("t.yaml"))
    assert str(caught.value) == said


def test_a_quoted_key_is_text() -> None:
    assert parse_yaml("'no': x\n'off': y\n'1': z\n", Path("t.yaml")) == {
        "no": "x",
        "off": "y",
        "1": "z",
    }


def test_a_duplicate_key_names_the_second_ones_line_and_column() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("title: a\nsource:\n  refs: [x]\n  refs: [y]\n", Path("topics/t.yaml"))
    error = caught.value
    assert str(error) == "topics/t.yaml:4: invalid YAML: duplicate key 'refs'"
    assert (error.line, error.column) == (4, 3)


def test_a_duplicate_key_spelled_differently_in_yaml_is_still_a_duplicate() -> None:
    with pytest.raises(YamlError, match=r"t.yaml:2: invalid YAML: duplicate key 'no'"):
        parse_yaml("'no': a\n\"no\": b\n", Path("t.yaml"))


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2, "invalid YAML: did not find expected ',' or ']'"),
        ('a: b\nc: "open\n', 3, 1, "invalid YAML: found unexpected end of stream"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "invalid YAML: did not find expected key"),
        ("a: *nowhere\n", 1, 4, "invalid YAML: found undefined alias"),
    ],
)
def test_bad_yaml_names_the_line_and_column_the_parser_stopped_at(
    text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, Path("bands/dose.yaml"))
    assert str(caught.value) == f"bands/dose.yaml:{line}: {message}"
    assert caught.value.column == column


def test_a_yaml_tag_builds_nothing_and_is_reported() -> None:
    text = "a: 1\nb: !!python/object/apply:os.system [echo hi]\n"
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, Path("t.yaml"))
    assert str(caught.value).startswith("t.yaml:2: invalid YAML: could not determine a constructor")


@pytest.mark.parametrize(
    ("text", "line", "character"),
    [("a: 1\nb: \x00\n", 2, "0000"), ("é: ü\r\nb: c\r\nd: \x07\n", 3, "0007"), ("\x1b", 1, "001B")],
)
@pytest.mark.parametrize("as_bytes", [False, True])
def test_a_control_character_names_its_line_not_a_byte_offset(
    text: str, line: int, character: str, as_bytes: bool
) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text.encode() if as_bytes else text, Path("t.yaml"))
    said = str(caught.value)
    assert said.startswith(f"t.yaml:{line}: invalid YAML: character #x{character} is not allowed")
    assert "\n" not in said and "position" not in said
    assert caught.value.line == line


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"
    with pytest.raises(YamlError) as caught:
        load_yaml(missing)
    assert caught.value.line == 0
    assert str(caught.value).startswith(f"{missing}:0: cannot read file: ")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: Vitamin D für alle\n".encode("latin-1"))
    with pytest.raises(YamlError, match=r"latin.yaml:0: cannot read file: 'utf-8' codec"):
        load_yaml(latin)


def test_a_file_is_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes("unit: µg\n".encode())
    assert load_yaml(path) == {"unit": "µg"}


def test_line_at_walks_keys_and_indexes_to_the_value() -> None:
    data = _parsed()
    assert line_at(data, ()) == 2
    assert line_at(data, ("aliases", 1)) == 5
    assert line_at(data, ("source", "section")) == 8
    # A mapping answers with its first key's line; at_key with the key that holds it.
    assert line_at(data, ("source",)) == 7
    assert line_at(data, ("source",), at_key=True) == 6
    assert line_at(data, ("empty",)) == 9


def test_line_at_stops_where_the_yaml_ends() -> None:
    data = _parsed()
    assert line_at(data, ("source", "quotes", 0)) == 7  # not there: the mapping's line
    assert line_at(data, ("source", "quotes", 0), at_key=True) == 6
    assert line_at(data, ("aliases", 2)) == 3  # past the end: the list's key
    assert line_at(data, ("aliases", -1)) == 3
    assert line_at(data, ("aliases", "0")) == 3  # a key into a list
    assert line_at(data, ("title", 0)) == 2  # into a plain value
    assert line_at(data, (0,)) == 2  # an index into a mapping


def test_line_at_on_a_file_that_is_not_a_mapping() -> None:
    items = parse_yaml("\n- a\n- b: 1\n  c: 2\n", Path("t.yaml"))
    assert line_at(items, ()) == 2 and line_at(items, (1, "c")) == 4
    assert line_at(items, (1,)) == 3
    assert line_at("just text", ("a",)) == 1
    assert line_at(None, ()) == 1


def test_a_flow_list_over_several_lines_knows_each_items_line() -> None:
    data = parse_yaml("refs: [\n    iom-2011,\n    fda\n  ]\n", Path("t.yaml"))
    refs = data["refs"]
    assert refs.line == 1 and [refs.line_of(0), refs.line_of(1)] == [2, 3]
    assert line_at(data, ("refs", 0)) == 2


def test_a_key_that_is_a_whole_structure_is_refused() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("? !!omap [a: 1]\n: v\n", Path("t.yaml"))
    assert caught.value.message == "this key is a list or a mapping: a key is a word or a phrase"


@pytest.mark.parametrize(
    ("text", "line"),
    [("\na: \x00\n", 2), ("a: \x07\nb: \x07\n", 1)],
)
def test_the_first_refused_character_is_the_one_named(text: str, line: int) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, Path("t.yaml"))
    assert caught.value.line == line


def _plain(value: object) -> object:
    """A parsed value as PyYAML's own safe loader builds it (plain dicts and lists)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@pytest.mark.parametrize(
    "path", sorted(default_knowledge_path().rglob("*.yaml")), ids=lambda path: path.name
)
def test_every_knowledge_file_reads_as_the_safe_loader_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _plain(parse_yaml(text, path)) == yaml.safe_load(text)
    assert _plain(parse_yaml(path.read_bytes(), path)) == yaml.safe_load(text)


# Words YAML reads as another type (null, bool, int, float, date) and words it reads as text.
_WORDS = "yes No off null Null ~ 12 -3 +4 .5 .inf 0x1f 1e3 2001-12-14 true FALSE y n on words k2 µg"


@pytest.mark.parametrize("word", ["", *_WORDS.split()])
def test_a_plain_word_that_yaml_types_is_read_with_its_type(word: str) -> None:
    """Plain words are text without trying every type's pattern, unless they start like one."""
    text = f"a: {word}\nb: [{word}]\n"
    for read in (text, text.encode()):
        assert _plain(parse_yaml(read, Path("t.yaml"))) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "data",
    [
        "a: b\n".encode("utf-16"),
        b"\xfe\xff" + "a: b\n".encode("utf-16-be"),
        b"a: \xff b\n",
    ],
)
def test_bytes_that_are_not_utf8_are_refused_as_such(data: bytes) -> None:
    """libyaml reads a UTF-16 file with its byte-order mark too; knowledge files are UTF-8."""
    with pytest.raises(UnicodeDecodeError):
        parse_yaml(data, Path("t.yaml"))


_SCALARS = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(),
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(_DOCUMENTS, st.booleans())
def test_any_document_reads_with_the_same_values_as_the_safe_loader(
    document: object, flow: bool
) -> None:
    """Quoted text, plain words that YAML reads as numbers, dates or booleans, nesting: the
    values are the safe loader's, whichever way the text was written."""
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    assert _plain(parse_yaml(text, Path("doc.yaml"))) == yaml.safe_load(text)
    assert _plain(parse_yaml(text.encode(), Path("doc.yaml"))) == yaml.safe_load(text)


def test_an_alias_is_the_anchored_value_itself_so_nested_aliases_stay_small() -> None:
    """Six levels of ten aliases each would be a million values if each were copied out; read
    as the safe loader reads them, each level is one list the next level points at."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 7):
        below = ", ".join([f"*a{level - 1}"] * 10)
        levels.append(f"a{level}: &a{level} [{below}]")
    data = parse_yaml("\n".join(levels) + "\n", Path("bomb.yaml"))
    assert data["a6"][0] is data["a5"] and data["a6"][9] is data["a5"]
    assert data["a1"][0] == ["x"] * 10


def test_a_merge_key_and_a_recursive_anchor_read_as_the_safe_loader_reads_them() -> None:
    data = parse_yaml("base: &b {k: 1}\nmore:\n  <<: *b\n  j: 2\nloop: &l [*l]\n", Path("t.yaml"))
    assert data["more"] == {"k": 1, "j": 2} and data["more"].line_of("j") == 4
    assert data["loop"][0] is data["loop"]


def test_an_aliased_mapping_is_the_anchored_mapping_itself() -> None:
    data = parse_yaml("a: &m {k: 1}\nb: *m\nc: &r {self: *r}\n", Path("t.yaml"))
    assert data["b"] is data["a"] and data["a"] == {"k": 1}
    assert data["c"]["self"] is data["c"]


def test_a_mapping_with_another_tag_is_built_by_that_tag() -> None:
    """`!!set` is written as a mapping: the safe loader's set, not a mapping with empty values."""
    text = "s: !!set {a, b}\n"
    assert parse_yaml(text, Path("t.yaml")) == yaml.safe_load(text) == {"s": {"a", "b"}}


def test_a_key_written_beside_a_merge_key_overrides_the_merged_one() -> None:
    """YAML's merge: `<<: *art` then `text:` in the same mapping is the art mapping with
    another text, as the safe loader reads it, and `text` names its own line."""
    text = "a: &art\n  text: one\n  refs: [x]\nb:\n  <<: *art\n  text: two\n"
    data = parse_yaml(text, Path("t.yaml"))
    assert (
        _plain(data)
        == yaml.safe_load(text)
        == {
            "a": {"text": "one", "refs": ["x"]},
            "b": {"text": "two", "refs": ["x"]},
        }
    )
    assert data["b"].line_of("text") == 6


def test_a_key_written_twice_beside_a_merge_key_is_still_a_duplicate() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("a: &art {text: one}\nb:\n  <<: *art\n  text: two\n  text: 3\n", Path("t.yaml"))
    assert str(caught.value) == "t.yaml:5: invalid YAML: duplicate key 'text'"


@pytest.mark.parametrize(
    "word", ["1:30", "5:00", "017", "-017", "0b101", "123456789012345678:1", "1_000", "+0x1f", "08"]
)
def test_yaml_11s_other_number_forms_are_text(word: str, tmp_path: Path) -> None:
    """YAML 1.1 read `1:30` as 90 (base 60), `017` as 15 (octal), `0b101` as 5: a curator's
    time or typo silently became another number. As in YAML 1.2's core schema, they are text,
    which a number field then refuses; config.yaml reads through load_yaml the same way."""
    path = tmp_path / "t.yaml"
    path.write_text(f"a: {word}\nb: [{word}]\n", encoding="utf-8")
    assert _plain(load_yaml(path)) == {"a": word, "b": [word]}
    assert _plain(parse_yaml(path.read_bytes(), path)) == {"a": word, "b": [word]}


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("12", 12),
        ("-3", -3),
        ("+4", 4),
        ("0", 0),
        ("0x1f", 31),
        ("1.5", 1.5),
        (".5", 0.5),
        ("-2.", -2.0),
        ("1.0e+20", 1e20),
        (".inf", float("inf")),
        ("-.Inf", float("-inf")),
    ],
)
def test_decimal_numbers_are_still_numbers(word: str, value: float) -> None:
    assert parse_yaml(f"a: {word}\n", Path("t.yaml")) == {"a": value}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "a: 1\nb:\n\t- x\n",
            "t.yaml:3: invalid YAML: found character that cannot start any token (a tab: tabs"
            " can't indent YAML; use spaces)",
        ),
        (
            "a:\n  b: 1\n\tc: 2\n",
            "t.yaml:3: invalid YAML: found a tab character that violates indentation (tabs can't"
            " indent YAML; use spaces)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "t.yaml:2: invalid YAML: expected one document; remove the second ---",
        ),
    ],
)
def test_a_tab_and_a_second_document_say_what_to_do(text: str, said: str) -> None:
    for read in (text, text.encode()):
        with pytest.raises(YamlError) as caught:
            parse_yaml(read, Path("t.yaml"))
        assert str(caught.value) == said
