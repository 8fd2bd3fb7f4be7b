"""The lines a dose reply shares with a child's dose reply: the dose itself, the warning and
mistype hints that come first, what a weekly or monthly dose means, and sources of cautions
attached per reply."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from bot.core.amounts import Amount, fmt
from bot.core.citing import source_refs, unique
from bot.core.model import Band, KnowledgeBase
from bot.core.reply import SourceRef
from bot.core.shown import agreeing, nearest_edge
from bot.core.tokens import normalise

# Spellings that are not IU (µg, mg): a big IU figure typed with them is a likely mix-up.
_IU = "iu"
NON_DAILY = "non-daily"


def top_lines(kb: KnowledgeBase, warning: str | None, hints: list[str]) -> list[str]:
    """What comes before the dose itself: any mistype hint (it may change how the rest reads),
    then the band's warning."""
    if not hints:  # as most replies: no heading to look up
        return [warning] if warning else []
    heading = kb.messages.get("headings.check_input")
    lines = [f"{heading}: {hint}" for hint in hints]
    return [*lines, warning] if warning else lines


def daily_line(kb: KnowledgeBase, amount: Amount, band: Band) -> str:
    """The daily dose in IU and µg, each shown so that it agrees with the band; for a weekly
    or monthly dose, its daily average, then that the article's range is daily."""
    return dose_lines(kb, amount, *daily_figures(kb, amount, band))


def daily_figures(kb: KnowledgeBase, amount: Amount, band: Band) -> tuple[str, str]:
    """The daily dose's IU and µg figures, each shown so that it agrees with the band."""
    per_mcg = iu_per_mcg(kb)
    daily_iu = agreeing(amount.daily, lambda v: v in band.range, 0)
    if daily_iu is None:
        daily_iu = kb.messages.get("level.about", value=fmt(nearest_edge(amount.daily, band.range)))
    mcg = amount.daily / per_mcg
    daily_mcg = agreeing(mcg, lambda v: v * per_mcg in band.range, 2)
    if daily_mcg is None:
        edge = nearest_edge(amount.daily, band.range) / per_mcg
        daily_mcg = kb.messages.get("level.about", value=fmt(edge, 2))
    return daily_iu, daily_mcg


def dose_lines(kb: KnowledgeBase, amount: Amount, daily_iu: str, daily_mcg: str) -> str:
    """The dose line: daily as it is, or a weekly or monthly dose's daily average followed by
    the caution that the article's range is daily."""
    msg = kb.messages
    if amount.period_days == 1:
        return msg.get("dose.daily_line", daily_iu=daily_iu, daily_mcg=daily_mcg)
    averaged = msg.get(
        "dose.averaged_line",
        entered=amount.entered,
        daily_iu=daily_iu,
        daily_mcg=daily_mcg,
        days=str(amount.period_days),
    )
    return f"{averaged} {_non_daily_caution(kb)}"


def _caution_after_average(kb: KnowledgeBase) -> str:
    """The caution after a weekly or monthly dose's daily average, its sources named."""
    caution = kb.cautions[NON_DAILY]
    names = ", ".join(kb.source_name(ref) for ref in caution.refs if ref != "article")
    return f"{caution.text} ({names})" if names else caution.text


# What depends only on the knowledge base is made once per knowledge base (compared by
# identity, so a reloaded one starts afresh). Wrapped rather than decorated so that mutation
# testing (mutmut leaves decorated functions alone) still reaches the code.
_non_daily_caution = lru_cache(maxsize=8)(_caution_after_average)


def with_caution_sources(
    kb: KnowledgeBase, sources: tuple[SourceRef, ...], caution_ids: list[str]
) -> tuple[SourceRef, ...]:
    """The reply's sources with those of cautions attached per reply added, each once."""
    return _with_caution_sources(kb, sources, tuple(caution_ids))


def _caution_sources_added(
    kb: KnowledgeBase, sources: tuple[SourceRef, ...], caution_ids: tuple[str, ...]
) -> tuple[SourceRef, ...]:
    refs = [ref for cid in caution_ids for ref in kb.cautions[cid].refs if ref != "article"]
    known = {source.id for source in sources if source.section is None}
    added = source_refs(kb, [], [ref for ref in unique(refs) if ref not in known])
    return (*sources, *added)


