"""The knowledge files' shapes, declared once: each model validates a file and is what the
code reads. A rule within one file that no type can say (unique ids, bands that tile their
domain) is its model's own `rules`. `bot.core.loader` validates the files with them and
`bot.core.checks` adds the rules that span files; `python -m bot schema` turns them into JSON
Schemas for editors.

A text is trimmed of repeated whitespace (YAML's folded `>-` blocks read as one line), names
people type (aliases, unit spellings) are lowercased, numbers that feed arithmetic are exact
decimals, and band ranges are intervals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from bot.core.interval import INTERVAL, Interval, IntervalError, coverage_problems, plain

Group = Literal[
    "Basics",
    "How calcium is handled",
    "Health effects",
    "Taking them",
    "Safety",
    "Reference figures",
]
BandKind = Literal["dose", "k2", "level"]
Pairing = Literal["not-specific", "optional", "may-help", "not-a-fix"]
TOPIC_GROUPS: tuple[str, ...] = get_args(Group)
BAND_KINDS: tuple[str, ...] = get_args(BandKind)
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
BAND_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
# Cautions the code attaches by situation (dose.py, bandtext.py); cautions.yaml must have them.
CODE_CAUTIONS = ("check-first", "check-first-k2", "blood-thinner", "warfarin", "non-daily", "mk-4")
PATTERN_NAMES = {
    ID_PATTERN: "lowercase a-z, 0-9 and '-'",
    BAND_ID_PATTERN: "lowercase a-z, 0-9 and '_', starting with a letter",
}


# Control characters left once whitespace is squashed: YAML refuses them written raw, but a
# double-quoted escape ("\0", "\x07", "\e") writes one, which would reach a reply.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _squash(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    if not text.isprintable() and (found := _CONTROL.search(text)):  # the regex: rarely
        message = "must not hold the control character U+{code}: remove it (a \\ escape wrote it)"
        raise PydanticCustomError("control", message, {"code": f"{ord(found.group()):04X}"})
    return text


def _number(value: object) -> object:
    """YAML numbers only: "40" in quotes or `true` is a mistake, not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("number", "must be a number")
    if not math.isfinite(value):
        raise PydanticCustomError("number", "must be a finite number")
    return Decimal(str(value)) if isinstance(value, float) else value


def _interval(value: object) -> Interval:
    if isinstance(value, list) and all(isinstance(x, str | int | float) for x in value):
        written = f'"[{", ".join(map(str, value))}]"'  # YAML read an unquoted [0, 90] as a list
        message = "must be quoted: write {written}, or YAML reads it as a list"
        raise PydanticCustomError("interval", message, {"written": written})
    if not isinstance(value, str):
        raise PydanticCustomError("interval", 'must be an interval such as "[1, 2)"')
    try:
        return Interval.parse(value)
    except IntervalError as exc:
        raise PydanticCustomError("interval", "{problem}", {"problem": str(exc)}) from exc


def _colour(value: object) -> int:
    if value is None:  # `colour: #95a5a6`: YAML reads an unquoted # as a comment
        message = 'is empty: quote it, as in "#27ae60" (an unquoted # starts a YAML comment)'
        raise PydanticCustomError("colour", message)
    if not isinstance(value, str) or not re.fullmatch(COLOUR_PATTERN, value):
        message = 'colour {value} must be like "#27ae60"'
        raise PydanticCustomError("colour", message, {"value": repr(value)})
    return int(value[1:], 16)


Text = Annotated[str, BeforeValidator(_squash), StringConstraints(min_length=1)]
Prose = Annotated[Text, Field(max_length=1000)]
Lower = Annotated[Text, AfterValidator(str.lower)]
Texts = tuple[Text, ...]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Number = Annotated[float, BeforeValidator(_number), WithJsonSchema({"type": "number"})]
Ratio = Annotated[
    float,
    BeforeValidator(_number),
    Field(gt=0),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0}),
]
Positive = Annotated[
    Decimal,
    BeforeValidator(_number),
    Field(gt=0),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0}),
]
Figure = Annotated[Decimal, BeforeValidator(_number), WithJsonSchema({"type": "number"})]
Count = Annotated[int, Field(strict=True, ge=1)]
IntervalText = Annotated[
    Interval,
    PlainValidator(_interval),
    WithJsonSchema({"type": "string", "pattern": INTERVAL.pattern, "examples": ["[1000, 2000)"]}),
]
Colour = Annotated[
    int, PlainValidator(_colour), WithJsonSchema({"type": "string", "pattern": COLOUR_PATTERN})
]


@dataclass(frozen=True, slots=True)
class Ref:
    """Marks a field whose ids name entries of another file, which `bot.core.checks` holds to
    exist: "source" (sources.yaml), "caution" (cautions.yaml) or "topic" (topics/)."""

    kind: Literal["source", "caution", "topic"]


