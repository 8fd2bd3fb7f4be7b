"""Safe YAML loading that remembers where each mapping and value came from.

The checker names the file and line of every problem, and `yaml.safe_load` forgets both.
This loader is PyYAML's SafeLoader (no arbitrary objects) whose mappings remember the line
of each key, so an error can point at the exact place a curator has to fix. Two choices of
its own: a key is text (one YAML reads as a bool, number, date or null is refused), and a
plain number is one YAML 1.2's core schema reads as such (no base 60, octal or 0b).
"""

from __future__ import annotations

import codecs
import re
import reprlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[str, Any]):
    """A YAML mapping that knows the line of itself and of each key (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence that knows the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


# libyaml's parser when PyYAML was built with it (it is ~10x faster); the constructor is the
# safe one either way, so no YAML tag can build an arbitrary Python object.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Numbers as YAML 1.2's core schema writes them, where YAML 1.1 agrees: decimal integers
# (no leading zero), 0x hex, decimal fractions with a point, .inf and .nan. 1.1's others are
# text, so the field's type refuses them: `1:30` (base 60, 90), `017` (octal, 15), `0b101`,
# `1_000`, `+0x1f`. (Every number read is one 1.1 reads too, the same.)
_INT = re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?|\.[0-9]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NUMBERS = {"tag:yaml.org,2002:int": _INT, "tag:yaml.org,2002:float": _FLOAT}
_RESOLVERS = {
    first: [(tag, _NUMBERS.get(tag, pattern)) for tag, pattern in resolvers]
    for first, resolvers in _SafeBase.yaml_implicit_resolvers.items()
}
_STR, _MAP, _SEQ, _MERGE = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "map", "seq", "merge"))
# The first characters of a plain scalar that some implicit type (null, bool, int, float,
# timestamp, merge...) may start with. The safe loader keys every type by them, none under
# None (PyYAML's key for "any first character"), which resolve's shortcut relies on.
_TYPED_FIRST = frozenset(_RESOLVERS)


class _LineLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """libyaml's parser and composer with the safe constructor, for what `_Builder` hands it;
    plain numbers are read as `_INT` and `_FLOAT` say."""

    yaml_implicit_resolvers = _RESOLVERS

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        # Most of a knowledge file is plain words: text, told without trying each type's
        # patterns in turn (about 1.5 ms of every knowledge load).
        plain = kind is yaml.ScalarNode and implicit[0]
        if plain and value[:1] not in _TYPED_FIRST:
            return _STR
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]


class _Builder:
    """Builds LineDict, LineList and text straight from the composed nodes (most of a knowledge
    file; what PyYAML's safe constructor returns for them too); any other tag goes to the safe
    constructor, which refuses the ones it doesn't know. An alias is built once (`built`, by
    node): a document of nested aliases stays linear, and a recursive one stays recursive."""

    def __init__(self, loader: _LineLoader) -> None:
        self.loader, self.built = loader, dict[int, Any]()

    def value(self, node: yaml.Node) -> Any:
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value
        if id(node) in self.built:
            return self.built[id(node)]
        if node.tag == _MAP and isinstance(node, yaml.MappingNode):
            return self.mapping(node)
        if node.tag == _SEQ and isinstance(node, yaml.SequenceNode):
            result = self.built[id(node)] = LineList()
            result.line = node.start_mark.line + 1
            result.item_lines = [child.start_mark.line + 1 for child in node.value]
            result.extend(self.value(child) for child in node.value)
            return result
        return self.loader.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode) -> LineDict:
        # `<<: *defaults` merge keys: flattening puts the merged pairs first, then the ones
        # written here, which override them (YAML's merge); one written twice is a duplicate.
        written = sum(key_node.tag != _MERGE for key_node, _ in node.value)
        self.loader.flatten_mapping(node)
        merged = len(node.value) - written
        result = self.built[id(node)] = LineDict()
        result.line = node.start_mark.line + 1
        here: set[str] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            key = self.value(key_node)
            if not isinstance(key, str):
                raise _NotText(key_node, key)
            if index >= merged and key in here:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            if index >= merged:
                here.add(key)
            result[key] = self.value(value_node)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result


class _NotText(Exception):
    """A key YAML read as something other than text (`no:` is false, `1:` a number)."""

    def __init__(self, node: yaml.Node, key: object) -> None:
        super().__init__()
        self.line, self.column = node.start_mark.line + 1, node.start_mark.column + 1
        written = repr(node.value) if isinstance(node, yaml.ScalarNode) else ""
        if not written:
            self.message = "this key is a list or a mapping: a key is a word or a phrase"
            return
        if isinstance(key, bool):
            kind = (
                f"{str(key).lower()}: quote it (YAML reads a bare yes, no, on or off as true/false)"
            )
        elif key is None:
            kind = "empty: write a key before the colon, or quote it"
        elif isinstance(key, int | float):
            kind = "a number: quote it"
        elif isinstance(key, date):
            kind = "a date: quote it"
        else:
            kind = "something other than text: quote it"
        self.message = f"the key {written} is read as {kind}"


@dataclass(frozen=True, slots=True)
class YamlError(Exception):
    """A file that is not valid YAML, with the line (and column) where the parser gave up."""

    path: Path
    line: int
    message: str
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def load_yaml(path: Path) -> Any:
    """Load one YAML file safely; raise YamlError naming the file and line on bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(path, 0, f"cannot read file: {exc}") from exc
    return parse_yaml(text, path)


