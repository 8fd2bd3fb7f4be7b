"""Load `knowledge/` and validate all of it: the one validator behind `check` and reload.

Each file is parsed with its lines remembered, validated by its model (`bot.core.model`),
then held to the rules that span files (`bot.core.checks`). Bad content never raises: every
problem comes back with its file and line, and a KnowledgeBase only when there were none.
"""

from __future__ import annotations

import difflib
import functools
import gc
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.core.checks import Checker, File, Problem, sections
from bot.core.message_keys import templates_of
from bot.core.model import (
    BAND_KINDS,
    NO_RULES,
    PATTERN_NAMES,
    KnowledgeBase,
    Messages,
    model_inside,
)
from bot.core.schemas import KNOWLEDGE_KINDS, kind_of
from bot.core.yamlfile import YamlError, brief, parse_yaml

__all__ = ["LoadResult", "Problem", "default_knowledge_path", "load_knowledge"]

# The files every knowledge base has besides its topics (topics/<id>.yaml).
_FILES = (
    *(f"{kind}.yaml" for kind in KNOWLEDGE_KINDS if kind not in ("topic", "bands")),
    *(f"bands/{kind}.yaml" for kind in BAND_KINDS),
)
# What a curator is told for each kind of pydantic error, by its type.
_SAYS = {
    "missing": "missing required key {key!r}{inside}",
    "string_type": "{what} must be text",
    "string_too_short": "{what} must be non-empty text",
    "string_too_long": "{what} is {length} characters; at most {max_length}",
    "too_short": "{what} must list at least {min_length} entry",
    "string_pattern_mismatch": "{what} is {shown}; it must be {pattern}",
    "literal_error": "{what} is {shown}; it must be one of: {expected}",
    "greater_than": "{what} must be more than {gt}",
    "greater_than_equal": "{what} must be at least {ge}",
    "less_than_equal": "{what} must be at most {le}",
    **dict.fromkeys(("tuple_type", "list_type", "frozen_set_type"), "{what} must be a list"),
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "{what} must be a whole number"),
    **dict.fromkeys(("float_type", "float_parsing"), "{what} must be a number"),
    **dict.fromkeys(("model_type", "dict_type"), "{what} must be a mapping (key: value lines)"),
}


@dataclass(frozen=True, slots=True)
class LoadResult:
    knowledge: KnowledgeBase | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.knowledge is not None


def _where(loc: tuple[str | int, ...]) -> str:
    if not loc:
        return "the file"
    if loc[-1] == "[key]" and len(loc) > 1:  # pydantic's name for a mapping's key itself
        return f"the key {loc[-2]!r}"
    if isinstance(loc[-1], int):
        return f"entry {loc[-1] + 1} of {_where(loc[:-1])}"
    return repr(loc[-1])


