"""The parts of a band reply that depend only on the band, built once per knowledge base.

A dose or level reply is mostly fixed text (what the article says, reference figures,
cautions, related topics, sources); only the member's own numbers change. Building the fixed
part once per band keeps each reply to parsing and a few string fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.core.citing import caution_lines, labelled_lines, source_refs, unique
from bot.core.gauge import gauge
from bot.core.model import Band, Cited, KnowledgeBase
from bot.core.reply import Section, SourceRef

# The caution every band reply ends its cautions with: one short line linking the topic.
CHECK_FIRST = "check-first"
# The same line after the full anticoagulant caution, which already covers blood thinners.
CHECK_FIRST_K2 = "check-first-k2"
# Cautions about what K2 does, shown with the K2 advice rather than among the cautions.
K2_NOTES = ("k2-evidence",)
# The anticoagulant caution folded into the always-applicable line (a reply that mentions K2
# without a K2 amount), and the full one that replaces it when a K2 amount is given: the
# member takes K2, so which drugs are vitamin K antagonists matters there.
SHORT_ANTICOAGULANT = "blood-thinner"
FULL_ANTICOAGULANT = "warfarin"


@dataclass(frozen=True, slots=True)
class BandText:
    # The band's warning, shown before anything else, with its sources named.
    warning: str | None
    article: Section
    references: Section | None
    cautions: Section
    related: Section | None
    caution_ids: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    gauge: str
    # The K2 part of a dose reply: the band's pairing advice, and what the article and the
    # references say of the K2 amount's band (the amount itself is filled in per reply).
    k2_advice: str | None
    k2_band_text: str | None
    k2_notes: str | None


@lru_cache(maxsize=1024)
def band_text(
    kb: KnowledgeBase,
    kind: str,
    band_id: str,
    k2_band_id: str | None = None,
    unit_refs: tuple[str, ...] = (),
    k2_given: bool = False,
) -> BandText:
    """Fixed sections of a `kind` band reply, with a K2 band's when one was given
    (`k2_given`: a K2 amount came with the dose, placed on a band or not)."""
    msg = kb.messages
    band = _band(kb, kind, band_id)
    k2_band = _band(kb, "k2", k2_band_id) if k2_band_id else None
    references = None
    if band.references:
        refs = ((cited.text, cited.refs) for cited in band.references)
        references = Section(msg.get("headings.references"), labelled_lines(kb, refs))
    caution_ids = tuple(
        unique([*band.cautions, *(k2_band.cautions if k2_band else ()), CHECK_FIRST])
    )
    if k2_given:
        # Whatever the bands attach (a very high dose attaches none, an MK-4 amount has no
        # K2 band): a member who takes K2 gets the full anticoagulant caution.
        swapped = [FULL_ANTICOAGULANT if cid == SHORT_ANTICOAGULANT else cid for cid in caution_ids]
        caution_ids = tuple(unique([*swapped, FULL_ANTICOAGULANT]))
    if FULL_ANTICOAGULANT in caution_ids:
        caution_ids = tuple(cid for cid in caution_ids if cid != SHORT_ANTICOAGULANT)
    shown = tuple(cid for cid in caution_ids if cid not in K2_NOTES)
    cautions = Section(msg.get("headings.cautions"), cautions_text(kb, shown))
    notes = [cid for cid in caution_ids if cid in K2_NOTES]
    k2_notes = caution_lines(kb, notes) if notes else None
    related = None
    if band.topics:
        topics = ", ".join(f"`{topic}`" for topic in band.topics)
        related = Section(msg.get("headings.related"), msg.get("explain.read_more", topics=topics))
    # Reference lines, cautions and the warning name their sources where they stand; the
    # sources line adds the article's sections and what the unlabelled lines lean on.
    cited: list[Cited] = [band.article]
    if band.k2 is not None:
        cited.append(band.k2)
    if k2_band is not None:
        cited.append(k2_band.article)
    k2_band_text = None
    if k2_band is not None:
        k2_band_text = labelled_lines(kb, ((item.text, item.refs) for item in k2_band.references))
    return BandText(
        warning=warning_line(kb, band.warning) if band.warning else None,
        gauge=gauge(kb.bands[kind], band, msg),
        k2_advice=_k2_advice(band, placed=k2_band is not None),
        k2_band_text=k2_band_text,
        k2_notes=k2_notes,
        article=Section(msg.get("headings.article"), band.article.text),
        references=references,
        cautions=cautions,
        related=related,
        caution_ids=caution_ids,
        sources=_sources(kb, cited, [*unit_refs, *kb.cautions[CHECK_FIRST].refs]),
    )


def _sources(kb: KnowledgeBase, cited: list[Cited], refs: list[str]) -> tuple[SourceRef, ...]:
    """The sources, each once; several article sections are named in one entry (the first
    section's label names them all, the others have none)."""
    found = source_refs(kb, cited, refs)
    sections = [source for source in found if source.section]
    if len(sections) <= 1:
        return found
    joined = "”, “".join(str(source.section) for source in sections)
    label = kb.messages.get("dose.sources_article", sections=joined)
    return tuple(
        s._replace(label=label if s is sections[0] else None) if s.section else s for s in found
    )


def warning_line(kb: KnowledgeBase, caution_id: str) -> str:
    """A warning caution as the first line of a reply, its sources named."""
    caution = kb.cautions[caution_id]
    sources = ", ".join(kb.source_name(ref) for ref in caution.refs)
    return kb.messages.get("dose.warning", text=caution.text, sources=sources)


def cautions_text(kb: KnowledgeBase, caution_ids: tuple[str, ...]) -> str:
    """Band cautions as labelled bullets, then the always-applicable line on its own (with
    the one-line anticoagulant caution folded in when the reply has it)."""
    last = (SHORT_ANTICOAGULANT, FULL_ANTICOAGULANT, CHECK_FIRST)
    specific = [cid for cid in caution_ids if cid not in last]
    lines = [caution_lines(kb, specific)] if specific else []
    if SHORT_ANTICOAGULANT in caution_ids:
        lines.append(kb.cautions[SHORT_ANTICOAGULANT].text)
    elif FULL_ANTICOAGULANT in caution_ids:
        full = kb.cautions[FULL_ANTICOAGULANT]
        names = ", ".join(kb.source_name(ref) for ref in full.refs)
        lines.append(f"{full.text} ({names}) {kb.cautions[CHECK_FIRST_K2].text}")
    elif CHECK_FIRST in caution_ids:
        lines.append(kb.cautions[CHECK_FIRST].text)
    return "\n".join(lines)


def _k2_advice(band: Band, *, placed: bool) -> str | None:
    """The band's K2 advice; with a K2 amount placed on the K2 bands, the variant that leaves
    out the typical amount (the K2 amount's line says it)."""
    if band.k2 is None:
        return None
    if placed and band.k2.with_amount:
        return band.k2.with_amount
    return band.k2.text


def _band(kb: KnowledgeBase, kind: str, band_id: str) -> Band:
    band = kb.bands[kind].get(band_id)
    if band is None:
        raise LookupError(f"no {kind} band {band_id!r}")
    return band