def parse_yaml(text: str | bytes, path: Path) -> Any:
    """Parse YAML text safely; `path` only names where it came from in errors. Bytes are read
    as UTF-8 by libyaml itself, faster than a str it encodes back to UTF-8 (UnicodeDecodeError
    if they are not UTF-8: libyaml would read a UTF-16 file too, and dk2's files are UTF-8)."""
    if isinstance(text, bytes) and text.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = text.decode("utf-8")  # raises, naming the byte
    try:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            return None if node is None else _Builder(loader).value(node)
        finally:
            loader.dispose()
    except _NotText as exc:
        raise YamlError(path, exc.line, exc.message, exc.column) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        problem = exc.problem or exc.context or "invalid YAML"
        if problem == "but found another document":  # a second `---`
            problem = "expected one document; remove the second ---"
        elif "cannot start any token" in problem and _has_tab(text, line):
            problem += " (a tab: tabs can't indent YAML; use spaces)"
        elif "tab character" in problem:
            problem += " (tabs can't indent YAML; use spaces)"
        raise YamlError(path, line, f"invalid YAML: {problem}", column) from exc
    except yaml.reader.ReaderError as exc:
        if isinstance(text, bytes):  # not UTF-8 (raises), or a character to find in the text
            text = text.decode("utf-8")
        # A character YAML refuses (a control character): libyaml reports its byte offset,
        # so find the character itself to name its line.
        line = text.count("\n", 0, max(text.find(chr(exc.character)), 0)) + 1
        message = f"invalid YAML: character #x{exc.character:04X} is not allowed ({exc.reason})"
        raise YamlError(path, line, message) from exc
    except yaml.YAMLError as exc:
        raise YamlError(path, 0, f"invalid YAML: {exc}") from exc


def _has_tab(text: str | bytes, line: int) -> bool:
    """Whether line `line` (1-based) of the text holds a tab."""
    lines = (text.encode() if isinstance(text, str) else text).splitlines()
    return 0 < line <= len(lines) and b"\t" in lines[line - 1]


def line_at(data: Any, loc: tuple[str | int, ...], *, at_key: bool = False) -> int:
    """The line of the value at `loc` (keys and list indexes) in data parsed by `parse_yaml`.

    A mapping answers with the line of its first key, so a rule about a whole mapping (a
    missing key, a band that breaks a rule) points into it; `at_key` points at the last
    key itself instead (an unknown key). Parts the YAML doesn't have stop the walk there.
    """
    node, line = data, data.line if isinstance(data, LineDict | LineList) else 1
    for part in loc:
        if isinstance(node, LineDict) and isinstance(part, str) and part in node:
            line, node = node.key_lines[part], node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line, node = node.item_lines[part], node[part]
        else:
            break
    return node.line if isinstance(node, LineDict) and not at_key else line


class _Brief(reprlib.Repr):
    # reprlib picks its method by the type's name: the reader's lists and mappings as theirs.
    repr_LineList = reprlib.Repr.repr_list
    repr_LineDict = reprlib.Repr.repr_dict

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxlist, self.maxdict, self.maxstring = 2, 4, 4, 80


_BRIEF = _Brief()


def brief(value: object) -> str:
    """`value`'s repr cut short as it is made, for a message: aliases can nest a list a
    million items deep in a few hundred bytes of YAML, and a whole repr of it never ends."""
    return _BRIEF.repr(value)