SourceIds = Annotated[Texts, Ref("source")]
CautionIds = Annotated[Texts, Ref("caution")]
TopicIds = Annotated[tuple[Id, ...], Ref("topic")]
Loc = tuple[str | int, ...]
NO_RULES = {"rules": False}  # validation context: the shape only, e.g. once the rules are reported
Broken = Iterator[tuple[Loc, str]]  # each rule a model breaks: where in it, and what


class Model(BaseModel):
    """Every knowledge mapping: immutable, and an unknown key is an error, not ignored. Its
    `rules` are what no type can say within it; each one broken is an error at its place."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def rules(self) -> Broken:
        return iter(())

    @model_validator(mode="after")
    def _keeps_its_rules(self, info: ValidationInfo) -> Self:
        if info.context == NO_RULES:
            return self
        errors = [
            InitErrorDetails(
                type=PydanticCustomError("rule", "{rule}", {"rule": rule}), loc=loc, input=None
            )
            for loc, rule in self.rules()
        ]
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


def model_inside(annotation: Any) -> type[BaseModel] | None:
    """The model in a field's type, e.g. `Band` in `tuple[Band, ...]` or in `Band | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(model_inside, get_args(annotation))), None)


def repeats(key: str, ids: list[str], what: str) -> Broken:
    """Each id in the list at `key` that an earlier entry already has."""
    return (((key, i), f"duplicate {what} {x!r}") for i, x in enumerate(ids) if x in ids[:i])


class Cited(Protocol):
    """A text and where it comes from: an article section and quotes, and/or source ids."""

    @property
    def text(self) -> str: ...
    @property
    def section(self) -> str | None: ...
    @property
    def quotes(self) -> tuple[str, ...]: ...
    @property
    def refs(self) -> tuple[str, ...]: ...


# -- sources.yaml ------------------------------------------------------------------------------


class Source(Model):
    """A source a reply may name."""

    id: Id = Field(description="lowercase a-z, 0-9 and '-'; `article` is the source article")
    name: Prose = Field(description="how replies name it, e.g. IOM 2011")
    citation: Prose = Field(description="the full reference")
    facts: Texts = Field(description="the figures taken from it, word for word; may be []")


class SourcesFile(Model):
    sources: tuple[Source, ...] = Field(min_length=1)

    def rules(self) -> Broken:
        ids = [source.id for source in self.sources]
        yield from repeats("sources", ids, "source id")
        if "article" not in ids:
            yield (), "sources.yaml must define the 'article' source"


# -- topics/<id>.yaml --------------------------------------------------------------------------


class TopicSource(Model):
    """Where a topic's answer comes from: the article (section and quotes) or references."""

    kind: Literal["article", "reference"]
    section: Text | None = Field(None, description="a heading of article.md")
    quotes: Texts = Field((), description="each found verbatim in article.md")
    refs: SourceIds = Field((), description="ids from sources.yaml (reference topics)")

    @property
    def text(self) -> str:
        return ""

    def rules(self) -> Broken:
        if self.kind == "article" and (self.section is None or not self.quotes):
            yield (), "an article topic needs 'section' and at least one quote"
        if self.kind == "reference" and not self.refs:
            yield (), "a reference topic must name its 'refs'"
        if self.kind == "reference" and "article" in self.refs:
            message = "a reference topic cites the article with 'section' and 'quotes', not refs"
            yield ("refs",), message


class Topic(Model):
    """One curated topic, answered by /dk2 explain."""

    id: Id = Field(description="lowercase a-z, 0-9 and '-'; the file is named <id>.yaml")
    title: Text = Field(max_length=100)
    group: Group = Field(description="/dk2 topics lists topics under their group")
    aliases: tuple[Lower, ...] = Field(description="other names a member may type; unique")
    keywords: tuple[Lower, ...] = Field((), description="words that point a question here")
    short: Text = Field(max_length=400, description="fits one chat reply")
    long: Text = Field(max_length=1500, description="the fuller answer")
    source: TopicSource
    related: Texts = Field(description="ids of other topics")
    examples: Texts = Field((), description="questions members ask that this topic answers")
    cautions: CautionIds = Field(
        (), description="ids from cautions.yaml the answer carries (dose or pairing advice)"
    )

    @property
    def kind(self) -> str:
        return self.source.kind

    def rules(self) -> Broken:
        for index in (i for i, other in enumerate(self.related) if other == self.id):
            yield ("related", index), "a topic can't be related to itself"


# -- cautions.yaml -----------------------------------------------------------------------------


