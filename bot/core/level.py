"""/dk2 level: where a blood 25(OH)D result sits on the article's and the IOM's scale."""

from __future__ import annotations

from bot.core.amounts import InputError, LevelValue, fmt, parse_level
from bot.core.citing import caution_lines, labelled_lines, source_names, unique
from bot.core.gauge import gauge
from bot.core.model import Cited, KnowledgeBase
from bot.core.reply import Reply, Section
from bot.core.replies import input_error_reply


def level_reply(kb: KnowledgeBase, value_text: str) -> Reply:
    """Place a blood test result (ng/mL unless a unit says nmol/L) on the level bands."""
    value = parse_level(value_text, kb.units)
    if isinstance(value, InputError):
        return input_error_reply(kb, "level", value)
    table = kb.bands["level"]
    band = table.find(value.ng_ml)
    if band is None:  # the checker guarantees full coverage of the domain
        raise LookupError(f"no level band holds {value.ng_ml}")
    msg = kb.messages
    nmol = _nmol_unit(kb)
    nmol_per_ng = 1 / nmol.factor
    ng_ml = fmt(value.ng_ml, 1)
    your_result = [msg.get("level.value_line", ng_ml=ng_ml, nmol_l=fmt(value.ng_ml * nmol_per_ng, 1))]
    hint = _nmol_hint(kb, value) if value.unit is None else None
    if value.unit is None:
        your_result.append(msg.get("level.assumed_unit"))
    sections = [
        Section(msg.get("headings.your_level"), "\n".join(your_result)),
        Section(msg.get("headings.article"), band.article.text),
    ]
    if band.references:
        refs = ((cited.text, cited.refs) for cited in band.references)
        sections.append(Section(msg.get("headings.references"), labelled_lines(kb, refs)))
    if band.cautions:
        sections.append(Section(msg.get("headings.cautions"), caution_lines(kb, band.cautions)))
    if hint:
        sections.append(Section(msg.get("headings.check_input"), hint))
    if band.topics:
        topics = ", ".join(f"`{topic}`" for topic in band.topics)
        sections.append(
            Section(msg.get("headings.related"), msg.get("explain.read_more", topics=topics))
        )
    cited: list[Cited] = [band.article, *band.references]
    caution_refs = [ref for cid in unique(band.cautions) for ref in kb.cautions[cid].refs]
    unit_refs = list(nmol.sources)
    return Reply(
        command="level",
        ok=True,
        title=msg.get("level.title", value=value.entered, label=band.label),
        body=your_result[0],
        sections=tuple(sections),
        gauge=gauge(table, band),
        sources=source_names(kb, cited, [*unit_refs, *caution_refs]),
        disclaimer=msg.get("disclaimer"),
        colour=band.colour,
        data={
            "ng_ml": float(value.ng_ml),
            "band": band.id,
            "unit_assumed": value.unit is None,
            "cautions": unique(band.cautions),
            "hints": [hint] if hint else [],
        },
    )


def _nmol_unit(kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    return next(unit for unit in kb.units.level_units if unit.factor != 1)


def _nmol_hint(kb: KnowledgeBase, value: LevelValue) -> str | None:
    """A number typed without a unit that is high as ng/mL may well be nmol/L."""
    if value.ng_ml <= kb.units.nmol_hint_above:
        return None
    as_ng_ml = value.number * _nmol_unit(kb).factor
    key = "level.nmol_only" if value.ng_ml in kb.bands["level"].bands[-1].range else "level.nmol_hint"
    return kb.messages.get(key, number=fmt(value.number, 4), as_ng_ml=fmt(as_ng_ml, 1))
