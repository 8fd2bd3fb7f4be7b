"""/dk2 level: where a blood 25(OH)D result sits on the article's and the IOM's scale.

A result typed in nmol/L is placed on the bands' nmol/L ranges, the cut-points the IOM
publishes in that unit, so it lands where the IOM itself would put it. The reply leads with
any hint that the input looks mistyped, then the band's warning, then the result.
"""

from __future__ import annotations

from decimal import Decimal

from bot.core.amounts import InputError, LevelValue, fmt, parse_level
from bot.core.bandtext import band_text
from bot.core.dosetext import top_lines
from bot.core.gauge import picture_description
from bot.core.interval import Interval
from bot.core.model import Band, BandTable, KnowledgeBase, Messages, Unit
from bot.core.replies import input_error_reply, note_text
from bot.core.reply import Picture, Reply
from bot.core.shown import agreeing, nearest_edge


def level_reply(kb: KnowledgeBase, value_text: str) -> Reply:
    """Place a blood test result (ng/mL unless a unit says nmol/L) on the level bands."""
    value = parse_level(value_text, kb.units)
    if isinstance(value, InputError):
        return input_error_reply(kb, "level", value)
    table = kb.bands["level"]
    nmol = _nmol_unit(kb)
    in_nmol = value.unit == nmol and all(band.nmol_range for band in table.bands)
    typed_nmol = in_nmol and value.bound is None
    band = table.find_nmol(value.number) if typed_nmol else None
    band = band or _find(table, value, in_nmol)
    if band is None:  # the checker guarantees full coverage of the domain
        raise LookupError(f"no level band holds {value.ng_ml}")
    msg = kb.messages
    nmol_value = value.number if in_nmol else value.ng_ml * nmol.divisor
    ng_about = False
    if value.bound is not None:  # "<10": the lab's "below 10" stays "below" in both units
        ng_ml, nmol_l = value.bound + fmt(value.ng_ml, 1), value.bound + fmt(nmol_value, 1)
        if in_nmol and band.nmol_range is not None:
            # "<125 nmol/L", the IOM's cut-point, is "<50 ng/mL", the same cut-point in
            # ng/mL, not "<50.1" (125 / 2.496), which would reach past the band named.
            nmol_edge, ng_edge = (
                (band.nmol_range.high, band.range.high)
                if value.bound == "<"
                else (band.nmol_range.low, band.range.low)
            )
            if nmol_edge == value.number and ng_edge is not None:
                ng_ml = value.bound + fmt(ng_edge, 1)
    else:
        ng_ml, ng_about = _shown(kb, value.ng_ml, band.range)
        nmol_l = (
            _shown(kb, nmol_value, band.nmol_range)[0] if band.nmol_range else fmt(nmol_value, 1)
        )
    hint = _nmol_hint(kb, value) if value.unit is None else None
    hints = [note_text(kb, note) for note in value.notes] + ([hint] if hint else [])
    fixed = band_text(kb, "level", band.id, None, nmol.sources)
    body = top_lines(kb, fixed.warning, hints)
    if typed_nmol:
        shown = msg.get("level.nmol_value_line", nmol_l=nmol_l, ng_ml=ng_ml)
    else:
        shown = msg.get("level.value_line", ng_ml=ng_ml, nmol_l=nmol_l)
    body.append(shown)
    if value.unit is None:
        body.append(msg.get("level.assumed_unit"))
    if typed_nmol and ng_about:
        body.append(msg.get("level.nmol_placed"))
    sections = (fixed.article, fixed.references, fixed.cautions, fixed.related)
    return Reply(
        command="level",
        ok=True,
        title=msg.get("level.title", value=value.entered, label=band.label),
        body="\n".join(body),
        sections=tuple(section for section in sections if section is not None),
        gauge=fixed.gauge,
        sources=fixed.sources,
        disclaimer=msg.get("disclaimer"),
        colour=band.colour,
        picture=_picture(table, band, value, shown, msg, fixed.gauge),
        data={
            "ng_ml": float(value.ng_ml),
            "nmol_l": float(nmol_value),
            "bound": value.bound,
            "band": band.id,
            "label": band.label,
            "unit_assumed": value.unit is None,
            "warning": band.warning,
            "cautions": list(fixed.caution_ids),
            "hints": hints,
        },
    )


def _picture(
    table: BandTable,
    band: Band,
    value: LevelValue,
    shown: str,
    messages: Messages,
    gauge_text: str,
) -> Picture:
    """The gauge, its marker always inside the band the reply names: a lab's "<12" just
    below its edge, and a result placed by its nmol/L cut-point (which the ng/mL figure
    misses by a rounding) just inside the band's edge."""
    marked, side = value.ng_ml, {"<": -1, ">": 1}.get(value.bound or "", 0)
    if value.bound is not None:
        # "<30 nmol/L" is placed on the nmol/L edge; its ng/mL figure can miss that band's
        # ng/mL edge by a rounding, so it is marked on the edge.
        edges = (band.range.low, band.range.high)
        if value.ng_ml not in band.range and value.ng_ml not in edges:
            marked = nearest_edge(value.ng_ml, band.range)
    elif value.ng_ml not in band.range:
        marked = nearest_edge(value.ng_ml, band.range)
        side = 1 if marked == band.range.low else -1
    description = picture_description(table, band, shown, messages, gauge_text)
    return Picture("level", marked, shown, description, side=side)


def _shown(kb: KnowledgeBase, value: Decimal, band: Interval) -> tuple[str, bool]:
    """`value` to one decimal, or more where rounding would cross the band's edge; else
    "about" the edge (True), where the two units' cut-points differ by a rounding."""
    text = agreeing(value, lambda shown: shown in band, 1)
    if text is not None:
        return text, False
    return kb.messages.get("level.about", value=fmt(nearest_edge(value, band), 1)), True


def _find(table: BandTable, value: LevelValue, in_nmol: bool) -> Band | None:
    """The band of the result; for lab notation, the band just below "<10" or above ">150".
    The bands tile the scale in order, so that is the first band whose top reaches past the
    edge, or reaches the edge itself for "<" ("<12" is in the band that ends at 12). A bound
    typed in nmol/L (`in_nmol`) is compared with the bands' nmol/L cut-points, as a result
    typed in nmol/L is: "<30 nmol/L" is below 30 nmol/L, not below 12.02 ng/mL."""
    if value.bound is None:
        return table.find(value.ng_ml)
    edge = value.number if in_nmol else value.ng_ml
    for band in table.bands:
        high = band.nmol_range.high if in_nmol and band.nmol_range else band.range.high
        if high is None or edge < high or (value.bound == "<" and edge == high):
            return band
    return None


def _nmol_unit(kb: KnowledgeBase) -> Unit:
    return next(unit for unit in kb.units.level.units if unit.divisor != 1)


def _nmol_hint(kb: KnowledgeBase, value: LevelValue) -> str | None:
    """A number typed without a unit that is high as ng/mL may well be nmol/L."""
    if value.ng_ml <= kb.units.level.nmol_hint_above:
        return None
    as_ng_ml = _nmol_unit(kb).to_base(value.number)
    key = (
        "level.nmol_only" if value.ng_ml in kb.bands["level"].bands[-1].range else "level.nmol_hint"
    )
    return kb.messages.get(key, number=fmt(value.number, 4), as_ng_ml=fmt(as_ng_ml, 1))