class Caution(Model):
    """A caution band replies attach; its figures must stand in its sources."""

    id: Id = Field(description="lowercase a-z, 0-9 and '-'; bands list these ids")
    text: Prose
    refs: SourceIds = Field(description="ids from sources.yaml")
    quotes: Texts = Field((), description="each found verbatim in article.md")

    @property
    def section(self) -> None:
        return None


class CautionsFile(Model):
    cautions: tuple[Caution, ...]

    def rules(self) -> Broken:
        ids = [caution.id for caution in self.cautions]
        yield from repeats("cautions", ids, "caution id")
        if missing := [cid for cid in CODE_CAUTIONS if cid not in ids]:
            yield ("cautions",), f"cautions the code attaches are missing: {missing}"


# -- bands/<kind>.yaml -------------------------------------------------------------------------


class ArticleText(Model):
    """What the article says about a band; the text's figures must stand in the article."""

    section: Text = Field(description="a heading of article.md")
    text: Prose
    quotes: Texts = Field(description="each found verbatim in article.md")

    @property
    def refs(self) -> tuple[str, ...]:
        return ()


class Reference(Model):
    """A published figure, labelled as not the article's."""

    text: Prose
    refs: SourceIds = Field(min_length=1, description="ids from sources.yaml, never article")

    def rules(self) -> Broken:
        if "article" in self.refs:
            yield ("refs",), "reference figures must not cite the article"

    @property
    def section(self) -> None:
        return None

    @property
    def quotes(self) -> tuple[str, ...]:
        return ()


class K2Advice(Model):
    """The K2 pairing advice of a dose band; with no quote it may state no figure."""

    text: Prose
    with_amount: Prose | None = Field(
        None,
        description="the advice when a K2 amount is placed on the K2 bands, whose line states"
        " the typical amount: the text without it (its figures a subset of the text's)",
    )
    quotes: Texts = Field(description="each found verbatim in article.md")
    pairing: Pairing

    @property
    def section(self) -> None:
        return None

    @property
    def refs(self) -> tuple[str, ...]:
        return ("article",) if self.quotes else ()


class Band(Model):
    """One band of a table: where a value sits, and what the sources say about it."""

    id: str = Field(pattern=BAND_ID_PATTERN)
    range: IntervalText = Field(description="[ ] include the edge, ( ) exclude it; inf")
    label: Text = Field(max_length=120)
    gauge: Text = Field(max_length=20, description="the word on the reply's gauge")
    colour: Colour = Field(description='the reply\'s colour, like "#27ae60"')
    article: ArticleText
    references: tuple[Reference, ...]
    k2: K2Advice | None = Field(None, description="required in dose bands")
    cautions: CautionIds = Field(description="ids from cautions.yaml")
    topics: Annotated[Texts, Ref("topic")] = Field(
        (), description="ids of topics the reply points to"
    )
    warning: Text | None = Field(
        None, description="a caution id shown before anything else in the reply"
    )
    nmol_range: IntervalText | None = Field(
        None, description="level bands: the same band on the IOM's nmol/L cut-points"
    )

    @property
    def k2_pairing(self) -> str | None:
        return self.k2.pairing if self.k2 else None


class Mark(Model):
    """Figures drawn under a table's gauge and written under its text, labelled with their
    source: cut-points (`at`) or a range. Like any figure, they must stand in that source."""

    text: Text = Field(max_length=60, description="the label, e.g. IOM 2011 cut-points")
    at: tuple[Figure, ...] = Field((), description="cut-points, in the table's unit")
    range: IntervalText | None = Field(None, description='a range, like "[30, 50]"')
    section: Text | None = Field(None, description="a heading of article.md")
    quotes: Texts = Field((), description="each found verbatim in article.md")
    refs: SourceIds = Field((), description="ids from sources.yaml")

    def rules(self) -> Broken:
        if bool(self.at) == (self.range is not None):
            yield (), "a gauge mark gives either 'at' (cut-points) or 'range'"
        if self.range is not None and (self.range.low is None or self.range.high is None):
            yield ("range",), "a gauge mark's range must be finite"

    @property
    def figures(self) -> tuple[Decimal, ...]:
        """Every figure the mark shows: its cut-points, or its range's two edges."""
        if self.range is not None and self.range.low is not None and self.range.high is not None:
            return (self.range.low, self.range.high)
        return tuple(sorted(self.at))


