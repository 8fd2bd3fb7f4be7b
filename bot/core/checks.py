"""The rules that span files, run on the validated models: quotes verbatim in the article,
sections that exist, no figure a cited source lacks, aliases unique across topics, and every
id that points elsewhere pointing at something (a field's type marked `Ref` says so: a new
such field needs no rule here). (A rule within one file, such as bands that tile their
domain, is its model's own `rules`: `bot.core.model`.)

A rule that needs another file runs only when that file itself validated, so one broken
file doesn't bury the real problems under reports of what it would have defined.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.core.interval import Interval, coverage_problems, plain
from bot.core.message_keys import MESSAGE_FIELDS, templates_of
from bot.core.model import (
    AgeLimits,
    BandTable,
    Broken,
    CautionsFile,
    Cited,
    Loc,
    Ref,
    Topic,
    Units,
    model_inside,
)
from bot.core.yamlfile import line_at

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
_CODE_SPAN = re.compile(r"`[^`]*`")
# A number as written in prose; digits glued to a letter (K2, MK-7, D3) are names, not figures.
_NUMBER = re.compile(r"\d(?<![A-Za-z0-9.,]\d)(?<![A-Za-z]-\d)[\d,]*(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the knowledge base, where to fix it, and what."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Cites:
    """A text and the sources it stands on, for a figure rule outside a `Cited` model."""

    text: str
    section: str | None
    quotes: tuple[str, ...]
    refs: tuple[str, ...]


@dataclass(slots=True)
class File:
    """One knowledge file as parsed, and its model when it validated (else None), so a
    problem at a place in it can name its line."""

    path: Path
    problems: list[Problem]
    data: Any = None
    model: Any = None

    def problem(self, loc: Loc, message: str, *, at_key: bool = False) -> None:
        self.problems.append(Problem(self.path, line_at(self.data, loc, at_key=at_key), message))


def numbers(text: str) -> set[str]:
    """The figures in `text`, normalised ("4,000" and "4000.0" are both "4000")."""
    return {plain(Decimal(raw.replace(",", ""))) for raw in _NUMBER.findall(text)}


def sections(article: str) -> tuple[str, ...]:
    return tuple(match.group(1) for match in _HEADING.finditer(article))


class Checker:
    """The cross-file rules over the files by relative path (the ids of a broken file are
    None). Like a model's own `rules`, each yields every rule broken: where, and what."""

    def __init__(self, article: str | None, files: Mapping[str, File]) -> None:
        """`article` is None when article.md could not be read (a problem of its own): what
        quotes, sections and figures cite of it is then not checked."""
        self.files = files
        self.topics = {Path(name).stem: files[name] for name in files if name.startswith("topics/")}
        sources, cautions = files["sources.yaml"].model, files["cautions.yaml"].model
        self.source_numbers = {
            source.id: numbers(" ".join((source.name, source.citation, *source.facts)))
            for source in (sources.sources if sources else ())
        }
        self.ids: dict[str, Set[str] | None] = {  # sources in the file's order, for messages
            "source": self.source_numbers.keys() if sources else None,
            "caution": {caution.id for caution in cautions.cautions} if cautions else None,
            "topic": self.topics.keys(),
        }
        self.article_read = article is not None
        self.flat_article = " ".join((article or "").split())
        self.headings = frozenset(sections(article or ""))
        self.article_numbers = numbers(article or "")

    def check(self) -> None:
        """Hold each file that validated to the rules that span files; then every topic id and
        alias must name one topic, a clash reported in both topics' files."""
        for name, file in self.files.items():
            for loc, message in self.rules(name, file.model) if file.model is not None else ():
                file.problem(loc, message)
        topics = {stem: file.model for stem, file in self.topics.items() if file.model is not None}
        owner = {topic_id: topic_id for topic_id in topics}
        for topic_id, topic in topics.items():
            for alias in topic.aliases:
                other = owner.setdefault(alias, topic_id)
                if other != topic_id:
                    for this, that in ((topic_id, other), (other, topic_id)):
                        message = f"alias {alias!r} names both {this!r} and {that!r}"
                        self.topics[this].problem(("aliases",), message)

    def rules(self, name: str, model: Any) -> Broken:
        for loc, kind, item in references(model):
            known = self.ids[kind]
            if known is not None and item not in known:
                has = f" (sources.yaml has: {', '.join(known)})" if kind == "source" else ""
                yield loc, f"unknown {kind} {item!r}{has}"
        if isinstance(model, Topic):
            yield from self.topic(Path(name).stem, model)
        elif isinstance(model, CautionsFile):
            for index, caution in enumerate(model.cautions):
                yield from self.cited(("cautions", index), caution, f"caution {caution.id!r}")
        elif isinstance(model, BandTable):
            yield from self.bands(Path(name).stem, model)
        elif isinstance(model, AgeLimits):
            for side in ("within", "above"):  # a verdict cites nothing: it states no figure
                verdict = getattr(model.verdicts, side)
                for key in ("label", "gauge"):
                    if stated := sorted(numbers(getattr(verdict, key)), key=Decimal):
                        message = f"the {side} verdict's {key} states {', '.join(stated)}"
                        yield (
                            ("verdicts", side, key),
                            f"{message}; it cites no source, so no figure",
                        )
            for index, scale in enumerate(model.limits):
                for number, group in enumerate(scale.groups):
                    where = ("limits", index, "groups", number)
                    yield from self.cited(where, group, f"age group {group.label!r}")
        elif isinstance(model, Units):
            yield from self.units(model)
            if model.age is None and self.files["ages.yaml"].model:
                message = "units.yaml needs its 'age' section (how /dk2 dose reads age:, in months)"
                yield (), message + ": ages.yaml gives limits by age"
        elif name == "questions.yaml":
            for topic_id in model.questions.keys() - self.topics.keys():
                yield ("questions", topic_id), f"unknown topic {topic_id!r}"
        elif name == "messages.yaml":
            yield from messages(templates_of(model))
        elif name == "search.yaml":
            level = self.files["bands/level.yaml"].model
            for band, topic_id in model.level_topics.items():
                if topic_id not in self.topics:
                    yield ("level_topics", band), f"unknown topic {topic_id!r}"
                if level is not None and level.get(band) is None:
                    yield ("level_topics", band), f"bands/level.yaml has no band {band!r}"

    def cited(self, loc: Loc, item: Cited, what: str, *, must_cite: bool = True) -> Broken:
        """The section and quotes an item names exist (its refs are `references`), and its
        text's figures stand in them."""
        if not self.article_read and (item.section or item.quotes or "article" in item.refs):
            return  # article.md is unreadable: said once, at article.md
        if item.section is not None and item.section not in self.headings:
            yield (*loc, "section"), f"section {item.section!r} is not a heading of article.md"
        for index, quote in enumerate(item.quotes):
            if quote not in self.flat_article:
                yield (*loc, "quotes", index), f"quote not found verbatim in article.md: {quote!r}"
        if must_cite and not (item.quotes or item.refs or item.section):
            yield loc, f"{what} names no source (give quotes, section or refs)"
        yield from self.figures((*loc, "text"), item.text, item, what)

    def figures(self, loc: Loc, text: str, item: Cited, what: str) -> Broken:
        """Every number in `text` stands in a source `item` cites: no invented figures."""
        if self.ids["source"] is None:
            return  # which figures a source holds is unknown until sources.yaml is fixed
        if not self.article_read and (item.quotes or item.section or "article" in item.refs):
            return  # nor the article's, until article.md can be read
        allowed: set[str] = set()
        if item.quotes or item.section or "article" in item.refs:
            allowed |= self.article_numbers
        for ref in item.refs:
            allowed |= self.source_numbers.get(ref, set())
        if invented := sorted(numbers(text) - allowed, key=Decimal):
            yield loc, f"{what} uses {', '.join(invented)}, which no source it cites contains"

    def units(self, units: Units) -> Broken:
        """A conversion that names its sources states a figure they hold (40 IU per µg)."""
        groups = {
            "vitamin_d": units.vitamin_d.units,
            "k2": units.k2.units,
            "level": units.level.units,
        }
        for group, listed in groups.items():
            for index, unit in enumerate(listed):
                # Each source states the conversion itself: a figure that one of them holds
                # for something else (IOM 2011's "4 years" for a factor of 4) is not enough.
                given = "factor" if "factor" in unit.model_fields_set else "divisor"
                figure = plain(getattr(unit, given))
                for ref in unit.sources:
                    if figure not in self.source_numbers.get(ref, {figure}):
                        message = f"the {given} of {group} unit {unit.names[0]!r} is {figure},"
                        yield (group, "units", index, given), f"{message} which {ref} doesn't state"
        d2, mcg = units.reading.d2, [u for u in units.vitamin_d.units if "mcg" in u.names]
        per_mcg = plain(mcg[0].factor) if mcg else None
        for ref in d2.sources if per_mcg is not None else ():
            if per_mcg not in self.source_numbers.get(ref, {per_mcg}):
                message = f"D2's IU per µg is {per_mcg} (the mcg factor), which {ref} doesn't state"
                yield ("reading", "d2", "sources"), message
        mk4 = units.reading.mk4
        figure = plain(mk4.pharmacological_mg)
        what = "reading's mk4 pharmacological_mg"
        cites = _Cites(figure, None, (), mk4.sources)
        yield from self.figures(("reading", "mk4", "pharmacological_mg"), figure, cites, what)

    def topic(self, stem: str, topic: Topic) -> Broken:
        if stem != topic.id:
            yield ("id",), f"topic {topic.id!r} must live in {topic.id}.yaml"
        what, source = f"topic {topic.id!r}", topic.source
        yield from self.cited(("source",), source, what)
        yield from self.figures(("title",), topic.title, source, f"{what} title")
        yield from self.figures(("short",), topic.short, source, f"{what} short")
        yield from self.figures(("long",), topic.long, source, f"{what} long")
        for index, other in enumerate(topic.related):
            if other not in self.topics:
                yield ("related", index), f"related topic {other!r} of {topic.id!r} does not exist"

    def bands(self, kind: str, table: BandTable) -> Broken:
        if table.kind != kind:
            yield ("kind",), f"kind must be {kind!r} in bands/{kind}.yaml"
        for index, band in enumerate(table.bands):
            loc: Loc = ("bands", index)
            what = f"{kind} band {band.id!r}"
            yield from self.cited((*loc, "article"), band.article, f"{what} article text")
            for number, ref in enumerate(band.references):
                yield from self.cited((*loc, "references", number), ref, f"{what} reference")
            if band.k2 is not None:
                yield from self.cited((*loc, "k2"), band.k2, f"{what} K2 advice", must_cite=False)
                amount = band.k2.with_amount or ""
                yield from self.figures((*loc, "k2", "with_amount"), amount, band.k2, what)
            # The label and gauge word a reply shows stand on the band's own sources.
            refs = tuple(dict.fromkeys(ref for r in band.references for ref in r.refs))
            cites = _Cites("", band.article.section, band.article.quotes, refs)
            for key in ("label", "gauge"):
                yield from self.figures((*loc, key), getattr(band, key), cites, f"{what} {key}")
            known = self.ids["caution"]
            if band.warning is not None and known is not None and band.warning not in known:
                yield (*loc, "warning"), f"unknown caution {band.warning!r} as warning"
        if (units := self.files["units.yaml"].model) is not None:
            yield from _domain(kind, table, units)
        for index, mark in enumerate(table.marks):
            yield from self.cited(("marks", index), mark, "gauge mark")
            # The figures themselves, not only the label, must stand in the mark's sources.
            figures = " ".join(plain(figure) for figure in mark.figures)
            yield from self.figures(("marks", index), figures, mark, "gauge mark")


