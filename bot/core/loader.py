"""Load `knowledge/` and validate all of it: the one validator behind `check` and reload.

Each file is parsed with its lines remembered, validated by its model (`bot.core.model`),
and then held to the rules that span files (`bot.core.checks`). `load_knowledge` never raises
for bad content: it returns every problem it found, each with the file and line, and a
KnowledgeBase only when there were none. A running bot swaps a new knowledge base in only
from a clean load.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.core.checks import Checker, File, Problem, check_aliases, sections
from bot.core.message_keys import MessagesFile
from bot.core.model import (
    BAND_KINDS,
    BandTable,
    CautionsFile,
    KnowledgeBase,
    Messages,
    SearchSettings,
    SourcesFile,
    Topic,
    Units,
)
from bot.core.yamlfile import YamlError, parse_yaml

__all__ = ["LoadResult", "LoaderFn", "Problem", "default_knowledge_path", "load_knowledge"]

M = TypeVar("M", bound=BaseModel)
_KNOWLEDGE_SUFFIXES = (".yaml", ".md")
_PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": "lowercase a-z, 0-9 and '-'",
    r"^[a-z][a-z0-9_]*$": "lowercase a-z, 0-9 and '_', starting with a letter",
}
_LIST_TYPES = {"tuple_type", "list_type", "frozen_set_type", "set_type"}
_MAPPING_TYPES = {"model_type", "dict_type", "model_attributes_type"}


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
    if isinstance(loc[-1], int):
        return f"entry {loc[-1] + 1} of {_where(loc[:-1])}"
    return repr(loc[-1])


def _model_at(model: type[BaseModel] | None, loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model that validates the mapping at `loc`, to list the keys it allows."""
    for part in loc:
        if isinstance(part, str) and model is not None:
            info = model.model_fields.get(part)
            model = _inner(info.annotation) if info else None
    return model