class BandTable(Model):
    """A band table for /dk2 dose or /dk2 level: bands that tile the domain exactly."""

    kind: BandKind = Field(description="the same as the file name")
    title: Text = Field(max_length=100)
    unit: Text = Field(max_length=20)
    domain: IntervalText = Field(description="every value dk2 can place")
    bands: tuple[Band, ...] = Field(min_length=1, description="in order, lowest first")
    marks: tuple[Mark, ...] = Field(
        (), description="figures the gauge draws under the bands, each labelled by its source"
    )

    def rules(self) -> Broken:
        """Unique band ids; bands that tile the domain (and nmol/L ranges for all or none); K2
        advice in every dose band; every gauge mark's figures inside the domain."""
        ids = [band.id for band in self.bands]
        nmol = [(band.id, band.nmol_range) for band in self.bands if band.nmol_range]
        if len(set(ids)) < len(ids):
            yield from repeats("bands", ids, "band id")
        else:
            for gap in coverage_problems(self.domain, [(b.id, b.range) for b in self.bands]):
                yield ("bands",), gap
            if nmol and len(nmol) != len(self.bands):
                yield ("bands",), "give every band an nmol_range, or none"
            # The nmol_ranges tile the domain in nmol/L: units.yaml's divisor (bot.core.checks).
        for index, band in enumerate(self.bands):
            if self.kind == "dose" and band.k2 is None:
                yield ("bands", index), f"dose band {band.id!r} needs K2 pairing advice ('k2')"
        for index, mark in enumerate(self.marks):
            for figure in (figure for figure in mark.figures if figure not in self.domain):
                shown = plain(figure)
                yield ("marks", index), f"gauge mark at {shown} is outside the domain {self.domain}"

    def find(self, value: Decimal) -> Band | None:
        for band in self.bands:
            if value in band.range:
                return band
        return None

    def get(self, band_id: str) -> Band | None:
        return next((band for band in self.bands if band.id == band_id), None)

    def find_nmol(self, value: Decimal) -> Band | None:
        """The band holding a result typed in nmol/L, on the bands' own nmol/L ranges."""
        for band in self.bands:
            if band.nmol_range is not None and value in band.nmol_range:
                return band
        return None


# -- units.yaml --------------------------------------------------------------------------------


def _one_of_factor_divisor(schema: dict[str, Any]) -> None:
    for key in ("factor", "divisor"):
        del schema["properties"][key]["default"]
    schema["oneOf"] = [{"required": ["factor"]}, {"required": ["divisor"]}]


class Unit(Model):
    """One of this unit is factor / divisor base units; exact for both "1 µg = 40 IU" and
    "1 ng/mL = 2.496 nmol/L". A unit gives one of the two."""

    model_config = ConfigDict(json_schema_extra=_one_of_factor_divisor)

    names: tuple[Lower, ...] = Field(min_length=1)
    factor: Positive = Decimal(1)
    divisor: Positive = Decimal(1)
    sources: SourceIds = ()

    def rules(self) -> Broken:
        if ("factor" in self.model_fields_set) == ("divisor" in self.model_fields_set):
            yield (), "give exactly one of 'factor' or 'divisor'"

    def to_base(self, number: Decimal) -> Decimal:
        return number * self.factor / self.divisor


class Period(Model):
    names: tuple[Lower, ...] = Field(min_length=1)
    days: Count


class DoseUnits(Model):
    base_unit: Annotated[Text, Field(max_length=20)]
    units: tuple[Unit, ...]
    fillers: tuple[Lower, ...] = ()
    max_daily: Positive
    min_daily: Positive = Field(
        description="less than this a day shows as nothing in a reply: refused like 0"
    )

    def rules(self) -> Broken:
        if self.min_daily >= self.max_daily:
            low, high = (plain(x) for x in (self.min_daily, self.max_daily))
            yield ("min_daily",), f"min_daily ({low}) must be below max_daily ({high})"


class K2Units(DoseUnits):
    """The K2 amount's units, and the K2 forms dk2 tells apart in what a member types."""

    forms: dict[Lower, tuple[Lower, ...]] = Field(
        default_factory=dict, description="each form's spellings; each is also a filler"
    )
    banded_form: Lower = Field("mk-7", description="the form the K2 bands are for")


class AgeUnits(Model):
    """How `age:` is read, in months; a bare number is read in the first unit."""

    base_unit: Annotated[Text, Field(max_length=20)]
    units: tuple[Unit, ...] = Field(min_length=1)


class LevelUnits(Model):
    base_unit: Annotated[Text, Field(max_length=20)]
    units: tuple[Unit, ...]
    max_ng_ml: Positive
    nmol_hint_above: Positive


class Span(Model):
    """A span of time in a counted frequency ("every 2 weeks", "twice a week")."""

    names: tuple[Lower, ...] = Field(min_length=1, description="singular and plural spellings")
    days: Count


class D2Words(Model):
    """Vitamin D2 (ergocalciferol): counted like D3, but D3 raises blood levels more."""

    names: tuple[Lower, ...] = Field(min_length=1)
    sources: SourceIds = Field(min_length=1, description="sources.yaml ids: D2's IU per µg")
    compare_sources: SourceIds = Field(
        min_length=1, description="sources.yaml ids: D3 raises blood levels more than D2"
    )


