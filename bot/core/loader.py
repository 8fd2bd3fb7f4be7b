"""Load `knowledge/` and validate all of it: the one validator behind `check` and reload.

`load_knowledge` never raises for bad content: it returns every problem it found, each with
the file and line, and a KnowledgeBase only when there were none. A running bot swaps a new
knowledge base in only from a clean load.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bot.core.interval import Interval, IntervalError, coverage_problems
from bot.core.model import (
    Band,
    BandTable,
    Caution,
    Cited,
    KnowledgeBase,
    Mark,
    Messages,
    Period,
    SearchSettings,
    Source,
    Topic,
    Unit,
    Units,
)
from bot.core.yamlfile import LineDict, LineList, YamlError, parse_yaml

BAND_KINDS = ("dose", "k2", "level")
TOPIC_GROUPS = (
    "Basics",
    "How calcium is handled",
    "Health effects",
    "Taking them",
    "Safety",
    "Reference figures",
)
PAIRINGS = ("not-specific", "optional", "recommended", "not-a-fix")
SHORT_MAX = 400
LONG_MAX = 1500
TEXT_MAX = 1000
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_BAND_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CODE_SPAN = re.compile(r"`[^`]*`")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
# A number as written in prose; digits glued to a letter (K2, MK-7, D3) are names, not figures.
_NUMBER = re.compile(r"(?<![A-Za-z0-9.,])(?<![A-Za-z]-)\d[\d,]*(?:\.\d+)?")

_PIN_OUTCOMES = (
    "not_moderator",
    "bot_lacks_permission",
    "pin_limit",
    "deleted",
    "already_pinned",
    "already_unpinned",
    "no_message",
    "discord_error",
)
# Each message template and the placeholders the code fills it with.
MESSAGE_FIELDS: dict[str, frozenset[str]] = {
    key: frozenset(fields.split())
    for key, fields in {
        "disclaimer": "",
        "about.title": "",
        "about.text": "",
        "about.commands": "",
        "headings.article": "",
        "headings.references": "",
        "headings.k2": "",
        "headings.cautions": "",
        "headings.check_input": "",
        "headings.related": "",
        "headings.suggestions": "",
        "headings.sources": "",
        "headings.more_detail": "",
        "headings.from_source": "where",
        "headings.commands": "",
        "headings.version": "",
        "about.version_line": "version loaded topics",
        "explain.not_found_title": "",
        "gauge.edges": "unit edges",
        "gauge.mark": "label figures unit",
        "gauge.alt": "title value band",
        "stats.title": "",
        "stats.chart_title": "window",
        "stats.chart_title_buckets": "window days",
        "stats.chart_empty": "",
        "stats.none": "",
        "stats.more": "count",
        "stats.last_day": "",
        "stats.last_days": "days",
        "stats.in_server": "period",
        "stats.all_servers": "period",
        "stats.unreadable": "error",
        "stats.empty": "window",
        "stats.totals": "total window answered unanswered",
        "stats.by_command": "counts",
        "stats.top_topics": "",
        "stats.dose_bands": "",
        "stats.k2_bands": "",
        "stats.level_bands": "",
        "stats.unanswered_terms": "",
        "dose.title": "amount label",
        "dose.daily_line": "daily_iu daily_mcg",
        "dose.averaged_line": "entered daily_iu days",
        "dose.k2_line": "k2_mcg label",
        "dose.k2_none": "",
        "dose.mixup_mass": "entered daily_iu number",
        "dose.mixup_iu": "entered number as_mcg_iu",
        "dose.mixup_k2": "entered k2_mcg number",
        "level.title": "value label",
        "level.value_line": "ng_ml nmol_l",
        "level.assumed_unit": "",
        "level.nmol_hint": "number as_ng_ml",
        "level.nmol_only": "number as_ng_ml",
        "explain.not_found": "term",
        "explain.not_found_suggest": "term",
        "explain.source_article": "section",
        "explain.read_more": "topics",
        "topics.title": "",
        "topics.footer": "example",
        "errors.title": "",
        "errors.too_long": "length limit",
        "errors.empty_amount": "",
        "errors.empty_level": "",
        "errors.empty_term": "",
        "errors.no_number": "text",
        "errors.no_number_level": "text",
        "errors.not_positive": "example",
        "errors.negative": "example",
        "errors.not_finite": "text example",
        "errors.bad_grouping": "text",
        "errors.unknown_unit": "unit units example",
        "errors.unknown_level_unit": "unit",
        "errors.k2_iu": "",
        "errors.too_high": "entered daily limit",
        "errors.level_too_high": "value limit",
        "errors.unknown_command": "name commands rest",
        "errors.no_command": "commands",
        "errors.unknown_option": "name command options",
        "errors.duplicate_option": "name",
        "errors.bad_private": "",
        "errors.extra_text": "text what hint",
        # The Discord layer: the Pin button, moderator commands, failures and the cooldown.
        **{f"pin.{key}.title": "" for key in _PIN_OUTCOMES},
        **{f"pin.{key}.text": "" for key in _PIN_OUTCOMES},
        "pin.pin_limit.text": "limit",
        "pin.discord_error.text": "action status",
        "moderators.title": "",
        "moderators.reload": "",
        "moderators.stats": "",
        "reload.ok_title": "",
        "reload.ok": "version loaded topics",
        "reload.changes": "added removed changed",
        "reload.none": "",
        "reload.failed_title": "",
        "reload.failed": "count version",
        "reload.more": "count",
        "pins.title": "",
        "pins.none": "",
        "pins.untitled": "",
        "pins.more": "count",
        "pins.cannot_read": "",
        "failure.title": "",
        "failure.text": "ref",
        "failure.outdated_title": "",
        "failure.outdated": "",
        "cooldown.title": "",
        "cooldown.text": "rate per seconds",
        "cooldown.text_one": "rate per",
    }.items()
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the knowledge base, where to fix it, and what."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class LoadResult:
    knowledge: KnowledgeBase | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.knowledge is not None


class _Reader:
    """Reads typed values out of a LineDict, noting each problem with file and line."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.problem(line, f"{what} must be a mapping (key: value lines)")
        return None

    def keys(self, data: LineDict, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in required:
            if key not in data:
                self.problem(data.line, f"missing required key {key!r}")
        for key in data:
            if key not in allowed:
                self.problem(
                    data.line_of(key),
                    f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                )

    def text(self, data: LineDict, key: str, *, limit: int = TEXT_MAX) -> str:
        value = data.get(key)
        if key not in data:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(data.line_of(key), f"{key!r} must be non-empty text")
            return ""
        value = " ".join(value.split())
        if len(value) > limit:
            self.problem(data.line_of(key), f"{key!r} is {len(value)} characters; at most {limit}")
        return value

    def texts(self, data: LineDict, key: str, *, required: bool = False) -> tuple[str, ...]:
        if key not in data:
            return ()
        value = data[key]
        if not isinstance(value, LineList) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            self.problem(data.line_of(key), f"{key!r} must be a list of non-empty texts")
            return ()
        if required and not value:
            self.problem(data.line_of(key), f"{key!r} must list at least one entry")
        return tuple(" ".join(item.split()) for item in value)

    def number(self, data: LineDict, key: str, *, positive: bool = True) -> Decimal:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(data.line_of(key), f"{key!r} must be a number")
            return Decimal(1)
        number = Decimal(str(value))
        if positive and not number > 0:
            self.problem(data.line_of(key), f"{key!r} must be more than zero")
            return Decimal(1)
        return number

    def items(self, data: LineDict, key: str) -> list[tuple[int, LineDict]]:
        value = data.get(key)
        if not isinstance(value, LineList):
            self.problem(data.line_of(key), f"{key!r} must be a list")
            return []
        out: list[tuple[int, LineDict]] = []
        for index, item in enumerate(value):
            mapping = self.mapping(item, value.line_of(index), f"entry {index + 1} of {key!r}")
            if mapping is not None:
                out.append((mapping.line, mapping))
        return out


def _numbers(text: str) -> set[str]:
    found = set()
    for raw in _NUMBER.findall(text):
        number = raw.replace(",", "").rstrip(".")
        try:
            found.add(format(Decimal(number).normalize(), "f"))
        except InvalidOperation:
            continue
    return found


def _sections(article: str) -> tuple[str, ...]:
    return tuple(match.group(1) for match in _HEADING.finditer(article))


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.article = ""
        self.sources: dict[str, Source] = {}
        # Every file is read once, up front: what is validated, what is loaded and what the
        # version hash covers are the same bytes, even while a curator is still saving.
        self.files = _read_files(root)
        self.alias_lines: dict[str, int] = {}

    # -- helpers ----------------------------------------------------------------------------

    def text(self, relative: str, reader: _Reader) -> str | None:
        """A file's text from the snapshot, or None after noting why it can't be had."""
        raw = self.files.get(relative)
        if raw is None:
            reader.problem(0, "file is missing")
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            reader.problem(0, f"cannot read file: not UTF-8 ({exc.reason} at byte {exc.start})")
            return None

    def read(self, relative: str) -> tuple[LineDict | None, _Reader]:
        path = self.root / relative
        reader = _Reader(path, self.problems)
        text = self.text(relative, reader)
        if text is None:
            return None, reader
        try:
            data = parse_yaml(text, path)
        except YamlError as exc:
            reader.problem(exc.line, exc.message)
            return None, reader
        return reader.mapping(data, 1, "the file"), reader

    def cited(self, reader: _Reader, data: LineDict, *, what: str, limit: int) -> Cited:
        """Read text + section/quotes/refs and check quotes, refs and figures."""
        text = reader.text(data, "text", limit=limit)
        section = data.get("section")
        quotes = reader.texts(data, "quotes")
        refs = reader.texts(data, "refs")
        if section is not None:
            self.check_section(reader, data, section)
        self.check_quotes(reader, data, quotes)
        self.check_refs(reader, data, refs)
        if not quotes and not refs and not section:
            reader.problem(data.line, f"{what} names no source (give quotes, section or refs)")
        self.check_figures(reader, data.line_of("text"), text, quotes, section, refs, what)
        return Cited(
            text=text,
            section=section if isinstance(section, str) else None,
            quotes=quotes,
            refs=refs,
        )

    def check_section(self, reader: _Reader, data: LineDict, section: Any) -> None:
        if not isinstance(section, str) or section not in _sections(self.article):
            reader.problem(
                data.line_of("section"),
                f"section {section!r} is not a heading of article.md",
            )

    def check_quotes(self, reader: _Reader, data: LineDict, quotes: tuple[str, ...]) -> None:
        flat_article = " ".join(self.article.split())
        for index, quote in enumerate(quotes):
            if quote not in flat_article:
                line = data["quotes"].line_of(index) if "quotes" in data else data.line
                reader.problem(line, f"quote not found verbatim in article.md: {quote!r}")

    def check_refs(self, reader: _Reader, data: LineDict, refs: tuple[str, ...]) -> None:
        for index, ref in enumerate(refs):
            if ref not in self.sources:
                reader.problem(
                    data["refs"].line_of(index),
                    f"unknown source {ref!r} (sources.yaml has: {', '.join(self.sources)})",
                )

    def check_figures(
        self,
        reader: _Reader,
        line: int,
        text: str,
        quotes: tuple[str, ...],
        section: Any,
        refs: tuple[str, ...],
        what: str,
    ) -> None:
        """Every number in `text` must stand in a source the text cites: no invented figures."""
        allowed: set[str] = set()
        if quotes or section or "article" in refs:
            allowed |= _numbers(self.article)
        for ref in refs:
            source = self.sources.get(ref)
            if source:
                allowed |= _numbers(" ".join((source.name, source.citation, *source.facts)))
        invented = sorted(_numbers(text) - allowed, key=lambda n: Decimal(n))
        if invented:
            reader.problem(
                line,
                f"{what} uses {', '.join(invented)}, which no source it cites contains",
            )

    # -- files ------------------------------------------------------------------------------

    def load_article(self) -> None:
        path = self.root / "article.md"
        text = self.text("article.md", _Reader(path, self.problems))
        if text is None:
            return
        self.article = text
        if not _sections(self.article):
            self.problems.append(Problem(path, 1, "the article has no section headings"))

    def load_sources(self) -> None:
        data, reader = self.read("sources.yaml")
        if data is None:
            return
        reader.keys(data, ["sources"])
        for line, item in reader.items(data, "sources"):
            reader.keys(item, ["id", "name", "citation", "facts"])
            source_id = item.get("id")
            if not isinstance(source_id, str) or not _ID.match(source_id):
                reader.problem(line, f"source id {source_id!r} must be lowercase a-z, 0-9, '-'")
                continue
            if source_id in self.sources:
                reader.problem(line, f"duplicate source id {source_id!r}")
                continue
            self.sources[source_id] = Source(
                id=source_id,
                name=reader.text(item, "name"),
                citation=reader.text(item, "citation"),
                facts=reader.texts(item, "facts"),
            )
        if "article" not in self.sources:
            reader.problem(data.line, "sources.yaml must define the 'article' source")

    def load_topics(self) -> dict[str, Topic]:
        topics: dict[str, Topic] = {}
        folder = self.root / "topics"
        paths = [
            self.root / name
            for name in sorted(self.files)
            if name.startswith("topics/") and name.endswith(".yaml") and name.count("/") == 1
        ]
        if not paths:
            self.problems.append(Problem(folder, 0, "no topic files (topics/*.yaml)"))
        related_lines: list[tuple[_Reader, int, str, str]] = []
        for path in paths:
            data, reader = self.read(f"topics/{path.name}")
            if data is None:
                continue
            topic = self.topic(reader, data, path, related_lines)
            if topic is None:
                continue
            if topic.id in topics:
                reader.problem(data.line_of("id"), f"duplicate topic id {topic.id!r}")
                continue
            topics[topic.id] = topic
        for reader, line, topic_id, related in related_lines:
            if related not in topics:
                reader.problem(line, f"related topic {related!r} of {topic_id!r} does not exist")
        return topics

    def topic(
        self,
        reader: _Reader,
        data: LineDict,
        path: Path,
        related_lines: list[tuple[_Reader, int, str, str]],
    ) -> Topic | None:
        reader.keys(
            data,
            ["id", "title", "group", "aliases", "short", "long", "source", "related"],
            ["keywords"],
        )
        topic_id = data.get("id")
        if not isinstance(topic_id, str) or not _ID.match(topic_id):
            reader.problem(
                data.line_of("id"), f"topic id {topic_id!r} must be lowercase a-z, 0-9, '-'"
            )
            return None
        self.alias_lines.setdefault(topic_id, data.line_of("aliases"))
        if path.stem != topic_id:
            reader.problem(data.line_of("id"), f"topic {topic_id!r} must live in {topic_id}.yaml")
        group = data.get("group")
        if group not in TOPIC_GROUPS:
            reader.problem(
                data.line_of("group"), f"group {group!r} must be one of: {', '.join(TOPIC_GROUPS)}"
            )
        source_data = reader.mapping(data.get("source"), data.line_of("source"), "'source'")
        if source_data is None:
            return None
        reader.keys(source_data, ["kind"], ["section", "quotes", "refs"])
        kind = source_data.get("kind")
        if kind == "article":
            if "section" not in source_data or not source_data.get("quotes"):
                reader.problem(
                    source_data.line, "an article topic needs 'section' and at least one quote"
                )
        elif kind == "reference":
            if not source_data.get("refs"):
                reader.problem(source_data.line, "a reference topic must name its 'refs'")
            elif "article" in source_data.get("refs", []):
                reader.problem(
                    source_data.line_of("refs"),
                    "a reference topic cites the article with 'section' and 'quotes', not refs",
                )
        else:
            reader.problem(source_data.line_of("kind"), "kind must be 'article' or 'reference'")
        section = source_data.get("section")
        if section is not None:
            self.check_section(reader, source_data, section)
        quotes = reader.texts(source_data, "quotes")
        refs = reader.texts(source_data, "refs")
        self.check_quotes(reader, source_data, quotes)
        self.check_refs(reader, source_data, refs)
        short = reader.text(data, "short", limit=SHORT_MAX)
        long = reader.text(data, "long", limit=LONG_MAX)
        for key, text in (("short", short), ("long", long)):
            self.check_figures(
                reader, data.line_of(key), text, quotes, section, refs, f"topic {topic_id!r} {key}"
            )
        related = reader.texts(data, "related")
        for index, other in enumerate(related):
            if other == topic_id:
                reader.problem(data["related"].line_of(index), "a topic can't be related to itself")
            else:
                related_lines.append((reader, data["related"].line_of(index), topic_id, other))
        return Topic(
            id=topic_id,
            title=reader.text(data, "title", limit=100),
            group=group if isinstance(group, str) else "",
            aliases=tuple(alias.lower() for alias in reader.texts(data, "aliases")),
            keywords=tuple(word.lower() for word in reader.texts(data, "keywords")),
            short=short,
            long=long,
            kind=kind if isinstance(kind, str) else "",
            source=Cited(
                text="",
                section=section if isinstance(section, str) else None,
                quotes=quotes,
                refs=refs,
            ),
            related=related,
        )

    def check_aliases(self, topics: dict[str, Topic]) -> dict[str, str]:
        """Every id and alias names one topic; a clash is reported in both topics' files."""
        owner: dict[str, str] = {topic_id: topic_id for topic_id in topics}
        for topic in topics.values():
            for alias in topic.aliases:
                key = " ".join(alias.split())
                other = owner.setdefault(key, topic.id)
                if other != topic.id:
                    for this, that in ((topic.id, other), (other, topic.id)):
                        path = self.root / "topics" / f"{this}.yaml"
                        line = self.alias_lines.get(this, 0)
                        message = f"alias {alias!r} names both {this!r} and {that!r}"
                        self.problems.append(Problem(path, line, message))
        return owner

    def load_cautions(self) -> dict[str, Caution]:
        data, reader = self.read("cautions.yaml")
        cautions: dict[str, Caution] = {}
        if data is None:
            return cautions
        reader.keys(data, ["cautions"])
        for line, item in reader.items(data, "cautions"):
            reader.keys(item, ["id", "text", "refs"], ["quotes"])
            caution_id = item.get("id")
            if not isinstance(caution_id, str) or not _ID.match(caution_id):
                reader.problem(line, f"caution id {caution_id!r} must be lowercase a-z, 0-9, '-'")
                continue
            if caution_id in cautions:
                reader.problem(line, f"duplicate caution id {caution_id!r}")
                continue
            cited = self.cited(reader, item, what=f"caution {caution_id!r}", limit=TEXT_MAX)
            cautions[caution_id] = Caution(caution_id, cited.text, cited.refs, cited.quotes)
        return cautions

    def load_bands(self, kind: str, cautions: dict[str, Caution]) -> BandTable | None:
        data, reader = self.read(f"bands/{kind}.yaml")
        if data is None:
            return None
        reader.keys(data, ["kind", "title", "unit", "domain", "bands"], ["marks"])
        if data.get("kind") != kind:
            reader.problem(data.line_of("kind"), f"kind must be {kind!r} in bands/{kind}.yaml")
        domain = self.interval(reader, data, "domain")
        bands: list[Band] = []
        ids: set[str] = set()
        for line, item in reader.items(data, "bands"):
            band = self.band(reader, item, kind, cautions)
            if band is None:
                continue
            if band.id in ids:
                reader.problem(line, f"duplicate band id {band.id!r}")
                continue
            ids.add(band.id)
            bands.append(band)
        if domain is not None and bands:
            for message in coverage_problems(domain, [(band.id, band.range) for band in bands]):
                reader.problem(data.line_of("bands"), message)
        if domain is None:
            return None
        marks = self.marks(reader, data, domain) if "marks" in data else ()
        return BandTable(
            kind=kind,
            title=reader.text(data, "title", limit=100),
            unit=reader.text(data, "unit", limit=20),
            domain=domain,
            bands=tuple(bands),
            marks=marks,
        )

    def marks(self, reader: _Reader, data: LineDict, domain: Interval) -> tuple[Mark, ...]:
        """The cut-points and ranges the gauge draws, each a figure its source holds."""
        marks: list[Mark] = []
        for line, item in reader.items(data, "marks"):
            reader.keys(item, ["text"], ["at", "range", "refs", "quotes", "section"])
            cited = self.cited(reader, item, what="gauge mark", limit=60)
            at: tuple[Decimal, ...] = ()
            if "at" in item:
                raw = item["at"]
                numbers = raw if isinstance(raw, LineList) else None
                if not numbers or not all(
                    isinstance(n, int | float) and not isinstance(n, bool) for n in numbers
                ):
                    reader.problem(item.line_of("at"), "'at' must be a list of numbers")
                else:
                    at = tuple(sorted(Decimal(str(n)) for n in numbers))
            span = self.interval(reader, item, "range") if "range" in item else None
            if ("at" in item) == ("range" in item):
                reader.problem(line, "a gauge mark gives either 'at' (cut-points) or 'range'")
            figures = [*at]
            if span is not None:
                if span.low is None or span.high is None:
                    reader.problem(item.line_of("range"), "a gauge mark's range must be finite")
                figures += [edge for edge in (span.low, span.high) if edge is not None]
            for figure in figures:
                if figure not in domain:
                    reader.problem(line, f"gauge mark at {figure} is outside the domain {domain}")
            shown = " ".join(format(n.normalize(), "f") for n in figures)
            self.check_figures(
                reader, line, shown, cited.quotes, cited.section, cited.refs, "gauge mark"
            )
            marks.append(Mark(source=cited, at=at, range=span))
        return tuple(marks)

    def interval(self, reader: _Reader, data: LineDict, key: str) -> Interval | None:
        value = data.get(key)
        if not isinstance(value, str):
            reader.problem(data.line_of(key), f'{key!r} must be an interval such as "[1, 2)"')
            return None
        try:
            return Interval.parse(value)
        except IntervalError as exc:
            reader.problem(data.line_of(key), str(exc))
            return None

    def band(
        self, reader: _Reader, data: LineDict, kind: str, cautions: dict[str, Caution]
    ) -> Band | None:
        reader.keys(
            data,
            ["id", "range", "label", "gauge", "colour", "article", "references", "cautions"],
            ["k2", "topics"],
        )
        band_id = data.get("id")
        if not isinstance(band_id, str) or not _BAND_ID.match(band_id):
            reader.problem(data.line, f"band id {band_id!r} must be lowercase a-z, 0-9, '_'")
            return None
        what = f"{kind} band {band_id!r}"
        band_range = self.interval(reader, data, "range")
        colour_text = data.get("colour")
        colour = 0
        if isinstance(colour_text, str) and _COLOUR.match(colour_text):
            colour = int(colour_text[1:], 16)
        else:
            reader.problem(data.line_of("colour"), f'colour {colour_text!r} must be like "#27ae60"')
        article_data = reader.mapping(data.get("article"), data.line_of("article"), "'article'")
        article = Cited("")
        if article_data is not None:
            reader.keys(article_data, ["section", "text", "quotes"])
            article = self.cited(reader, article_data, what=f"{what} article text", limit=TEXT_MAX)
        references: list[Cited] = []
        for _, item in reader.items(data, "references"):
            reader.keys(item, ["text", "refs"])
            references.append(self.cited(reader, item, what=f"{what} reference", limit=TEXT_MAX))
            if "article" in references[-1].refs:
                reader.problem(item.line, "reference figures must not cite the article")
        k2: Cited | None = None
        pairing: str | None = None
        if "k2" in data:
            k2_data = reader.mapping(data["k2"], data.line_of("k2"), "'k2'")
            if k2_data is not None:
                reader.keys(k2_data, ["text", "quotes", "pairing"])
                pairing = k2_data.get("pairing")
                if pairing not in PAIRINGS:
                    reader.problem(
                        k2_data.line_of("pairing"), f"pairing must be one of: {', '.join(PAIRINGS)}"
                    )
                k2 = self.k2_advice(reader, k2_data, what)
        elif kind == "dose":
            reader.problem(data.line, f"{what} needs K2 pairing advice ('k2')")
        band_cautions = reader.texts(data, "cautions")
        for index, caution in enumerate(band_cautions):
            if caution not in cautions:
                reader.problem(data["cautions"].line_of(index), f"unknown caution {caution!r}")
        if band_range is None:
            return None
        return Band(
            id=band_id,
            range=band_range,
            label=reader.text(data, "label", limit=120),
            gauge=reader.text(data, "gauge", limit=20),
            colour=colour,
            article=article,
            references=tuple(references),
            k2=k2,
            k2_pairing=pairing,
            cautions=band_cautions,
            topics=reader.texts(data, "topics"),
        )

    def k2_advice(self, reader: _Reader, data: LineDict, what: str) -> Cited:
        text = reader.text(data, "text")
        quotes = reader.texts(data, "quotes")
        self.check_quotes(reader, data, quotes)
        # Advice with no quote may not state figures at all.
        self.check_figures(
            reader, data.line_of("text"), text, quotes, None, (), f"{what} K2 advice"
        )
        return Cited(text=text, quotes=quotes, refs=("article",) if quotes else ())

    def load_units(self) -> Units | None:
        data, reader = self.read("units.yaml")
        if data is None:
            return None
        reader.keys(data, ["vitamin_d", "k2", "periods", "level", "max_input_chars"])

        def kind_units(key: str, extra: tuple[str, ...]) -> tuple[LineDict | None, list[Unit]]:
            section = reader.mapping(data.get(key), data.line_of(key), repr(key))
            if section is None:
                return None, []
            reader.keys(section, ["base_unit", "units", *extra])
            units: list[Unit] = []
            for _, item in reader.items(section, "units"):
                reader.keys(item, ["names"], ["factor", "divisor", "sources"])
                names = tuple(name.lower() for name in reader.texts(item, "names", required=True))
                if ("factor" in item) == ("divisor" in item):
                    reader.problem(item.line, "give exactly one of 'factor' or 'divisor'")
                    continue
                factor = reader.number(item, "factor") if "factor" in item else Decimal(1)
                divisor = reader.number(item, "divisor") if "divisor" in item else Decimal(1)
                sources = reader.texts(item, "sources")
                self.check_refs(reader, item, sources)
                units.append(Unit(names=names, factor=factor, sources=sources, divisor=divisor))
            return section, units

        d_section, d_units = kind_units("vitamin_d", ("max_daily", "fillers"))
        k2_section, k2_units = kind_units("k2", ("max_daily", "fillers"))
        level_section, level_units = kind_units("level", ("max_ng_ml", "nmol_hint_above"))
        periods: list[Period] = []
        for _, item in reader.items(data, "periods"):
            reader.keys(item, ["names", "days"])
            days = item.get("days")
            if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                reader.problem(item.line_of("days"), "'days' must be a whole number ≥ 1")
                continue
            names = tuple(name.lower() for name in reader.texts(item, "names", required=True))
            periods.append(Period(names=names, days=days))
        max_chars = data.get("max_input_chars")
        if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
            reader.problem(data.line_of("max_input_chars"), "'max_input_chars' must be ≥ 1")
            max_chars = 200
        spellings = [name for unit in d_units for name in unit.names]
        spellings += [name for period in periods for name in period.names]
        for name in sorted({name for name in spellings if spellings.count(name) > 1}):
            reader.problem(data.line, f"spelling {name!r} is listed twice")
        if d_section is None or k2_section is None or level_section is None:
            return None
        return Units(
            d_units=tuple(d_units),
            d_base=reader.text(d_section, "base_unit", limit=20),
            d_max_daily=reader.number(d_section, "max_daily"),
            d_fillers=tuple(word.lower() for word in reader.texts(d_section, "fillers")),
            k2_units=tuple(k2_units),
            k2_base=reader.text(k2_section, "base_unit", limit=20),
            k2_max_daily=reader.number(k2_section, "max_daily"),
            k2_fillers=tuple(word.lower() for word in reader.texts(k2_section, "fillers")),
            periods=tuple(periods),
            level_units=tuple(level_units),
            level_base=reader.text(level_section, "base_unit", limit=20),
            level_max=reader.number(level_section, "max_ng_ml"),
            nmol_hint_above=reader.number(level_section, "nmol_hint_above"),
            max_input_chars=max_chars,
        )

    def load_messages(self) -> Messages | None:
        data, reader = self.read("messages.yaml")
        if data is None:
            return None
        templates: dict[str, str] = {}

        def walk(node: LineDict, prefix: str) -> None:
            for key, value in node.items():
                dotted = f"{prefix}{key}"
                if isinstance(value, LineDict):
                    walk(value, dotted + ".")
                elif isinstance(value, str):
                    templates[dotted] = " ".join(value.split())
                    self.check_template(reader, node.line_of(key), dotted, templates[dotted])
                else:
                    reader.problem(node.line_of(key), f"{dotted!r} must be text")

        walk(data, "")
        for key in MESSAGE_FIELDS:
            if key not in templates:
                reader.problem(data.line, f"missing message {key!r}")
        for key in templates:
            if key not in MESSAGE_FIELDS:
                reader.problem(data.line, f"unknown message {key!r}")
        return Messages(templates)

    def check_template(self, reader: _Reader, line: int, key: str, template: str) -> None:
        allowed = MESSAGE_FIELDS.get(key, frozenset())
        try:
            names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        except ValueError as exc:
            reader.problem(line, f"message {key!r} has a broken placeholder: {exc}")
            return
        for name in sorted(names - allowed):
            reader.problem(
                line,
                f"message {key!r} uses {{{name}}}; it can use: "
                + (", ".join(f"{{{n}}}" for n in sorted(allowed)) or "no placeholders"),
            )
        # Examples of what to type (in `code`) may hold numbers; prose may not.
        if _numbers(_CODE_SPAN.sub(" ", template)):
            reader.problem(line, f"message {key!r} states a figure; figures belong in bands")

    def load_search(self) -> SearchSettings | None:
        data, reader = self.read("search.yaml")
        if data is None:
            return None
        reader.keys(
            data,
            [
                "stopwords",
                "word_similarity",
                "alias_similarity",
                "min_question_score",
                "min_margin",
                "max_suggestions",
            ],
        )
        max_suggestions = data.get("max_suggestions")
        if not isinstance(max_suggestions, int) or not 1 <= max_suggestions <= 25:
            reader.problem(data.line_of("max_suggestions"), "'max_suggestions' must be 1 to 25")
            max_suggestions = 3
        return SearchSettings(
            stopwords=frozenset(word.lower() for word in reader.texts(data, "stopwords")),
            word_similarity=float(reader.number(data, "word_similarity")),
            alias_similarity=float(reader.number(data, "alias_similarity")),
            min_question_score=float(reader.number(data, "min_question_score")),
            min_margin=float(reader.number(data, "min_margin", positive=False)),
            max_suggestions=max_suggestions,
        )

    def check_band_topics(self, tables: dict[str, BandTable], topics: dict[str, Topic]) -> None:
        for kind, table in tables.items():
            for band in table.bands:
                for topic_id in band.topics:
                    if topic_id not in topics:
                        self.problems.append(
                            Problem(
                                self.root / "bands" / f"{kind}.yaml",
                                0,
                                f"band {band.id!r} points to unknown topic {topic_id!r}",
                            )
                        )

    def run(self) -> LoadResult:
        self.load_article()
        self.load_sources()
        topics = self.load_topics()
        aliases = self.check_aliases(topics)
        cautions = self.load_cautions()
        tables = {kind: self.load_bands(kind, cautions) for kind in BAND_KINDS}
        units = self.load_units()
        messages = self.load_messages()
        search = self.load_search()
        present = {kind: table for kind, table in tables.items() if table is not None}
        self.check_band_topics(present, topics)
        if (
            self.problems
            or units is None
            or messages is None
            or search is None
            or len(present) != len(BAND_KINDS)
        ):
            if not self.problems:
                self.problems.append(Problem(self.root, 0, "knowledge base incomplete"))
            return LoadResult(None, tuple(self.problems))
        knowledge = KnowledgeBase(
            article=self.article,
            sections=_sections(self.article),
            sources=self.sources,
            topics=topics,
            cautions=cautions,
            bands=present,
            units=units,
            messages=messages,
            search=search,
            version=_hash(self.files),
            loaded_at=datetime.now(UTC),
            aliases=aliases,
        )
        return LoadResult(knowledge, ())


_KNOWLEDGE_SUFFIXES = (".yaml", ".md")


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


def load_knowledge(root: Path) -> LoadResult:
    """Load and validate the knowledge base at `root`; never raises for bad content."""
    if not root.is_dir():
        return LoadResult(None, (Problem(root, 0, "knowledge folder not found"),))
    return _Loader(root).run()


def default_knowledge_path() -> Path:
    """The repository's own `knowledge/`, for tools run from a clone."""
    return Path(__file__).resolve().parents[2] / "knowledge"


LoaderFn = Callable[[Path], LoadResult]