def _inner(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (tuple, list, Union, UnionType):
        return next(filter(None, map(_inner, get_args(annotation))), None)
    return None


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    """A pydantic error in the curator's words: which key, what is wrong, what to write."""
    loc, kind, value = error["loc"], error["type"], error["input"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    what = _where(loc)
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind == "extra_forbidden":
        inner = _model_at(model, loc[:-1])
        allowed = sorted(inner.model_fields) if inner else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key {loc[-1]!r}{hint} (allowed: {', '.join(allowed)})"
    if kind in {"too_long", "string_too_long"} and isinstance(value, str):
        return f"{what} is {len(value)} characters; at most {ctx['max_length']}"
    if kind in {"too_short", "string_too_short"}:
        return (
            f"{what} must be non-empty text"
            if isinstance(value, str)
            else f"{what} must list at least one entry"
        )
    if kind == "string_pattern_mismatch":
        return f"{what} is {value!r}; it must be {_PATTERNS.get(ctx['pattern'], ctx['pattern'])}"
    if kind == "literal_error":
        return f"{what} is {value!r}; it must be one of: {ctx['expected']}"
    if kind == "string_type":
        return f"{what} must be text"
    if kind in _LIST_TYPES:
        return f"{what} must be a list"
    if kind in _MAPPING_TYPES:
        return f"{what} must be a mapping (key: value lines)"
    if kind.startswith("int_"):
        return f"{what} must be a whole number"
    if kind in {"greater_than", "greater_than_equal", "less_than_equal"}:
        bound = {"greater_than": "more than", "greater_than_equal": "at least"}
        limit = ctx.get("gt", ctx.get("ge", ctx.get("le")))
        return f"{what} must be {bound.get(kind, 'at most')} {limit}"
    message = error["msg"]
    return f"{what} {message}" if message.startswith("must") else message


def _read_files(root: Path) -> dict[str, bytes]:
    """Every knowledge file under `root` by its relative path, read once."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if path.suffix in _KNOWLEDGE_SUFFIXES and path.is_file():
            try:
                files[path.relative_to(root).as_posix()] = path.read_bytes()
            except OSError:
                continue  # gone or unreadable: reported as missing where it is needed
    return files


def _hash(files: dict[str, bytes]) -> str:
    """A short hash of the knowledge files, so `about` can say which version is live."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(files[name])
    return digest.hexdigest()[:12]


class _Snapshot:
    """The knowledge files read once, up front: what is validated, what is loaded and what
    the version hash covers are the same bytes, even while a curator is still saving."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = _read_files(root)
        self.problems: list[Problem] = []

    def text(self, relative: str) -> str | None:
        raw = self.files.get(relative)
        problem = "file is missing"
        if raw is not None:
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problem = f"cannot read file: not UTF-8 ({exc.reason} at byte {exc.start})"
        self.problems.append(Problem(self.root / relative, 0, problem))
        return None

    def read(self, relative: str, model: type[M]) -> tuple[File, M | None]:
        """One file parsed and validated by `model`; its problems noted with their lines."""
        file = File(self.root / relative, None, self.problems)
        text = self.text(relative)
        if text is None:
            return file, None
        try:
            file = File(file.path, parse_yaml(text, file.path), self.problems)
        except YamlError as exc:
            self.problems.append(Problem(file.path, exc.line, exc.message))
            return file, None
        try:
            return file, model.model_validate(file.data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                at_key = error["type"] == "extra_forbidden"
                file.problem(error["loc"], _message(error, model), at_key=at_key)
            return file, None


def _flatten(node: BaseModel, prefix: str = "") -> dict[str, str]:
    templates: dict[str, str] = {}
    for key in type(node).model_fields:
        value = getattr(node, key)
        if isinstance(value, BaseModel):
            templates.update(_flatten(value, f"{prefix}{key}."))
        else:
            templates[f"{prefix}{key}"] = value
    return templates


def _load(root: Path) -> LoadResult:
    snap = _Snapshot(root)
    article = snap.text("article.md") or ""
    if snap.files.get("article.md") and not sections(article):
        snap.problems.append(Problem(root / "article.md", 1, "the article has no section headings"))
    sources_file, sources = snap.read("sources.yaml", SourcesFile)
    by_id = {source.id: source for source in sources.sources} if sources else None
    checker = Checker(article, by_id)
    if sources:
        checker.check_sources(sources_file, sources.sources)

    names = [n for n in snap.files if n.startswith("topics/") and n.count("/") == 1]
    topic_names = [n for n in names if n.endswith(".yaml")]
    if not topic_names:
        snap.problems.append(Problem(root / "topics", 0, "no topic files (topics/*.yaml)"))
    topics: dict[str, Topic] = {}
    topic_files: dict[str, File] = {}
    # A topic whose file is broken still exists for the others' `related`, under its file name.
    checker.topic_ids = {Path(name).stem for name in topic_names}
    for name in topic_names:
        file, topic = snap.read(name, Topic)
        if topic is None:
            continue
        if topic.id in topics:
            file.problem(("id",), f"duplicate topic id {topic.id!r}")
            continue
        topics[topic.id] = topic
        topic_files[topic.id] = file
        checker.topic_ids.add(topic.id)
    for topic_id, topic in topics.items():
        checker.check_topic(topic_files[topic_id], topic)
    aliases = check_aliases(topic_files, topics)

    cautions_file, cautions = snap.read("cautions.yaml", CautionsFile)
    if cautions:
        checker.caution_ids = {caution.id for caution in cautions.cautions}
        checker.check_cautions(cautions_file, cautions.cautions)
    bands: dict[str, BandTable] = {}
    for kind in BAND_KINDS:
        file, table = snap.read(f"bands/{kind}.yaml", BandTable)
        if table:
            bands[kind] = table
            checker.check_bands(file, kind, table)
    units_file, units = snap.read("units.yaml", Units)
    if units:
        checker.check_units(units_file, units)
    messages_file, messages = snap.read("messages.yaml", MessagesFile)
    templates = _flatten(messages) if messages else {}
    checker.check_messages(messages_file, templates)
    _, search = snap.read("search.yaml", SearchSettings)

    if snap.problems or not (by_id and cautions and units and messages and search):
        return LoadResult(None, tuple(snap.problems))
    knowledge = KnowledgeBase(
        article=article,
        sections=sections(article),
        sources=by_id,
        topics=topics,
        cautions={caution.id: caution for caution in cautions.cautions},
        bands=bands,
        units=units,
        messages=Messages(templates),
        search=search,
        version=_hash(snap.files),
        loaded_at=datetime.now(UTC),
        aliases=aliases,
    )
    return LoadResult(knowledge, ())


def load_knowledge(root: Path) -> LoadResult:
    """Load and validate the knowledge base at `root`; never raises for bad content."""
    if not root.is_dir():
        return LoadResult(None, (Problem(root, 0, "knowledge folder not found"),))
    return _load(root)


def default_knowledge_path() -> Path:
    """The repository's own `knowledge/`, for tools run from a clone."""
    return Path(__file__).resolve().parents[2] / "knowledge"


LoaderFn = Callable[[Path], LoadResult]