class Mk4Words(Model):
    """MK-4 in milligrams is a real pharmacological dose: no µg mix-up hint for it."""

    names: tuple[Lower, ...] = Field(min_length=1)
    pharmacological_mg: Positive = Field(description="the daily mg dose the sources name")
    sources: SourceIds = Field(min_length=1, description="sources.yaml ids for that dose")


# A word listed twice is harmless, so the schema doesn't ask for unique items either.
WordSet = Annotated[
    frozenset[Lower], WithJsonSchema({"type": "array", "items": {"type": "string"}})
]


class Reading(Model):
    """The words around an amount that /dk2 dose and /dk2 level read (bot.core.tokens)."""

    spans: tuple[Span, ...] = Field(min_length=1)
    every: tuple[Lower, ...] = Field(description='"every 2 weeks"')
    times: tuple[Lower, ...] = Field(description='"2x/week", "3 times a day"')
    per: tuple[Lower, ...] = Field(description='"twice a week", "2x per day"')
    durations: tuple[Lower, ...] = Field(description='"for 2 weeks": how long, not how often')
    counts: dict[Lower, Count] = Field(description='count words: "twice" is 2')
    d2: D2Words
    mk4: Mk4Words
    forms: tuple[Lower, ...] = Field(description='what a dose comes in: "2 drops" asks how much')
    max_count: Count = Field(description='"2 drops" is a count; a number above this is an amount')
    weekly_capsules_iu: tuple[Positive, ...] = Field(
        description="capsule strengths usually taken weekly: 1.25 mg is one, not an IU typo"
    )
    child_words: WordSet = Field(description="words that say the dose is for a child")
    not_units: WordSet = Field(description="ordinary words that may follow a number")
    below: tuple[Lower, ...] = Field(description='lab notation for "below": "<10"')
    above: tuple[Lower, ...] = Field(description='lab notation for "above": ">150"')
    range_words: tuple[Lower, ...] = Field(description='"1000-2000", "1000 to 2000"')
    level_names: tuple[Lower, ...] = Field(description="test names with a number: 25(OH)D")

    @property
    def span_days(self) -> dict[str, int]:
        return {name: span.days for span in self.spans for name in span.names}


class Units(Model):
    vitamin_d: DoseUnits
    k2: K2Units
    periods: tuple[Period, ...]
    level: LevelUnits
    age: AgeUnits | None = None
    max_input_chars: Count
    reading: Reading

    @property
    def age_units(self) -> tuple[Unit, ...]:
        return self.age.units if self.age else ()

    def rules(self) -> Broken:
        """K2 form spellings are fillers (the amount parser reads past them), the banded form
        is one of the forms, the units the code looks up are there, a spelling names one thing
        where it is read (a unit or period of one option), and no filler is spelled like one."""
        for form, names in self.k2.forms.items():
            for name in (name for name in names if name not in self.k2.fillers):
                yield ("k2", "forms", form), f"form spelling {name!r} isn't a filler"
        if self.k2.forms and self.k2.banded_form not in self.k2.forms:
            yield (
                ("k2", "banded_form"),
                f"banded_form {self.k2.banded_form!r} isn't one of the forms",
            )
        yield from self._what_the_code_reads()
        periods = _spellings(("periods",), self.periods)
        broken = (  # what one option reads: each spelling there names one thing
            *_spelled_once([*_spellings(("vitamin_d", "units"), self.vitamin_d.units), *periods]),
            *_spelled_once([*_spellings(("k2", "units"), self.k2.units), *periods]),
            *_spelled_once(_spellings(("level", "units"), self.level.units)),
            *_spelled_once(_spellings(("age", "units"), self.age_units)),
        )
        yield from dict.fromkeys(broken)  # a period listed twice, once
        # /dk2 dose reads a unit or period spelling before a filler: a filler spelled like one
        # would never be read past.
        units = (*self.vitamin_d.units, *self.k2.units)
        read_first = {
            name
            for names in (*(u.names for u in units), *(p.names for p in self.periods))
            for name in names
        }
        for kind in ("vitamin_d", "k2"):
            for index, name in enumerate(getattr(self, kind).fillers):
                if name in read_first:
                    message = (
                        f"filler {name!r} is also a unit or period spelling, which dk2 reads first"
                    )
                    yield (kind, "fillers", index), message

    def _what_the_code_reads(self) -> Broken:
        """The units the code looks up by name or shape (bot.core.dosetext, replies, child,
        level): there, and in the shape it reads them in."""
        if self.vitamin_d.base_unit != "IU":
            yield ("vitamin_d", "base_unit"), "vitamin D's base_unit must be IU (ages.yaml's is)"
        for spelling in ("iu", "mcg"):
            unit = next((u for u in self.vitamin_d.units if spelling in u.names), None)
            if unit is None:
                message = f"vitamin_d units must include the spelling {spelling!r}"
                yield ("vitamin_d", "units"), message
            elif spelling == "iu" and (unit.factor, unit.divisor) != (Decimal(1), Decimal(1)):
                yield ("vitamin_d", "units"), "the unit spelled 'iu' must have factor: 1"
        if sum(unit.divisor != 1 for unit in self.level.units) != 1:
            message = (
                "level units must give exactly one unit, nmol/L, by its divisor "
                "(divisor: 2.496, as 1 ng/mL is 2.496 nmol/L); the others by factor"
            )
            yield ("level", "units"), message


