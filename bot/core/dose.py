"""/dk2 dose: where a daily vitamin D3 dose sits, with the K2 pairing advice and cautions."""

from __future__ import annotations

from decimal import Decimal

from bot.core.amounts import Amount, InputError, Note, fmt, read_dose
from bot.core.bandtext import BandText, band_text
from bot.core.gauge import picture_description
from bot.core.model import Band, KnowledgeBase
from bot.core.numbers import exact
from bot.core.replies import input_error_reply, note_text
from bot.core.reply import Picture, Reply, Section

# Spellings that are not IU (µg, mg): a big IU figure typed with them is a likely mix-up.
_IU = "iu"


def dose_reply(kb: KnowledgeBase, amount_text: str, k2_text: str | None = None) -> Reply:
    """Place a daily vitamin D3 dose (and optionally a K2 amount) on the knowledge's bands."""
    reading = read_dose(amount_text, k2_text if k2_text and k2_text.strip() else None, kb.units)
    if isinstance(reading, InputError):
        return input_error_reply(kb, "dose", reading)
    amount, k2 = reading.d, reading.k2
    table = kb.bands["dose"]
    band = table.find(amount.daily)
    if band is None:  # the checker guarantees full coverage of the domain
        raise LookupError(f"no dose band holds {amount.daily}")
    notes = list(reading.notes)
    if amount.low is not None:
        low_band = table.find(amount.low.daily)
        if low_band is not None and low_band.id != band.id:
            return input_error_reply(kb, "dose", _range_error(kb, amount, low_band, band))
        notes.insert(0, Note("range_same", {"range": _shown(amount), "label": band.label}))
    k2_band = kb.bands["k2"].find(k2.daily) if k2 else None

    msg = kb.messages
    daily_iu = fmt(amount.daily)
    daily_mcg = fmt(amount.daily / _iu_per_mcg(kb), 2)
    your_dose = msg.get("dose.daily_line", daily_iu=daily_iu, daily_mcg=daily_mcg)
    if amount.period_days != 1:
        averaged = msg.get(
            "dose.averaged_line",
            entered=amount.entered,
            daily_iu=daily_iu,
            days=str(amount.period_days),
        )
        your_dose = f"{your_dose}\n{averaged}"

    unit_refs = amount.unit.sources if amount.unit else ()
    fixed = band_text(kb, "dose", band.id, k2_band.id if k2_band else None, unit_refs)
    hints = [note_text(kb, note) for note in notes]
    hints += [hint for hint in (_d_mixup(kb, amount), _k2_mixup(kb, k2)) if hint]
    k2_section = Section(msg.get("headings.k2"), _k2_text(kb, fixed, k2, k2_band))
    hint_section = Section(msg.get("headings.check_input"), "\n".join(hints)) if hints else None
    sections = (
        fixed.article,
        fixed.references,
        k2_section,
        fixed.cautions,
        hint_section,
        fixed.related,
    )
    shown = msg.get("dose.daily_line", daily_iu=daily_iu, daily_mcg=daily_mcg)
    picture = Picture(
        kind="dose",
        value=amount.daily,
        label=shown,
        description=picture_description(table, band, shown, msg),
    )
    return Reply(
        command="dose",
        ok=True,
        title=msg.get("dose.title", amount=_shown(amount), label=band.label),
        body=your_dose,
        sections=tuple(section for section in sections if section is not None),
        gauge=fixed.gauge,
        sources=fixed.sources,
        disclaimer=msg.get("disclaimer"),
        colour=band.colour,
        picture=picture,
        data={
            "daily_iu": float(amount.daily),
            "band": band.id,
            "k2_mcg": float(k2.daily) if k2 else None,
            "k2_band": k2_band.id if k2_band else None,
            "k2_pairing": band.k2_pairing,
            "cautions": list(fixed.caution_ids),
            "hints": hints,
        },
    )


def _iu_per_mcg(kb: KnowledgeBase) -> Decimal:
    """How many IU one microgram of D3 is, as units.yaml states it."""
    mcg = next(unit for unit in kb.units.d_units if "mcg" in unit.names)
    return mcg.factor


def _k2_text(kb: KnowledgeBase, fixed: BandText, k2: Amount | None, k2_band: Band | None) -> str:
    lines = [fixed.k2_advice] if fixed.k2_advice else []
    if k2 is not None and k2_band is not None:
        amount = kb.messages.get("dose.k2_line", k2_mcg=fmt(k2.daily, 2), label=k2_band.label)
        lines.append(f"{amount} {fixed.k2_band_text}")
    else:
        lines.append(kb.messages.get("dose.k2_none"))
    return "\n".join(lines)


def _range_error(kb: KnowledgeBase, amount: Amount, low_band: Band, band: Band) -> InputError:
    """ "1000-2000 IU" across two bands: say where each end sits and ask for one amount."""
    low = amount.low
    assert low is not None
    values = {
        "low": low.entered,
        "range": _shown(amount),
        "high": amount.entered,
        "low_label": low_band.label,
        "high_label": band.label,
        "low_typed": _typed(low),
        "high_typed": _typed(amount),
    }
    return InputError("range_spans", values, "amount")


def _typed(amount: Amount) -> str:
    """What to type for exactly this amount ("1,000 IU" is typed `1000 IU`)."""
    return amount.entered.replace(",", "")


def _shown(amount: Amount) -> str:
    """The amount as the reply's title quotes it: "1,000-2,000 IU" for a range."""
    if amount.low is None:
        return amount.entered
    return f"{exact(amount.low.number)}-{amount.entered}"


def _d_mixup(kb: KnowledgeBase, amount: Amount) -> str | None:
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
                entered=amount.entered,
                iu=fmt(one_dose_iu),
                typed=f"{fmt(amount.number, 4).replace(',', '')} {unit_name}",
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
            )
    elif amount.daily in lowest.range:
        # IU (or no unit) with a small number: perhaps the label said µg.
        as_mcg_iu = amount.number * _iu_per_mcg(kb) * amount.per_day
        if as_mcg_iu not in very_high.range:
            return kb.messages.get(
                "dose.mixup_iu",
                entered=amount.entered,
                number=fmt(amount.number, 4),
                as_mcg_iu=fmt(as_mcg_iu),
            )
    return None


def _k2_mixup(kb: KnowledgeBase, k2: Amount | None) -> str | None:
    """K2 typed in mg: probably µg, unless it is MK-4, where milligram doses are real."""
    if k2 is None or k2.unit is None or k2.unit.factor == 1:
        return None
    reading = kb.units.reading
    mk4 = {
        "mk4_mg": fmt(reading.mk4_mg),
        "mk4_sources": "; ".join(kb.source_name(ref) for ref in reading.mk4_sources),
    }
    if k2.mk4:
        return kb.messages.get("dose.k2_mk4", entered=k2.entered, **mk4)
    top = kb.bands["k2"].bands[-1]
    as_mcg = k2.number * k2.per_day
    if k2.daily in top.range and as_mcg not in top.range:
        return kb.messages.get(
            "dose.mixup_k2",
            entered=k2.entered,
            k2_mcg=fmt(k2.daily, 2),
            number=fmt(k2.number, 4),
            **mk4,
        )
    return None
