"""/dk2 dose: where a daily vitamin D3 dose sits, with the K2 pairing advice and cautions.

The reply reads top to bottom in the order a member needs it: a hint when the input looks
mistyped, then a warning when the band has one, then the dose itself (and, for a weekly or
monthly dose, that the article's range is daily), whose figures they are, the article's and
the guidelines' lines leading into the gauge, then the K2 advice and the cautions. It fits one
phone screen (bench/reply_size.py). With `age:` below the adult age the dose goes to
`child.py` instead.
"""

from __future__ import annotations

from bot.core.age import Age, parse_age
from bot.core.amounts import Amount, InputError, Note, fmt, read_dose
from bot.core.child import child_dose_reply, child_label
from bot.core.citing import unnamed
from bot.core.dosefixed import K2_FORM_OTHER, dose_fixed
from bot.core.dosetext import (
    d_mixup,
    daily_figures,
    dose_lines,
    iu_per_mcg,
    k2_form,
    top_lines,
)
from bot.core.gauge import picture_description
from bot.core.model import Band, KnowledgeBase
from bot.core.numbers import exact
from bot.core.replies import input_error_reply, note_text
from bot.core.reply import Picture, Reply, Section
from bot.core.shown import agreeing


def dose_reply(
    kb: KnowledgeBase, amount_text: str, k2_text: str | None = None, age_text: str | None = None
) -> Reply:
    """Place a daily vitamin D3 dose (and optionally a K2 amount) on the knowledge's bands."""
    reading = read_dose(amount_text, k2_text, kb.units)
    if isinstance(reading, InputError):
        return input_error_reply(kb, "dose", reading)
    amount, k2 = reading.d, reading.k2
    age: Age | None = None
    if age_text is not None and age_text.strip() and kb.ages is not None:
        parsed_age = parse_age(age_text, kb.units, kb.ages.oldest)
        if isinstance(parsed_age, InputError):
            return input_error_reply(kb, "dose", parsed_age, option="age")
        age = parsed_age
    child = age is not None and kb.ages is not None and age.months < kb.ages.adult_from
    table = kb.bands["dose"]
    band = table.find(amount.daily)
    if band is None:  # the checker guarantees full coverage of the domain
        raise LookupError(f"no dose band holds {amount.daily}")
    notes = list(reading.notes)
    if amount.low is not None:
        low_band = table.find(amount.low.daily)
        assert low_band is not None  # the checker guarantees full coverage of the domain
        label = band.label
        if child:
            # A child's range is refused where the adult's is (the warnings differ with the
            # adult band) and where its ends fall on either side of the age's limit.
            assert age is not None
            low_label, label = (child_label(kb, age, a.daily) for a in (amount.low, amount))
            if low_label != label:
                return input_error_reply(kb, "dose", _range_error(amount, low_label, label))
        if low_band.id != band.id:
            return input_error_reply(kb, "dose", _range_error(amount, low_band.label, band.label))
        notes.insert(0, Note("range_same", {"range": _shown(amount), "label": label}))
    if child:
        assert age is not None
        return child_dose_reply(kb, amount, age, k2 is not None, notes, _shown(amount))
    form = None
    if k2 is not None:
        form = K2_FORM_OTHER if k2.mk4 else k2_form(kb, k2_text or "")
    banded = k2 is not None and form in (None, kb.units.k2.banded_form)
    k2_band = kb.bands["k2"].find(k2.daily) if k2 is not None and banded else None

    msg = kb.messages
    unit_refs = amount.unit.sources if amount.unit else ()
    k2_band_id = k2_band.id if k2_band else None
    hints = [note_text(kb, note) for note in notes]
    k2_hint = _k2_mixup(kb, k2)
    hints += [hint for hint in (d_mixup(kb, amount), k2_hint) if hint]
    # (MK-4 in mg gets a hint too, but a true one: that amount is read as typed.)
    k2_kind = None if k2 is None else (form, k2_hint is not None and not k2.mk4)
    non_daily = amount.period_days != 1
    fixed = dose_fixed(kb, band.id, k2_band_id, unit_refs, non_daily, k2_kind)
    body = top_lines(kb, fixed.text.warning, hints)
    figures = daily_figures(kb, amount, band)
    dose_line = dose_lines(kb, amount, *figures)
    body.append(dose_line)
    if age is None:
        body.append(msg.get("dose.adults_only"))
    else:
        body.append(msg.get("dose.age_adult", age=age.entered))
    # The article's position and the guidelines', each line labelled, lead into the gauge
    # that draws their edges: no heading of their own, which a phone screen can't spare.
    body.append(fixed.positions)
    sections = fixed.sections
    if fixed.k2_line and k2 is not None and k2_band is not None:
        line = _k2_line(kb, k2, k2_band, fixed.form_asked)
        value = "\n".join([*fixed.k2_before, line, *fixed.k2_after])
        sections = (Section(fixed.k2_heading, value),)
    body_text = "\n".join(body)
    sources = fixed.named_sources
    if fixed.open_labels:  # sources the fixed lines don't name: the reply's own lines may
        shown = "\n".join([body_text, *(section.value for section in sections)])
        if any(label in shown for label in fixed.open_labels):
            sources = unnamed(fixed.sources, shown)
    return Reply(
        command="dose",
        ok=True,
        title=msg.get("dose.title", amount=_shown(amount), label=band.label),
        body=body_text,
        sections=sections,
        gauge=fixed.text.gauge,
        sources=sources,
        disclaimer=msg.get("disclaimer"),
        colour=band.colour,
        picture=_picture(kb, amount, band, figures, dose_line, fixed.text.gauge),
        data={
            "daily_iu": float(amount.daily),
            "daily_mcg": float(amount.daily / iu_per_mcg(kb)),
            "band": band.id,
            "label": band.label,
            "k2_mcg": float(k2.daily) if k2 else None,
            "k2_band": k2_band.id if k2_band else None,
            "k2_form": form,
            "k2_pairing": band.k2_pairing,
            "age_months": float(age.months) if age else None,
            "limit_iu": None,
            "warning": band.warning,
            "cautions": list(fixed.cautions),
            "hints": hints,
        },
    )