def _spellings(
    loc: Loc, named: tuple[Unit, ...] | tuple[Period, ...]
) -> list[tuple[Loc, tuple[str, ...]]]:
    return [((*loc, index), names) for index, names in enumerate(x.names for x in named)]


def _spelled_once(places: list[tuple[Loc, tuple[str, ...]]]) -> Broken:
    """Each spelling that an earlier place (a unit, a period) read by the same option has."""
    seen: set[str] = set()
    for loc, names in places:
        for index, name in enumerate(names):
            if name in seen:
                yield (*loc, "names", index), f"spelling {name!r} is listed twice"
            seen.add(name)


# -- ages.yaml ---------------------------------------------------------------------------------


class AgeGroup(Model):
    """One age group's upper limit on one scale (IOM, EFSA), with its source."""

    ages: IntervalText = Field(description="in months: [12, 48) is the IOM's 1–3 years")
    label: Annotated[Text, Field(max_length=60)]
    ul: Positive = Field(description="the upper limit a day, in the scale's unit")
    refs: SourceIds = Field(min_length=1, description="ids from sources.yaml")

    @property
    def text(self) -> str:
        """What the group states, whose figures its sources must hold: its label and limit."""
        return f"{self.label} {format(self.ul.normalize(), 'f')}"

    @property
    def section(self) -> None:
        return None

    @property
    def quotes(self) -> tuple[str, ...]:
        return ()


class AgeScale(Model):
    scale: Annotated[Text, Field(max_length=20)]
    unit: Literal["IU", "µg"] = Field(
        description="IU, or µg converted at units.yaml's IU per mcg (bot.core.child)"
    )
    groups: tuple[AgeGroup, ...] = Field(min_length=1)

    def find(self, months: Decimal) -> AgeGroup | None:
        return next((group for group in self.groups if months in group.ages), None)


class Verdict(Model):
    label: Annotated[Text, Field(max_length=120)]
    gauge: Annotated[Text, Field(max_length=20)]
    colour: Colour


class Verdicts(Model):
    within: Verdict
    above: Verdict


class AgeLimits(Model):
    """Children's upper limits by age: the first scale places a child's dose."""

    adult_from: Positive = Field(description="months; from here on the adult bands apply")
    oldest: Positive = Field(description="months; an older age is a typo")
    limits: tuple[AgeScale, ...] = Field(min_length=1)
    verdicts: Verdicts

    def rules(self) -> Broken:
        """An adult's age is below oldest; each scale's groups cover every child's age, birth
        to adult_from, exactly once."""
        if self.oldest <= self.adult_from:
            oldest, adult = (plain(x) for x in (self.oldest, self.adult_from))
            message = f"oldest ({oldest} months) must be above adult_from ({adult} months)"
            yield ("oldest",), message + ": 130 years is 1560"
        children = Interval(Decimal(0), True, self.adult_from, False)
        for index, scale in enumerate(self.limits):
            ranges = [(group.label, group.ages) for group in scale.groups]
            for gap in coverage_problems(children, ranges):
                yield ("limits", index, "groups"), f"scale {scale.scale!r}: {gap}"


# -- search.yaml -------------------------------------------------------------------------------


class VitaminScope(Model):
    """The words that name one vitamin in a question, and the topics about it alone."""

    words: tuple[Lower, ...] = Field(min_length=1, description="words and phrases naming it")
    topics: TopicIds = Field(description="topics about this vitamin and no other")


class DoseQuestions(Model):
    """What says a question asks how much to take, not which blood level to aim for; the
    topics such a question counts for less (on blood levels alone, the article's overview), and
    the topics on doses alone that a question naming a blood level and no dose counts for less."""

    words: tuple[Lower, ...] = Field(
        min_length=1,
        description="words and phrases asking about an amount to take; an amount in IU, µg or "
        "mg counts too",
    )
    level_words: tuple[Lower, ...] = Field(
        description="words and phrases naming a blood level or its test; a question naming one, "
        "or an amount in ng/mL or nmol/L, is not a dose question"
    )
    topics: TopicIds = Field(
        min_length=1,
        description="topics a dose question does not ask for: those on blood levels alone, the "
        "article's overview",
    )
    dose_topics: TopicIds = Field(
        (),
        description="topics on doses alone, which a question naming a blood level in ng/mL or "
        "nmol/L and no dose counts for less",
    )
    weight: Number = Field(
        description="what those topics keep of their scores, from words and from meaning, for "
        "a dose question, and the dose topics for a blood-level one (1: as much as the others)"
    )