def _domain(kind: str, table: BandTable, units: Units) -> Broken:
    """The table's domain holds every value units.yaml lets through (else a reply finds no
    band for it), and a level table's nmol_ranges tile that domain in nmol/L."""
    domain = table.domain
    if kind == "level":  # any result above 0 up to max_ng_ml
        low, high, names = Decimal(0), units.level.max_ng_ml, ("", "level max_ng_ml")
        low_in = domain.low is None or domain.low <= low
    else:  # from min_daily to max_daily, both included
        amounts, name = (units.vitamin_d, "vitamin_d") if kind == "dose" else (units.k2, "k2")
        low, high = amounts.min_daily, amounts.max_daily
        names = (f"{name} min_daily", f"{name} max_daily")
        low_in = low in Interval(domain.low, domain.low_closed, None, False)
    if not low_in:
        what = f"units.yaml's {names[0]}, {plain(low)}" if names[0] else "any result above 0"
        yield (
            ("domain",),
            f"the domain {domain} leaves out {what}, which dk2 accepts: start it at 0",
        )
    if high not in Interval(None, False, domain.high, domain.high_closed):
        what = f"units.yaml's {names[1]}, {plain(high)}"
        message = (
            f"the domain {domain} leaves out {what}, which dk2 accepts: end it at inf"
            f" (or at {plain(high)}, included)"
        )
        yield ("domain",), message
    nmol = [(band.id, band.nmol_range) for band in table.bands if band.nmol_range is not None]
    if nmol and len(nmol) == len(table.bands):
        divisor = next((unit.divisor for unit in units.level.units if unit.divisor != 1), None)
        if divisor is not None:  # 1 ng/mL is `divisor` nmol/L
            low_nmol = None if domain.low is None else domain.low * divisor
            high_nmol = None if domain.high is None else domain.high * divisor
            in_nmol = Interval(low_nmol, domain.low_closed, high_nmol, domain.high_closed)
            for gap in coverage_problems(in_nmol, nmol):
                yield ("bands",), f"nmol_range: {gap}"


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str | None, bool], ...]:
    """Per field of a model: its name, the kind of id it holds if its type is marked `Ref`,
    and whether models can be inside it (so that a list of thousands of words is not walked)."""
    return tuple(
        (
            name,
            next((mark.kind for mark in info.metadata if isinstance(mark, Ref)), None),
            model_inside(info.annotation) is not None,
        )
        for name, info in model.model_fields.items()
    )