def _picture(
    kb: KnowledgeBase,
    amount: Amount,
    band: Band,
    figures: tuple[str, str],
    dose_line: str,
    gauge_text: str,
) -> Picture:
    """The gauge, captioned with the daily dose as the reply's dose line says it (for a
    weekly or monthly dose, its daily average: the same figures, as a daily dose's line)."""
    shown = dose_line
    if amount.period_days != 1:
        daily_iu, daily_mcg = figures
        shown = kb.messages.get("dose.daily_line", daily_iu=daily_iu, daily_mcg=daily_mcg)
    description = picture_description(kb.bands["dose"], band, shown, kb.messages, gauge_text)
    return Picture("dose", amount.daily, shown, description)


def _k2_line(kb: KnowledgeBase, k2: Amount, k2_band: Band, form_asked: str | None) -> str:
    """Where the K2 amount sits on the K2 bands (then `form_asked`, when no form was named)."""
    k2_mcg = agreeing(k2.daily, lambda v: v in k2_band.range, 2) or fmt(k2.daily, 4)
    line = kb.messages.get("dose.k2_line", k2_mcg=k2_mcg, label=k2_band.article.text)
    return f"{line} {form_asked}" if form_asked is not None else line


def _range_error(amount: Amount, low_label: str, high_label: str) -> InputError:
    """ "1000-2000 IU" across two bands: say where each end sits and ask for one amount."""
    low = amount.low
    assert low is not None
    values = {
        "low": low.entered,
        "range": _shown(amount),
        "high": amount.entered,
        "low_label": low_label,
        "high_label": high_label,
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


def _k2_mixup(kb: KnowledgeBase, k2: Amount | None) -> str | None:
    """K2 typed in mg: probably µg, unless it is MK-4, where milligram doses are real."""
    if k2 is None or k2.unit is None or k2.unit.factor == 1:
        return None
    reading = kb.units.reading
    mk4 = {
        "mk4_mg": fmt(reading.mk4.pharmacological_mg),
        "mk4_sources": "; ".join(kb.source_name(ref) for ref in reading.mk4.sources),
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