# What the answer gate reads of a ranking (bot.core.search.TopicIndex.gate_signals).
GateSignal = Literal[
    "learnt",
    "lead",
    "similarity",
    "coverage",
    "agreed",
    "words_first",
    "contested",
    "off_topic",
    "word_score",
    "best",
]


class AnswerGate(Model):
    """A logistic regression over a ranking's signals: how likely its best topic is right,
    for a question the rules would only suggest topics for."""

    weights: dict[GateSignal, Number] = Field(
        description="per signal, what it adds to the log-odds"
    )
    bias: Number = Field(description="the log-odds with every signal at 0")
    probability: Number = Field(
        description="the gate's probability at which the best topic is answered; above 1: never"
    )


class SearchSettings(Model):
    stopwords: WordSet
    word_similarity: Ratio
    refusing_word_similarity: Ratio
    alias_similarity: Ratio
    min_question_score: Ratio
    min_margin: Number
    max_suggestions: Annotated[int, Field(strict=True, ge=1, le=25)]
    min_coverage: Number = Field(description="share of a question's words (by idf) dk2 must know")
    contested_margin: Number | None = Field(
        None,
        description="min_margin when meaning alone puts another topic first by more than "
        "contest_gap; none: the same",
    )
    contest_gap: Number = Field(
        0.0, description="how much closer in meaning another topic must be to contest the best"
    )
    k1: Ratio = Field(description="BM25 term-frequency saturation")
    b: Number = Field(description="BM25 length normalisation, 0 to 1")
    meaning_weight: Number = Field(description="weight of the embedding similarity; 0: words only")
    min_similarity: Number = Field(
        0.0, description="least closeness of meaning to the best topic's nearest example"
    )
    agreed_similarity: Number = Field(
        2.0,
        description="closeness of meaning at which a topic ranked first by words and by "
        "meaning alike is answered without the margin",
    )
    words_first_margin: Number | None = Field(
        None,
        description="the lead that answers when words alone rank the best topic first too and "
        "meaning ranks it among its first words_first_meaning_rank; none: min_margin as usual",
    )
    words_first_meaning_rank: Annotated[int, Field(strict=True, ge=1, le=25)] = Field(
        1, description="how far down meaning's own order the words' first topic may be"
    )
    amount_units: WordSet = Field(
        description="unit words that, after a number, belong to an amount"
    )
    out_of_scope: tuple[Lower, ...] = Field(description="words and phrases dk2 never answers on")
    urgent: tuple[Lower, ...] = Field(
        (),
        description="words and phrases saying someone may need urgent care now (a child who "
        "swallowed a bottle, 'should i go to the er'): such a question gets the urgent-care "
        "message, never a topic",
    )
    subject_words: tuple[Lower, ...] = Field(
        (),
        description="words and phrases that say a question is about dk2's subject; a question "
        "with none of them gets suggestions, never an answer (empty: every question may be "
        "answered)",
    )
    everyday_subject_words: tuple[Lower, ...] = Field(
        (),
        description="subject words that are everyday health words too; a question whose only "
        "subject words are these and that holds a word dk2 does not know names nothing of the "
        "subject",
    )
    unnamed_subject_similarity: Number = Field(
        2.0,
        description="closeness of meaning at which a question naming nothing of the subject "
        "is answered anyway, when dk2 knows all its words and words and meaning both rank its "
        "topic first (above 1: never)",
    )
    unnamed_subject_probability: Number = Field(
        2.0,
        description="the classifier's probability for the best topic at which a question "
        "naming nothing of the subject is answered anyway, when dk2 knows all its words "
        "(above 1: never)",
    )
    safety_first: TopicIds = Field(
        (), description="topics that answer a question naming them whenever they are suggested"
    )
    negations: tuple[Lower, ...] = Field(
        (),
        description="words that, just before the title or an alias of a safety_first topic "
        '("no blood thinners", "not on warfarin"), say it is not the member\'s: both are '
        "read as not there, for the topics (never for the urgent and out-of-scope checks)",
    )
    vitamins: dict[Lower, VitaminScope] = Field(
        {},
        description="per vitamin, the words naming it and the topics about it alone: a "
        "question naming one vitamin and not the others counts another's topics for less",
    )
    other_vitamin_weight: Number = Field(
        1.0,
        description="what a topic about another vitamin alone keeps of its scores, from words "
        "and from meaning, for a question naming one vitamin only (1: as much as the others)",
    )
    both_vitamins_aside: TopicIds = Field(
        (),
        description="topics on one vitamin alone that a question naming several vitamins "
        "counts for less",
    )
    both_vitamins_weight: Number = Field(
        1.0,
        description="what those topics keep of their scores, from words and from meaning, "
        "for a question naming several vitamins (1: as much as the others)",
    )
    figure_weight: Number = Field(
        0.0,
        description="what an amount named in a question ('600 iu', '20 ng/ml') adds to each "
        "topic printing it, per unit of its idf among the topics; 0: nothing",
    )
    level_topics: dict[str, Id] = Field(
        {},
        description="per band id of bands/level.yaml, the topic a blood level named in a "
        "question and falling in that band points to",
    )
    level_weight: Number = Field(
        1.0,
        description="what the other topics of level_topics keep of their scores, from words "
        "and from meaning, for a question naming such a level (1: as much as the others)",
    )
    dose_questions: DoseQuestions | None = Field(
        None,
        description="how a question about how much to take is told from one about blood "
        "levels, and what the topics on levels keep for it; none: not told apart",
    )
    synonyms: dict[Lower, Lower] = Field(
        {},
        description="members' words and phrases (slang, abbreviations, brand names) and the "
        "words search reads them as",
    )
    classifier_weight: Number = Field(
        0.0,
        description="what the classifier's probability for a topic, learnt from its names, "
        "examples and questions.yaml, adds to its fused score; 0: no classifier",
    )
    answer_probability: Number = Field(
        2.0,
        description="the classifier's probability for the best topic at which a question that "
        "names the subject and is known and close enough is answered, however small its lead; "
        "above 1: never",
    )
    answer_gate: AnswerGate | None = Field(
        None,
        description="learnt from the tuning questions by tests/core/eval/fit_gate.py: answers "
        "a question the rules above would only suggest topics for; none: off",
    )
    off_topic_probability: Number = Field(
        2.0,
        description="the classifier's probability that a question is off-topic (learnt from "
        "questions.yaml's off_topic) at which dk2 suggests instead of answering; above 1: never",
    )

    def rules(self) -> Broken:
        subject = set(self.subject_words)
        for at, word in enumerate(self.everyday_subject_words):
            if word not in subject:
                yield ("everyday_subject_words", at), f"'{word}' is not one of subject_words"


