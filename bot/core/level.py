"""/dk2 level: where a blood 25(OH)D result sits on the article's and the IOM's scale."""

from __future__ import annotations

from bot.core.amounts import InputError, LevelValue, fmt, parse_level
from bot.core.bandtext import band_text
from bot.core.gauge import picture_description
from bot.core.model import Band, BandTable, KnowledgeBase, Unit
from bot.core.replies import input_error_reply, note_text
from bot.core.reply import Picture, Reply, Section


def level_reply(kb: KnowledgeBase, value_text: str) -> Reply:
    """Place a blood test result (ng/mL unless a unit says nmol/L) on the level bands."""
    value = parse_level(value_text, kb.units)
    if isinstance(value, InputError):
        return input_error_reply(kb, "level", value)
    table = kb.bands["level"]
    band = _find(table, value)
    if band is None:  # the checker guarantees full coverage of the domain
        raise LookupError(f"no level band holds {value.ng_ml}")
    msg = kb.messages
    nmol = _nmol_unit(kb)
    nmol_per_ng = nmol.divisor
    bound = value.bound or ""  # "<10": the lab's "below 10" stays "below" in both units
    ng_ml = bound + fmt(value.ng_ml, 1)
    nmol_l = bound + fmt(value.ng_ml * nmol_per_ng, 1)
    your_result = [msg.get("level.value_line", ng_ml=ng_ml, nmol_l=nmol_l)]
    hint = _nmol_hint(kb, value) if value.unit is None else None
    if value.unit is None:
        your_result.append(msg.get("level.assumed_unit"))
    fixed = band_text(kb, "level", band.id, None, nmol.sources)
    hints = [note_text(kb, note) for note in value.notes] + ([hint] if hint else [])
    hint_section = Section(msg.get("headings.check_input"), "\n".join(hints)) if hints else None
    sections = (fixed.article, fixed.references, fixed.cautions, hint_section, fixed.related)
    shown = your_result[0]  # the value in both units, as the text says it
    picture = Picture(
        kind="level",
        value=value.ng_ml,
        label=shown,
        description=picture_description(table, band, shown, msg),
        side={"<": -1, ">": 1}.get(value.bound or "", 0),
    )
    return Reply(
        command="level",
        ok=True,
        title=msg.get("level.title", value=value.entered, label=band.label),
        body="\n".join(your_result),
        sections=tuple(section for section in sections if section is not None),
        gauge=fixed.gauge,
        sources=fixed.sources,
        disclaimer=msg.get("disclaimer"),
        colour=band.colour,
        picture=picture,
        data={
            "ng_ml": float(value.ng_ml),
            "band": band.id,
            "unit_assumed": value.unit is None,
            "cautions": list(fixed.caution_ids),
            "hints": hints,
        },
    )


def _find(table: BandTable, value: LevelValue) -> Band | None:
    """The band of the result; for lab notation, the band just below "<10" or above ">150"."""
    if value.bound is None:
        return table.find(value.ng_ml)
    edge = value.ng_ml
    for band in table.bands:
        low, high = band.range.low, band.range.high
        if value.bound == "<" and (low is None or low < edge) and (high is None or edge <= high):
            return band
        if value.bound == ">" and (low is None or low <= edge) and (high is None or edge < high):
            return band
    return None


def _nmol_unit(kb: KnowledgeBase) -> Unit:
    return next(unit for unit in kb.units.level_units if unit.divisor != 1)


def _nmol_hint(kb: KnowledgeBase, value: LevelValue) -> str | None:
    """A number typed without a unit that is high as ng/mL may well be nmol/L."""
    if value.ng_ml <= kb.units.nmol_hint_above:
        return None
    as_ng_ml = _nmol_unit(kb).to_base(value.number)
    key = (
        "level.nmol_only" if value.ng_ml in kb.bands["level"].bands[-1].range else "level.nmol_hint"
    )
    return kb.messages.get(key, number=fmt(value.number, 4), as_ng_ml=fmt(as_ng_ml, 1))