# Once per knowledge base, for each band's sources and the few caution sets replies attach.
_with_caution_sources = lru_cache(maxsize=256)(_caution_sources_added)


def k2_form(kb: KnowledgeBase, k2_text: str) -> str | None:
    """The K2 form a member named in the K2 amount ("100 mcg mk-4"), or None."""
    pattern, forms = _forms_pattern(kb)
    match = pattern.search(normalise(k2_text)) if forms else None
    return forms[match.group()] if match else None


@lru_cache(maxsize=8)
def _forms_pattern(kb: KnowledgeBase) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every form's spellings (longest first, whole words) and the form
    each spelling names: compiled once per knowledge base (compared by identity, so a
    reloaded one compiles its own), not per reply."""
    forms = kb.units.k2.forms.items()
    names = {name: form for form, spellings in forms for name in spellings}
    ordered = sorted(names, key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in ordered) or "(?!)"
    return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])"), names


def _iu_in_a_microgram(kb: KnowledgeBase) -> Decimal:
    """How many IU one microgram of D3 is, as units.yaml states it."""
    mcg = next(unit for unit in kb.units.vitamin_d.units if "mcg" in unit.names)
    return mcg.factor


# Looked up once per knowledge base: every dose reply asks two or three times.
iu_per_mcg = lru_cache(maxsize=8)(_iu_in_a_microgram)


def d_mixup(kb: KnowledgeBase, amount: Amount) -> str | None:
    """A hint when the unit typed probably isn't the unit on the label."""
    table = kb.bands["dose"]
    very_high = table.bands[-1]
    lowest = table.bands[0]
    if amount.unit is not None and _IU not in amount.unit.names:
        # µg or mg: a number that would be an ordinary IU dose, read as mass, is huge.
        one_dose_iu = amount.unit.to_base(amount.number)
        unit_name = amount.unit.names[0]
        if one_dose_iu in kb.units.reading.weekly_capsules_iu and amount.per_day >= 1:
            return kb.messages.get(
                "dose.mixup_capsule",
                # One capsule's strength: "2 x 1.25 mg" is two of them, 100,000 IU.
                entered=_typed(amount._replace(count=1, d2=False), unit_name, None),
                iu=fmt(one_dose_iu),
                typed=_typed(amount, unit_name, None),
            )
        as_iu = amount.number * amount.per_day
        if amount.daily in very_high.range and as_iu not in very_high.range:
            if as_iu in lowest.range:
                return kb.messages.get(
                    "dose.mixup_mass_check", entered=amount.entered, daily_iu=fmt(amount.daily)
                )
            return kb.messages.get(
                "dose.mixup_mass",
                entered=amount.entered,
                daily_iu=fmt(amount.daily),
                number=fmt(amount.number, 4),
                typed=_typed(amount, "IU", amount.period_text),
            )
    elif amount.daily in lowest.range:
        # IU (or no unit) with a small number: perhaps the label said µg.
        as_mcg_iu = amount.number * iu_per_mcg(kb)
        if as_mcg_iu * amount.per_day not in very_high.range:
            return kb.messages.get(
                "dose.mixup_iu",
                entered=amount.entered,
                number=fmt(amount.number, 4),
                as_mcg_iu=fmt(as_mcg_iu),
                typed=_typed(amount, "mcg", amount.period_text),
            )
    return None


def _typed(amount: Amount, unit_name: str, period_text: str | None) -> str:
    """The command's amount for the unit a hint suggests, keeping how many are taken at once
    and how often (`period_text`): "2 x 50 IU weekly" as micrograms is "2 x 50 mcg weekly"."""
    parts = [f"{amount.count} x"] if amount.count != 1 else []
    parts.append(f"{fmt(amount.number, 4).replace(',', '')} {unit_name}")
    if amount.d2:
        parts.append("D2")
    text = " ".join(parts)
    if period_text:
        text += period_text if period_text.startswith("/") else f" {period_text}"
    return text