# -- questions.yaml ----------------------------------------------------------------------------


# Checked by pydantic-core alone (not Text's Python squash: thousands of these, read on every
# load, and written by a script that already squashes their spaces).
Asked = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _lines(raw: object, handler: ValidatorFunctionWrapHandler) -> object:
    """A block of text, one question per line (blank lines skipped), each stripped: nothing
    left for `Asked` to check, thousands of times a load; a YAML list's entries it checks."""
    return (
        tuple(filter(None, map(str.strip, raw.splitlines())))
        if isinstance(raw, str)
        else handler(raw)
    )


# One YAML text block per topic rather than a list: a list's thousands of scalars took 9 ms of
# every load to read, a block of lines about 1 ms.
AskedLines = Annotated[
    tuple[Asked, ...],
    WrapValidator(_lines),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "one question per line (a `|-` block), or a list",
        }
    ),
]


class QuestionsFile(Model):
    """Questions as members write them, each under the topic that answers it, and questions
    no topic may answer: what search's classifier learns from, besides each topic's names and
    examples. Never shown."""

    questions: dict[Id, AskedLines] = Field(
        description="per topic id, questions it answers, in members' own words"
    )
    off_topic: AskedLines = Field(
        (),
        description="questions dk2 must not answer: other subjects, a diagnosis, changing a "
        "prescribed treatment",
    )


# -- messages.yaml: its model is built from bot.core.message_keys ------------------------------


@dataclass(frozen=True, slots=True)
class Messages:
    """All message templates, keyed by dotted path ("errors.too_long")."""

    templates: dict[str, str]

    def get(self, key: str, **values: Any) -> str:
        # format_map reads the keywords' own dict: format(**values) would copy it again.
        return self.templates[key].format_map(values)


@dataclass(frozen=True, slots=True, eq=False)
class KnowledgeBase:
    """One loaded, validated knowledge base. Compared and hashed by identity, so derived
    indexes can be cached per loaded instance."""

    article: str
    sections: tuple[str, ...]
    sources: dict[str, Source]
    topics: dict[str, Topic]
    cautions: dict[str, Caution]
    bands: dict[str, BandTable]
    units: Units
    messages: Messages
    search: SearchSettings
    version: str
    loaded_at: datetime
    ages: AgeLimits | None = None
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    off_topic: tuple[str, ...] = ()

    def source_name(self, source_id: str) -> str:
        source = self.sources.get(source_id)
        return source.name if source else source_id
