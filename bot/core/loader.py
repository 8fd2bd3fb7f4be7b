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
from bot.core.message_keys import MessagesFile, templates_of
from bot.core.model import (
    BAND_KINDS,
    PATTERN_NAMES,
    AgeLimits,
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
# What a curator is told for each kind of pydantic error, by its type.
_SAYS = {
    "string_type": "{what} must be text",
    "string_pattern_mismatch": "{what} is {value!r}; it must be {pattern}",
    "literal_error": "{what} is {value!r}; it must be one of: {expected}",
    "greater_than": "{what} must be more than {gt}",
    "greater_than_equal": "{what} must be at least {ge}",
    "less_than_equal": "{what} must be at most {le}",
    **dict.fromkeys(("tuple_type", "list_type", "frozen_set_type"), "{what} must be a list"),
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "{what} must be a whole number"),
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
    if isinstance(loc[-1], int):
        return f"entry {loc[-1] + 1} of {_where(loc[:-1])}"
    return repr(loc[-1])


def _allowed(model: type[BaseModel] | None, loc: tuple[str | int, ...]) -> list[str]:
    """The keys the mapping at `loc` allows, from the model that validates it."""
    for part in (part for part in loc if isinstance(part, str)):
        info = model.model_fields.get(part) if model else None
        model = _inner(info.annotation) if info else None
    return sorted(model.model_fields) if model else []


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
    key, what = (loc[-1] if loc else ""), _where(loc)
    if kind == "missing":
        return f"missing required key {key!r}" + (f" in {_where(loc[:-1])}" if loc[:-1] else "")
    if kind == "extra_forbidden":
        allowed = _allowed(model, loc[:-1])
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key {key!r}{hint} (allowed: {', '.join(allowed)})"
    if kind in {"too_long", "string_too_long"} and isinstance(value, str):
        return f"{what} is {len(' '.join(value.split()))} characters; at most {ctx['max_length']}"
    if kind in {"too_short", "string_too_short"} and isinstance(value, str):
        return f"{what} must be non-empty text"
    if kind == "too_short":
        return f"{what} must list at least {ctx['min_length']} entry"
    if kind in _SAYS:
        pattern = PATTERN_NAMES.get(ctx.get("pattern", ""), ctx.get("pattern"))
        return _SAYS[kind].format_map({**ctx, "what": what, "value": value, "pattern": pattern})
    message = error["msg"]
    return f"{what} {message}" if message.startswith("must") else message


def _read_files(root: Path, problems: list[Problem]) -> dict[str, bytes]:
    """Every knowledge file under `root` by its relative path, read once.

    A symlink whose target lies outside `root` is refused (a problem, not read): the
    knowledge folder is what curators review, and nothing outside it is published.
    """
    files: dict[str, bytes] = {}
    inside = root.resolve()
    for path in sorted(root.rglob("*")):
        if path.suffix in _KNOWLEDGE_SUFFIXES and path.is_file():
            if not path.resolve().is_relative_to(inside):
                problems.append(
                    Problem(path, 1, "a symlink to a file outside the knowledge folder; not read")
                )
                continue
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
        self.problems: list[Problem] = []
        self.files = _read_files(root, self.problems)

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


def load_knowledge(root: Path) -> LoadResult:
    """Load and validate the knowledge base at `root`; never raises for bad content."""
    if not root.is_dir():
        return LoadResult(None, (Problem(root, 0, "knowledge folder not found"),))
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
    # Topics by file name: a topic whose id differs is reported, so none can hide another,
    # and a broken one still exists for the others' `related`.
    topics: dict[str, Topic] = {}
    topic_files: dict[str, File] = {}
    checker.topic_ids = {Path(name).stem for name in topic_names}
    for name in topic_names:
        file, topic = snap.read(name, Topic)
        if topic is not None:
            topics[file.path.stem], topic_files[file.path.stem] = topic, file
    for stem, topic in topics.items():
        checker.check_topic(topic_files[stem], topic)
    aliases = check_aliases(topic_files, topics)

    cautions_file, cautions = snap.read("cautions.yaml", CautionsFile)
    if cautions:
        checker.caution_ids = {caution.id for caution in cautions.cautions}
        checker.check_cautions(cautions_file, cautions.cautions)
    for stem, topic in topics.items():
        checker.check_topic_cautions(topic_files[stem], topic)
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
    templates = templates_of(messages) if messages else {}
    checker.check_messages(messages_file, templates)
    search_file, search = snap.read("search.yaml", SearchSettings)
    if search:
        checker.known(
            search_file, ("safety_first",), search.safety_first, checker.topic_ids, "topic"
        )
    ages_file, ages = snap.read("ages.yaml", AgeLimits)
    if ages:
        checker.check_ages(ages_file, ages)

    if snap.problems or not (by_id and cautions and units and messages and search and ages):
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
        ages=ages,
    )
    return LoadResult(knowledge, ())


def default_knowledge_path() -> Path:
    """The repository's own `knowledge/`, for tools run from a clone."""
    return Path(__file__).resolve().parents[2] / "knowledge"


LoaderFn = Callable[[Path], LoadResult]
