"""The parts of a band reply that depend only on the band, built once per knowledge base.

A dose or level reply is mostly fixed text (what the article says, reference figures,
cautions, related topics, sources); only the member's own numbers change. Building the fixed
part once per band keeps each reply to parsing and a few string fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.core.citing import caution_lines, labelled_lines, source_names, unique
from bot.core.gauge import gauge
from bot.core.model import Band, Cited, KnowledgeBase
from bot.core.reply import Section


@dataclass(frozen=True, slots=True)
class BandText:
    article: Section
    references: Section | None
    cautions: Section | None
    related: Section | None
    caution_ids: tuple[str, ...]
    sources: tuple[str, ...]
    gauge: str
    # The K2 part of a dose reply: the band's pairing advice, and what the article and the
    # references say of the K2 amount's band (the amount itself is filled in per reply).
    k2_advice: str | None
    k2_band_text: str | None


@lru_cache(maxsize=1024)
def band_text(
    kb: KnowledgeBase,
    kind: str,
    band_id: str,
    k2_band_id: str | None = None,
    unit_refs: tuple[str, ...] = (),
) -> BandText:
    """Fixed sections of a `kind` band reply, with a K2 band's when one was given."""
    msg = kb.messages
    band = _band(kb, kind, band_id)
    k2_band = _band(kb, "k2", k2_band_id) if k2_band_id else None
    references = None
    if band.references:
        refs = ((cited.text, cited.refs) for cited in band.references)
        references = Section(msg.get("headings.references"), labelled_lines(kb, refs))
    caution_ids = tuple(unique([*band.cautions, *(k2_band.cautions if k2_band else ())]))
    cautions = None
    if caution_ids:
        cautions = Section(msg.get("headings.cautions"), caution_lines(kb, caution_ids))
    related = None
    if band.topics:
        topics = ", ".join(f"`{topic}`" for topic in band.topics)
        related = Section(msg.get("headings.related"), msg.get("explain.read_more", topics=topics))
    cited: list[Cited] = [band.article, *band.references]
    if band.k2 is not None:
        cited.append(band.k2)
    if k2_band is not None:
        cited += [k2_band.article, *k2_band.references]
    caution_refs = [ref for cid in caution_ids for ref in kb.cautions[cid].refs]
    k2_band_text = None
    if k2_band is not None:
        lines = [k2_band.article.text]
        for item in k2_band.references:
            names = ", ".join(kb.source_name(ref) for ref in item.refs)
            lines.append(f"{item.text} ({names})")
        k2_band_text = "\n".join(lines)
    return BandText(
        gauge=gauge(kb.bands[kind], band, msg),
        k2_advice=band.k2.text if band.k2 else None,
        k2_band_text=k2_band_text,
        article=Section(msg.get("headings.article"), band.article.text),
        references=references,
        cautions=cautions,
        related=related,
        caution_ids=caution_ids,
        sources=source_names(kb, cited, [*unit_refs, *caution_refs]),
    )


def _band(kb: KnowledgeBase, kind: str, band_id: str) -> Band:
    band = kb.bands[kind].get(band_id)
    if band is None:
        raise LookupError(f"no {kind} band {band_id!r}")
    return band
