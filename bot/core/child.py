"""/dk2 dose with a child's age: the dose against that age's upper limits (ages.yaml).

The article's ranges and K2 advice are written for adults, so a child's dose is placed on
the first scale of limits (the IOM's) for the child's age group, with the other scales
(EFSA's) beside it, each naming its source. A dose in the adults' very-high band keeps that
band's warning, first.

Its gauge has two bands, at or below the first scale's limit and above it (labels and colours
from the verdicts), with every scale's limit for the age marked and named by source; the
words and the picture both read that one scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.core.age import Age
from bot.core.amounts import Amount, Note, fmt
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
from bot.core.gauge import (
    BuiltBand,
    BuiltMark,
    BuiltScale,
    gauge,
    picture_description,
)
from bot.core.interval import Interval
from bot.core.model import AgeGroup, AgeScale, KnowledgeBase
from bot.core.replies import note_text
from bot.core.reply import Picture, Reply, Section
from bot.core.shown import agreeing

_RELATED = ("children", "upper-limit")
# The reading's note that a child's dose needs an age (amounts.py names it "child").
CHILD_NOTE = "child"


def child_label(kb: KnowledgeBase, age: Age, daily: Decimal) -> str:
    """The verdict a daily dose gets at `age` (within or above the first scale's limit)."""
    ages = kb.ages
    if ages is None:  # dose.py only calls this with ages loaded
        raise LookupError("no age limits loaded")
    first_scale, first_group = _placed(kb, age)[0]
    over = daily > _limit_iu(kb, first_scale, first_group)
    return (ages.verdicts.above if over else ages.verdicts.within).label


def child_dose_reply(
    kb: KnowledgeBase,
    amount: Amount,
    age: Age,
    k2_given: bool,
    notes: Sequence[Note] = (),
    entered: str | None = None,
) -> Reply:
    """A dose for a child of `age`, placed on the limits for that age, after the reading's
    `notes` (what dk2 set aside or how it read a number, as for an adult's dose); `entered`
    is the amount as the title quotes it (a range's both ends)."""
    ages = kb.ages
    if ages is None:  # dose.py only calls this with ages loaded
        raise LookupError("no age limits loaded")
    msg = kb.messages
    placed = _placed(kb, age)
    first_scale, first_group = placed[0]  # the checker makes every scale cover every child
    over = amount.daily > _limit_iu(kb, first_scale, first_group)
    verdict = ages.verdicts.above if over else ages.verdicts.within
    adult_band = kb.bands["dose"].find(amount.daily)
    warning = adult_band.warning if adult_band else None
    # The hint to add an age ("for my baby") is moot: the age was given.
    hints = [note_text(kb, note) for note in notes if note.key != CHILD_NOTE]
    hints += [hint for hint in (d_mixup(kb, amount),) if hint]
    body = top_lines(kb, warning_line(kb, warning) if warning else None, hints)
    per_mcg = iu_per_mcg(kb)
    ul_iu = _limit_iu(kb, first_scale, first_group)
    daily_iu = agreeing(amount.daily, lambda v: (v > ul_iu) == over, 0) or fmt(amount.daily, 4)
    daily_mcg = agreeing(amount.daily / per_mcg, lambda v: (v * per_mcg > ul_iu) == over, 2)
    daily_mcg = daily_mcg or fmt(amount.daily / per_mcg, 4)
    body.append(dose_lines(kb, amount, daily_iu, daily_mcg))
    limits = [_limit_line(kb, amount, scale, group) for scale, group in placed]
    cautions = [msg.get("dose.child_note")]
    if k2_given:
        cautions.append(msg.get("dose.child_k2"))
    cautions.append(kb.cautions[CHECK_FIRST].text)
    related = ", ".join(f"`{topic}`" for topic in _RELATED)
    sections = (
        Section(msg.get("headings.limits"), "\n".join(limits)),
        Section(msg.get("headings.cautions"), "\n".join(cautions)),
        Section(msg.get("headings.related"), msg.get("explain.read_more", topics=related)),
    )
    refs = [ref for _, group in placed for ref in group.refs]
    extra = [*([warning] if warning else []), *([NON_DAILY] if amount.period_days != 1 else [])]
    sources = source_refs(kb, [], refs)
    scale = _scale(kb, age.entered, placed, ul_iu)
    current = scale.bands[1 if over else 0]
    # The reply's gauge is the scale's line (the bands, the limit between them); its limits
    # section says each source's limit (in IU a day too), so the picture's figures are all
    # in the text without a second list of them. The alt text spells the whole gauge out.
    words = gauge(scale, current, msg)
    gauge_text = words.splitlines()[0]
    # The picture's caption is the daily dose (a weekly or monthly dose's daily average).
    shown = msg.get("dose.daily_line", daily_iu=daily_iu, daily_mcg=daily_mcg)
    description = picture_description(scale, current, shown, msg, words)
    return Reply(
        command="dose",
        ok=True,
        title=msg.get(
            "dose.child_title",
            amount=entered or amount.entered,
            age=age.entered,
            label=verdict.label,
        ),
        body="\n".join(body),
        sections=sections,
        gauge=gauge_text,
        sources=with_caution_sources(kb, sources, [*extra, CHECK_FIRST]),
        disclaimer=msg.get("disclaimer"),
        colour=verdict.colour,
        picture=Picture("dose", amount.daily, shown, description, scale=scale),
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


def _placed(kb: KnowledgeBase, age: Age) -> list[tuple[AgeScale, AgeGroup]]:
    """Each scale of limits with its group for `age`, the first scale first."""
    assert kb.ages is not None
    return [(scale, group) for scale in kb.ages.limits if (group := scale.find(age.months))]


def _scale(
    kb: KnowledgeBase, age: str, placed: list[tuple[AgeScale, AgeGroup]], ul_iu: Decimal
) -> BuiltScale:
    """The child's gauge: within and above the first scale's limit, every scale's limit for
    this age marked (in IU a day, the dose scale's unit) and named by its source."""
    ages = kb.ages
    assert ages is not None
    dose = kb.bands["dose"]
    within, above = ages.verdicts.within, ages.verdicts.above
    low = dose.domain
    bands = (
        BuiltBand(
            "child_within",
            within.gauge,
            within.colour,
            Interval(low.low, low.low_closed, ul_iu, True),
        ),
        BuiltBand("child_above", above.gauge, above.colour, Interval(ul_iu, False, None, False)),
    )
    marks = tuple(
        BuiltMark(
            kb.messages.get("dose.child_gauge_mark", source=_source(kb, group), group=group.label),
            (_limit_iu(kb, scale, group),),
        )
        for scale, group in placed
    )
    title = kb.messages.get("dose.child_gauge_title", age=age)
    return BuiltScale(title, dose.unit, bands, marks)


def _source(kb: KnowledgeBase, group: AgeGroup) -> str:
    return ", ".join(kb.source_name(ref) for ref in group.refs)


def _limit_iu(kb: KnowledgeBase, scale: AgeScale, group: AgeGroup) -> Decimal:
    """The group's limit in IU, whichever unit its scale states it in."""
    return group.ul if scale.unit == kb.units.vitamin_d.base_unit else group.ul * iu_per_mcg(kb)


def _limit_line(kb: KnowledgeBase, amount: Amount, scale: AgeScale, group: AgeGroup) -> str:
    """ "• EFSA 2012/2023: 50 µg/day (2,000 IU/day) at 1–10 years; this dose is at or below
    it.": a limit stated in another unit than IU is given in IU a day too (as the gauge
    marks it)."""
    msg = kb.messages
    limit_iu = _limit_iu(kb, scale, group)
    within = amount.daily <= limit_iu
    values = {
        "source": _source(kb, group),
        "ul": f"{fmt(group.ul)} {scale.unit}",
        "group": group.label,
        "verdict": msg.get("dose.child_within" if within else "dose.child_above"),
    }
    if scale.unit == kb.units.vitamin_d.base_unit:
        return msg.get("dose.child_limit", **values)
    return msg.get("dose.child_limit_in_iu", iu=fmt(limit_iu), **values)