def references(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str, str]]:
    """Each id in a field whose type is marked `Ref`, in `model` and the models inside it
    (alone, in a list, or by name): where it is, the kind of thing it names, and the id."""
    for name, kind, nested in _fields(type(model)):
        value, at = getattr(model, name), (*loc, name)
        if kind is not None:
            yield from (((*at, index), kind, item) for index, item in enumerate(value))
        if nested and isinstance(value, BaseModel):
            yield from references(value, at)
        elif nested and isinstance(value, tuple | dict):
            for key, item in value.items() if isinstance(value, dict) else enumerate(value):
                yield from references(item, (*at, key))


# What each message may use, as its messages say it ("{amount}, {label}"): made once.
_CAN = {
    key: ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "no placeholders"
    for key, allowed in MESSAGE_FIELDS.items()
}


def _written(name: str | None, spec: str | None, conversion: str | None) -> str:
    """A placeholder as the message writes it: "{amount:,}", "{amount!r}", "{}"."""
    converted = "!" + conversion if conversion is not None else ""
    return f"{{{name}{converted}{':' + spec if spec else ''}}}"


def messages(templates: Mapping[str, str]) -> Broken:
    """Each message uses only the placeholders the code fills it with, and states no figure."""
    for key, template in templates.items():
        loc, allowed = tuple(key.split(".")), MESSAGE_FIELDS.get(key, frozenset())
        can = _CAN.get(key, "no placeholders")
        try:
            fields = [field for field in string.Formatter().parse(template) if field[1] is not None]
        except ValueError as exc:
            yield loc, f"message {key!r} has a broken placeholder: {exc}"
            continue
        names: set[str] = set()
        for _, name, spec, conversion in fields:
            if not name or name.isdigit():  # "{}" or "{0}": filled by position, never by dk2
                written = _written(name, spec, conversion)
                yield (
                    loc,
                    f"message {key!r} writes {written}; name what it holds: it can use: {can}",
                )
            elif spec or conversion is not None:  # dk2 fills them with finished text, as is
                written = _written(name, spec, conversion)
                yield loc, f"message {key!r} writes {written}; write just {{{name}}}"
            else:
                names.add(name)
        for name in sorted(names - allowed):
            yield loc, f"message {key!r} uses {{{name}}}; it can use: {can}"
        # Examples of what to type (in `code`) may hold numbers; prose may not.
        if numbers(_CODE_SPAN.sub(" ", template)):
            yield loc, f"message {key!r} states a figure; figures belong in bands"
