"""The knowledge base as plain, immutable values, built by `bot.core.loader`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.core.interval import Interval


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    citation: str
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cited:
    """A piece of text and where it comes from: article quotes and/or reference ids."""

    text: str
    section: str | None = None
    quotes: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    group: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    short: str
    long: str
    kind: str  # "article" or "reference"
    source: Cited
    related: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Caution:
    id: str
    text: str
    refs: tuple[str, ...]
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Band:
    id: str
    range: Interval
    label: str
    gauge: str
    colour: int
    article: Cited
    references: tuple[Cited, ...]
    k2: Cited | None
    k2_pairing: str | None
    cautions: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """Figures drawn over a band table's gauge, labelled with their source: cut-points
    (`at`) or a range. `source.text` is the label; its quotes/refs say where they come from."""

    source: Cited
    at: tuple[Decimal, ...] = ()
    range: Interval | None = None


@dataclass(frozen=True, slots=True)
class BandTable:
    kind: str
    title: str
    unit: str
    domain: Interval
    bands: tuple[Band, ...]
    marks: tuple[Mark, ...] = ()

    def find(self, value: Decimal) -> Band | None:
        for band in self.bands:
            if value in band.range:
                return band
        return None

    def get(self, band_id: str) -> Band | None:
        return next((band for band in self.bands if band.id == band_id), None)


@dataclass(frozen=True, slots=True)
class Unit:
    names: tuple[str, ...]
    # One of this unit is factor / divisor base units; exact for both "1 µg = 40 IU" and
    # "1 ng/mL = 2.496 nmol/L".
    factor: Decimal
    sources: tuple[str, ...] = ()
    divisor: Decimal = Decimal(1)

    def to_base(self, number: Decimal) -> Decimal:
        return number * self.factor / self.divisor


@dataclass(frozen=True, slots=True)
class Period:
    names: tuple[str, ...]
    days: int


@dataclass(frozen=True, slots=True)
class Units:
    d_units: tuple[Unit, ...]
    d_base: str
    d_max_daily: Decimal
    d_fillers: tuple[str, ...]
    k2_units: tuple[Unit, ...]
    k2_base: str
    k2_max_daily: Decimal
    k2_fillers: tuple[str, ...]
    periods: tuple[Period, ...]
    level_units: tuple[Unit, ...]
    level_base: str
    level_max: Decimal
    nmol_hint_above: Decimal
    max_input_chars: int


@dataclass(frozen=True, slots=True)
class SearchSettings:
    stopwords: frozenset[str]
    word_similarity: float
    alias_similarity: float
    min_question_score: float
    min_margin: float
    max_suggestions: int


@dataclass(frozen=True, slots=True)
class Messages:
    """All message templates, keyed by dotted path ("errors.too_long")."""

    templates: dict[str, str]

    def get(self, key: str, **values: Any) -> str:
        return self.templates[key].format(**values)


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
    aliases: dict[str, str] = field(default_factory=dict)  # lowercased alias or id -> topic id

    def source_name(self, source_id: str) -> str:
        source = self.sources.get(source_id)
        return source.name if source else source_id
