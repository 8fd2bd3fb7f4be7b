"""The parts of a /dk2 dose reply its bands and the kind of K2 amount decide, made once.

Which cautions show, what the K2 section says around a K2 amount's own line, the article's
and the guidelines' lines and the sources all follow from the dose band, the K2 band, the
unit's sources and what was typed for K2 (none, its form, whether it looks mistyped), never
from the figures themselves. They are worked out once per knowledge base (compared by
identity, so a reloaded one starts afresh) for each such combination; a reply fills in only
the member's own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.core.bandtext import K2_NOTES, BandText, band_text
from bot.core.citing import labelled_lines, unique, unnamed_by_parts
from bot.core.dosetext import NON_DAILY, with_caution_sources
from bot.core.model import KnowledgeBase
from bot.core.reply import Section, SourceRef

K2_FORM_UNKNOWN = "k2-form"
K2_FORM_OTHER = "mk-4"
NOT_A_FIX = "not-a-fix"


@dataclass(frozen=True, slots=True)
class DoseFixed:
    """A dose reply's fixed parts. `sections` are complete unless `k2_line` is set: then a
    K2 amount's line goes between `k2_before` and `k2_after`, under `k2_heading`."""

    text: BandText
    positions: str  # the article's and the guidelines' lines, leading into the gauge
    sections: tuple[Section, ...]
    k2_heading: str
    k2_before: tuple[str, ...]
    k2_after: tuple[str, ...]
    k2_line: bool
    form_asked: str | None  # what follows the K2 line when no form was named
    cautions: tuple[str, ...]  # the ids of the cautions the reply shows, for its data
    sources: tuple[SourceRef, ...]  # before those the reply's text names beside its lines
    # The sources line as these parts decide it, and the labels they leave open: a reply
    # whose text holds none of those has this sources line (citing.unnamed_by_parts).
    named_sources: tuple[SourceRef, ...]
    open_labels: tuple[str, ...]


def _dose_fixed(
    kb: KnowledgeBase,
    band_id: str,
    k2_band_id: str | None,
    unit_refs: tuple[str, ...],
    non_daily: bool,
    k2: tuple[str | None, bool] | None,
) -> DoseFixed:
    """The fixed parts for a dose in `band_id`; `k2` is None without a K2 amount, else its
    form (None when not named) and whether it looks mistyped (the hint asks for it again)."""
    fixed = band_text(kb, "dose", band_id, k2_band_id, unit_refs, k2_given=k2 is not None)
    msg = kb.messages
    band = kb.bands["dose"].get(band_id)
    assert band is not None  # band_text found it
    form, mistyped = k2 if k2 is not None else (None, False)
    banded = form in (None, kb.units.k2.banded_form)
    extra = [NON_DAILY] if non_daily else []
    # A K2 amount is placed on the K2 scale only where that helps: not at a dose where K2 is
    # no answer (the band's K2 line says so, under its warning), nor when the hint says the
    # amount was probably mistyped (it states the amount as read and asks for it again; the
    # pairing advice waits for that too). The cautions about taking K2 stay either way.
    no_fix = band.k2_pairing == NOT_A_FIX
    placed = k2 is not None and not mistyped and not no_fix
    form_caution = None
    if placed:
        form_caution = K2_FORM_UNKNOWN if form is None else (None if banded else K2_FORM_OTHER)
    if form_caution == K2_FORM_OTHER:
        extra.append(form_caution)
    advice = not mistyped or no_fix
    # The cautions the reply shows: the review finding goes with the advice it answers.
    shown_cautions = [cid for cid in fixed.caution_ids if advice or cid not in K2_NOTES]
    # The K2 lines: the band's pairing advice with the review finding (unless the advice
    # waits), then where the K2 amount sits (when one is placed) and any form caution.
    before = [fixed.k2_advice] if fixed.k2_advice and advice else []
    if fixed.k2_notes and advice:
        before.append(fixed.k2_notes)
    k2_line = placed and k2_band_id is not None
    after = [fixed.k2_band_text] if k2_line and fixed.k2_band_text else []
    if form_caution == K2_FORM_OTHER:
        caution = kb.cautions[form_caution]
        after.append(labelled_lines(kb, [(caution.text, caution.refs)]))
    # No related-topics line: a dose reply should fit a phone screen, and the cautions line
    # already links the topic that matters most. With a K2 amount the cautions open with the
    # anticoagulant caution, about the K2 itself: one section holds both, under one heading.
    sections: tuple[Section, ...]
    if k2 is None:
        heading = msg.get("headings.k2")
        sections = (Section(heading, "\n".join(before + after)), fixed.cautions)
    else:
        heading = msg.get("headings.k2_cautions")
        after.append(fixed.cautions.value)
        sections = (Section(heading, "\n".join(part for part in before + after if part)),)
    lines = [msg.get("dose.article_line", text=fixed.article.value)]
    if fixed.references is not None:
        lines.append(fixed.references.value)
    positions = "\n".join(lines)
    sources = with_caution_sources(kb, fixed.sources, extra)
    # What every reply with these parts shows as written: the warning, the positions, and
    # the K2 section's lines around a K2 amount's own line, or the sections whole.
    shown = [fixed.warning or "", positions]
    shown += [*before, *after] if k2_line else [section.value for section in sections]
    named_sources, open_labels = unnamed_by_parts(sources, shown)
    return DoseFixed(
        text=fixed,
        positions=positions,
        sections=sections,
        k2_heading=heading,
        k2_before=tuple(before),
        k2_after=tuple(part for part in after if part),
        k2_line=k2_line,
        form_asked=msg.get("dose.k2_form") if form_caution == K2_FORM_UNKNOWN else None,
        cautions=tuple(unique([*shown_cautions, *extra])),
        sources=sources,
        named_sources=named_sources,
        open_labels=open_labels,
    )


# Once per knowledge base and combination. Wrapped rather than decorated so that mutation
# testing (mutmut leaves decorated functions alone) still reaches the code above.
dose_fixed = lru_cache(maxsize=1024)(_dose_fixed)
