"""/dk2 dose with a child's age: the dose against that age's upper limits (ages.yaml).

The article's ranges and K2 advice are written for adults, so a child's dose is placed on
the first scale of limits (the IOM's) for the child's age group, with the other scales
(EFSA's) beside it, each naming its source. A dose in the adults' very-high band keeps that
band's warning, first.
"""

from __future__ import annotations

from decimal import Decimal

from bot.core.age import Age
from bot.core.amounts import Amount, fmt
from bot.core.bandtext import CHECK_FIRST, warning_line
from bot.core.citing import source_refs, unique
from bot.core.dosetext import (
    NON_DAILY,
    d_mixup,
    dose_lines,
    iu_per_mcg,
    top_lines,
    with_caution_sources,
)
from bot.core.gauge import gauge_marks
from bot.core.model import AgeGroup, AgeScale, KnowledgeBase
from bot.core.reply import Reply, Section
from bot.core.shown import agreeing

_RELATED = ("children", "upper-limit")


def child_dose_reply(kb: KnowledgeBase, amount: Amount, age: Age, k2_given: bool) -> Reply:
    """A dose for a child of `age`, placed on the limits for that age."""
    ages = kb.ages
    if ages is None:  # dose.py only calls this with ages loaded
        raise LookupError("no age limits loaded")
    msg = kb.messages
    placed = [(scale, group) for scale in ages.limits if (group := scale.find(age.months))]
    first_scale, first_group = placed[0]  # the checker makes every scale cover every child
    over = amount.daily > _limit_iu(kb, first_scale, first_group)
    verdict = ages.verdicts.above if over else ages.verdicts.within
    adult_band = kb.bands["dose"].find(amount.daily)
    warning = adult_band.warning if adult_band else None
    hints = [hint for hint in (d_mixup(kb, amount),) if hint]
    body = top_lines(kb, warning_line(kb, warning) if warning else None, hints)
    per_mcg = iu_per_mcg(kb)
    ul_iu = _limit_iu(kb, first_scale, first_group)
    daily_iu = agreeing(amount.daily, lambda v: (v > ul_iu) == over, 0) or fmt(amount.daily, 4)
    daily_mcg = agreeing(amount.daily / per_mcg, lambda v: (v * per_mcg > ul_iu) == over, 2)
    body.append(dose_lines(kb, amount, daily_iu, daily_mcg or fmt(amount.daily / per_mcg, 4)))
    limits = [_limit_line(kb, amount, scale, group) for scale, group in placed]
    notes = [msg.get("dose.child_note")]
    if k2_given:
        notes.append(msg.get("dose.child_k2"))
    notes.append(kb.cautions[CHECK_FIRST].text)
    related = ", ".join(f"`{topic}`" for topic in _RELATED)
    sections = (
        Section(msg.get("headings.limits"), "\n".join(limits)),
        Section(msg.get("headings.cautions"), "\n".join(notes)),
        Section(msg.get("headings.related"), msg.get("explain.read_more", topics=related)),
    )
    refs = [ref for _, group in placed for ref in group.refs]
    extra = [*([warning] if warning else []), *([NON_DAILY] if amount.period_days != 1 else [])]
    sources = source_refs(kb, [], refs)
    return Reply(
        command="dose",
        ok=True,
        title=msg.get(
            "dose.child_title", amount=amount.entered, age=age.entered, label=verdict.label
        ),
        body="\n".join(body),
        sections=sections,
        gauge=gauge_marks(
            [(ages.verdicts.within.gauge, not over), (ages.verdicts.above.gauge, over)]
        ),
        sources=with_caution_sources(kb, sources, [*extra, CHECK_FIRST]),
        disclaimer=msg.get("disclaimer"),
        colour=verdict.colour,
        data={
            "daily_iu": float(amount.daily),
            "daily_mcg": float(amount.daily / per_mcg),
            "band": "child_above" if over else "child_within",
            "label": verdict.label,
            "age_months": float(age.months),
            "limit_iu": float(ul_iu),
            "k2_mcg": None,
            "k2_band": None,
            "k2_form": None,
            "k2_pairing": None,
            "warning": warning,
            "cautions": list(unique([*extra, CHECK_FIRST])),
            "hints": hints,
        },
    )


def _limit_iu(kb: KnowledgeBase, scale: AgeScale, group: AgeGroup) -> Decimal:
    """The group's limit in IU, whichever unit its scale states it in."""
    return group.ul if scale.unit == kb.units.vitamin_d.base_unit else group.ul * iu_per_mcg(kb)


def _limit_line(kb: KnowledgeBase, amount: Amount, scale: AgeScale, group: AgeGroup) -> str:
    msg = kb.messages
    within = amount.daily <= _limit_iu(kb, scale, group)
    return msg.get(
        "dose.child_limit",
        source=", ".join(kb.source_name(ref) for ref in group.refs),
        ul=f"{fmt(group.ul)} {scale.unit}",
        group=group.label,
        verdict=msg.get("dose.child_within" if within else "dose.child_above"),
    )