def _allowed(model: type[BaseModel] | None, loc: tuple[str | int, ...]) -> list[str]:
    """The keys the mapping at `loc` allows, from the model that validates it."""
    keyed = False  # the part after a `dict[str, Model]` field is a key the curator chose
    for part in (part for part in loc if isinstance(part, str)):
        info = None if keyed or not model else model.model_fields.get(part)
        model = model_inside(info.annotation) if info else model if keyed else None
        keyed = info is not None and get_origin(info.annotation) is dict
    return sorted(model.model_fields) if model else []


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    """A pydantic error in the curator's words: which key, what is wrong, what to write."""
    loc, kind, value = error["loc"], error["type"], error["input"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    key, what, message = (loc[-1] if loc else ""), _where(loc), error["msg"]
    shown = repr(value) if isinstance(value, str) else brief(value)  # a list may be huge
    if isinstance(value, str) and kind in ("too_short", "too_long"):  # a squashed text's length
        kind = f"string_{kind}"
    if kind == "extra_forbidden":
        allowed = _allowed(model, loc[:-1])
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key {key!r}{hint} (allowed: {', '.join(allowed)})"
    if kind == "string_type" and isinstance(value, bool):  # YAML reads a bare `no` as false
        return f"{what} must be text: quote it (YAML reads a bare yes, no, on or off as true/false)"
    if kind == "string_pattern_mismatch" and loc[-1:] == ("[key]",):
        return f"{what} must be {PATTERN_NAMES.get(ctx['pattern'], ctx['pattern'])}"
    if kind == "string_type" and value is None:
        return f"{what} is empty: write its text after the colon"
    if kind == "string_type" and isinstance(value, int | float | Decimal | date):
        typed = "a date" if isinstance(value, date) else "a number"
        return f"{what} must be text: quote it (YAML reads {value} unquoted as {typed})"
    if kind == "literal_error" and "," not in ctx.get("expected", ","):  # two choices
        return f"{what} is {shown}; it must be {ctx['expected']}"
    if kind not in _SAYS:  # dk2's own: a rule, or "must be ..." from a type's validator
        return f"{what} {message}" if message.startswith(("must", "is empty")) else message
    pattern = PATTERN_NAMES.get(ctx.get("pattern", ""), ctx.get("pattern"))
    inside = f" in {_where(loc[:-1])}" if loc[:-1] else ""
    said = {"what": what, "key": key, "shown": shown, "pattern": pattern, "inside": inside}
    length = len(" ".join(value.split())) if isinstance(value, str) else 0  # a squashed text's
    return _SAYS[kind].format_map({**ctx, **said, "length": length})


_BANDS = ", ".join(f"bands/{kind}.yaml" for kind in BAND_KINDS)


def _editors(relative: str) -> bool:
    """An editor's own file (hidden: swap files, locks; `~` backups; `#autosave#`): never
    knowledge, never named, even where a knowledge file could be (topics/.#mgp.yaml)."""
    parts = relative.split("/")
    return any(part.startswith((".", "#")) for part in parts) or relative.endswith("~")


def _not_read(relative: str) -> str | None:
    """Why a YAML or JSON file is not read where it is, else None. (Markdown files are the
    article and curators' notes, all in the version's hash.)"""
    path = PurePosixPath(relative)
    suffix, folder = path.suffix.lower(), path.parts[0] if len(path.parts) > 1 else ""
    if suffix not in (".yaml", ".yml", ".json"):  # Markdown is the article, or notes
        return None
    if relative in _FILES or kind_of(relative) == "topic":
        return None
    if folder == "schema" and len(path.parts) == 2 and path.suffix == ".json":
        return None
    if suffix in (".yaml", ".yml") and path.suffix != ".yaml":
        return f"not read: knowledge files end in .yaml; rename it {path.stem}.yaml"
    if folder == "topics" and suffix == ".yaml":
        return f"not read: a topic is topics/<id>.yaml; move it to topics/{path.name}"
    if folder == "bands" and suffix == ".yaml":
        return f"not read: the band tables are {_BANDS}, and no others"
    if relative == "topic.yaml":
        return "not read: each topic is a file of its own, topics/<id>.yaml"
    known = ", ".join((*sorted(_FILES), "article.md", "topics/<id>.yaml", "schema/*.json"))
    return f"unexpected file, not read: dk2 reads {known}"


class _Snapshot:
    """The knowledge files read once, up front: what is validated, what is loaded and what
    the version hash covers are the same bytes, even while a curator is still saving.

    A symlink whose target lies outside `root` is refused (a problem, not read): the
    knowledge folder is what curators review, and nothing outside it is published. So is one
    to nothing, and a YAML or JSON file where dk2 reads none (`_not_read`).
    """

    def __init__(self, root: Path) -> None:
        self.root, self.problems, self.files = root, list[Problem](), dict[str, bytes]()
        inside = functools.cache(lambda folder: folder.resolve().is_relative_to(root.resolve()))
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if _editors(relative):
                continue
            if (not_read := _not_read(relative)) and not path.is_dir():
                self.problems.append(Problem(path, 1, not_read))
                continue
            if path.is_symlink() and not path.exists():
                message = f"a symlink to {path.readlink()}, which does not exist; not read"
                self.problems.append(Problem(path, 1, message))
                continue
            if path.suffix in (".yaml", ".md") and path.is_file():
                if not inside(path if path.is_symlink() else path.parent):
                    message = "a symlink to a file outside the knowledge folder; not read"
                    self.problems.append(Problem(path, 1, message))
                    continue
                try:
                    self.files[relative] = path.read_bytes()
                except OSError:
                    continue  # gone or unreadable: reported as missing where it is needed

    def version(self) -> str:
        """A short hash of the knowledge files, so `about` can say which version is live."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + self.files[name])
        return digest.hexdigest()[:12]

    def text(self, relative: str) -> str | None:
        try:
            return self.files[relative].decode("utf-8")
        except KeyError:
            problem = "file is missing"
        except UnicodeDecodeError as exc:
            line = self.files[relative].count(b"\n", 0, exc.start) + 1
            problem = f"cannot read file: not UTF-8 ({exc.reason} at byte {exc.start})"
            self.problems.append(Problem(self.root / relative, line, problem))
            return None
        self.problems.append(Problem(self.root / relative, 0, problem))
        return None

    def read(self, relative: str) -> File:
        """One file parsed and validated by the model of its kind; its problems noted."""
        file = File(self.root / relative, self.problems)
        model = KNOWLEDGE_KINDS[kind_of(relative) or ""][0]
        try:
            file.data = parse_yaml(self.files[relative], file.path)  # libyaml decodes the bytes
        except (KeyError, UnicodeDecodeError):
            self.text(relative)  # says why the file can't be read
            return file
        except YamlError as exc:
            self.problems.append(Problem(file.path, exc.line, exc.message))
            return file
        if file.data is None:  # no YAML at all, or only comments
            self.problems.append(Problem(file.path, 1, "the file is empty"))
            return file
        try:
            file.model = model.model_validate(file.data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            for error in errors:
                at_key = error["type"] == "extra_forbidden"
                file.problem(error["loc"], _message(error, model), at_key=at_key)
            if all(error["type"] == "rule" for error in errors):  # well-formed: check across files
                file.model = model.model_validate(file.data, context=NO_RULES)
        return file


def load_knowledge(root: Path) -> LoadResult:
    """Load and validate the knowledge base at `root`; never raises for bad content."""
    collecting = gc.isenabled()
    gc.disable()  # ~20 collection passes a load that free nothing (no cycles here): ~2 ms
    try:
        return _load(root)
    finally:
        if collecting:
            gc.enable()


def _load(root: Path) -> LoadResult:
    """`load_knowledge` itself. Topics are keyed by file name: a topic whose id differs is
    reported, so none can hide another, and a broken one still exists for the others' `related`."""
    if not root.is_dir():
        return LoadResult(None, (Problem(root, 0, "knowledge folder not found"),))
    snap = _Snapshot(root)
    article = snap.text("article.md")  # None: missing or not UTF-8, said as such
    if article is not None and not article.strip():
        snap.problems.append(Problem(root / "article.md", 1, "the article is empty"))
        article = None
    elif article is not None and not sections(article):
        snap.problems.append(Problem(root / "article.md", 1, "the article has no section headings"))
    topic_names = [name for name in snap.files if kind_of(name) == "topic"]
    if not topic_names:
        snap.problems.append(Problem(root / "topics", 0, "no topic files (topics/*.yaml)"))
    files = {name: snap.read(name) for name in (*_FILES, *topic_names)}
    Checker(article, files).check()
    if snap.problems:  # every problem of a file together, in the order of its lines
        return LoadResult(None, tuple(sorted(snap.problems, key=lambda p: (str(p.path), p.line))))
    model = {name: file.model for name, file in files.items()}
    return LoadResult(
        KnowledgeBase(
            article=article or "",
            sections=sections(article or ""),
            sources={source.id: source for source in model["sources.yaml"].sources},
            topics={Path(name).stem: model[name] for name in topic_names},
            cautions={caution.id: caution for caution in model["cautions.yaml"].cautions},
            bands={kind: model[f"bands/{kind}.yaml"] for kind in BAND_KINDS},
            units=model["units.yaml"],
            messages=Messages(templates_of(model["messages.yaml"])),
            search=model["search.yaml"],
            version=snap.version(),
            loaded_at=datetime.now(UTC),
            ages=model["ages.yaml"],
            questions=dict(model["questions.yaml"].questions),
            off_topic=model["questions.yaml"].off_topic,
        ),
        (),
    )


def default_knowledge_path() -> Path:
    """The repository's own `knowledge/`, for tools run from a clone."""
    return Path(__file__).resolve().parents[2] / "knowledge"
