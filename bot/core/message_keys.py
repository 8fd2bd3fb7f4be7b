"""Every message template dk2 says, the placeholders the code fills each with, and the model
of `messages.yaml` built from that list: a missing or unknown message is a schema error."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, create_model

from bot.core.model import Model, Text

_PIN_OUTCOMES = (
    "not_moderator",
    "bot_lacks_permission",
    "pin_limit",
    "deleted",
    "already_pinned",
    "already_unpinned",
    "no_message",
    "discord_error",
    "not_dk2",
)
# Each message template and the placeholders the code fills it with.
MESSAGE_FIELDS: dict[str, frozenset[str]] = {
    key: frozenset(fields.split())
    for key, fields in {
        "disclaimer": "",
        "about.title": "",
        "about.text": "",
        "about.commands": "",
        "headings.article": "",
        "headings.references": "",
        "dose.article_line": "text",
        "headings.k2": "",
        "headings.cautions": "",
        "headings.k2_cautions": "",
        "headings.check_input": "",
        "headings.related": "",
        "headings.suggestions": "",
        "headings.sources": "",
        "headings.more_detail": "",
        "headings.from_source": "where",
        "headings.commands": "",
        "headings.version": "",
        "about.version_line": "version loaded topics",
        "explain.not_found_title": "",
        "help.title": "",
        "help.text": "",
        "help.dose": "",
        "help.level": "",
        "help.explain": "",
        "help.topics": "",
        "help.about": "",
        "help.help": "",
        "help.moderators_heading": "",
        "help.moderators": "",
        "stats.title": "",
        "stats.chart_title": "window",
        "stats.chart_title_buckets": "window days",
        "stats.chart_empty": "",
        "gauge.scale": "scale unit",
        "gauge.mark": "label figures unit",
        "gauge.alt": "title value band",
        "stats.none": "",
        "stats.more": "count",
        "stats.last_day": "",
        "stats.last_days": "days",
        "stats.in_server": "period",
        "stats.all_servers": "period",
        "stats.unreadable": "error",
        "stats.empty": "window",
        "stats.totals": "total window answered unanswered",
        "stats.by_command": "counts",
        "stats.top_topics": "",
        "stats.dose_bands": "",
        "stats.k2_bands": "",
        "stats.level_bands": "",
        "stats.unanswered_terms": "",
        "dose.title": "amount label",
        "dose.daily_line": "daily_iu daily_mcg",
        "dose.averaged_line": "entered daily_iu daily_mcg days",
        "dose.k2_line": "k2_mcg label",
        "dose.k2_none": "",
        "dose.mixup_mass": "entered daily_iu number typed",
        "dose.mixup_iu": "entered number as_mcg_iu typed",
        "dose.mixup_k2": "entered k2_mcg number mk4_mg mk4_sources",
        "dose.k2_mk4": "entered mk4_mg mk4_sources",
        "dose.mixup_mass_check": "entered daily_iu",
        "dose.mixup_capsule": "entered iu typed",
        "hints.set_aside": "words",
        "hints.separator": "text chosen",
        "hints.separator_other": "text chosen other typed",
        "hints.d2": "iu_per_mcg unit_sources compare_sources",
        "hints.form_each": "entered form typed",
        "hints.child": "",
        "hints.range_same": "range label",
        "hints.lab_below": "number unit",
        "hints.lab_above": "number unit",
        "dose.adults_only": "",
        "dose.k2_form": "",
        "dose.sources_article": "sections",
        "dose.age_adult": "age",
        "dose.child_title": "amount age label",
        "dose.child_limit": "source ul group verdict",
        "dose.child_limit_in_iu": "source ul iu group verdict",
        "dose.child_within": "",
        "dose.child_above": "",
        "dose.child_note": "",
        "dose.child_k2": "",
        "dose.child_gauge_title": "age",
        "dose.child_gauge_mark": "source group",
        "dose.warning": "text sources",
        "headings.limits": "",
        "level.nmol_value_line": "nmol_l ng_ml",
        "level.about": "value",
        "level.nmol_placed": "",
        "errors.bad_age": "text",
        "errors.age_too_high": "text",
        "level.title": "value label",
        "level.value_line": "ng_ml nmol_l",
        "level.assumed_unit": "",
        "level.nmol_hint": "number as_ng_ml",
        "level.nmol_only": "number as_ng_ml",
        "explain.not_found": "term",
        "explain.not_found_dose": "term typed",
        "explain.not_found_level": "term typed",
        "explain.not_found_suggest": "term",
        "explain.out_of_scope": "term topics",
        "explain.urgent": "",
        "explain.urgent_title": "",
        "explain.source_article": "section",
        "explain.read_more": "topics",
        "topics.title": "",
        "topics.footer": "example",
        "errors.title": "",
        "errors.too_long": "length limit",
        "errors.empty_amount": "",
        "errors.empty_k2": "",
        "errors.empty_level": "",
        "errors.empty_term": "",
        "errors.no_number": "text",
        "errors.no_number_level": "text",
        "errors.not_positive": "example",
        "errors.negative": "example",
        "errors.not_finite": "text example",
        "errors.bad_grouping": "text",
        "errors.fraction": "example",
        "errors.unknown_unit": "unit units example",
        "errors.unknown_level_unit": "unit",
        "errors.level_unit": "unit units example",
        "errors.k2_iu": "",
        "errors.too_high": "entered daily limit",
        "errors.level_too_high": "value limit",
        "errors.unknown_command": "name commands rest",
        "errors.unknown_command_amount": "name command rest",
        "errors.no_command": "commands",
        "errors.unknown_option": "name command options",
        "errors.duplicate_option": "name",
        "errors.bad_private": "",
        "errors.extra_text": "text what hint",
        "errors.extra_text_alone": "text command rest",
        "errors.exponent": "text example",
        "errors.too_small": "entered minimum example",
        "errors.form_amount": "count form",
        "errors.two_amounts": "text",
        "errors.two_labels": "text",
        "errors.k2_only": "text",
        "errors.two_frequencies": "first second",
        "errors.bad_frequency": "text",
        "errors.bad_range": "text",
        "errors.range_spans": "range low high low_label high_label low_typed high_typed",
        "errors.level_numbers": "text",
        # The Discord layer: the Pin button, moderator commands, failures and the cooldown.
        **{f"pin.{key}.title": "" for key in _PIN_OUTCOMES},
        **{f"pin.{key}.text": "" for key in _PIN_OUTCOMES},
        "pin.pin_limit.text": "limit",
        "pin.discord_error.text": "action status",
        "moderators.title": "",
        "moderators.reload": "",
        "moderators.stats": "",
        "reload.ok_title": "",
        "reload.ok": "version loaded topics",
        "reload.changes": "added removed changed",
        "reload.none": "",
        "reload.failed_title": "",
        "reload.failed": "count version",
        "reload.more": "count",
        "pins.title": "",
        "pins.none": "",
        "pins.untitled": "",
        "pins.more": "count",
        "pins.cannot_read": "",
        "pins.no_server": "",
        "failure.title": "",
        "failure.text": "ref",
        "failure.outdated_title": "",
        "failure.outdated": "",
        "failure.button_outdated_title": "",
        "failure.button_outdated": "",
        "failure.restarting_title": "",
        "failure.restarting": "",
        "failure.out_of_range_title": "",
        "failure.out_of_range": "option min max",
        "cooldown.title": "",
        "cooldown.text": "rate per seconds",
        "cooldown.text_one": "rate per",
        # "Answer with dk2" on a member's message, and answers not repeated in a channel.
        "answer_with.dose_choice": "text",
        "answer_with.level_choice": "text",
        "answer_with.choose": "",
        "answer_with.choose_placeholder": "",
        "answer_with.off_topic_title": "",
        "answer_with.off_topic": "",
        "answer_with.no_text": "",
        "answer_with.expired": "",
        "answer_with.posted": "link",
        "answer_with.cannot_reply": "",
        "answer_with.answering": "link",
        "answer_with.answered": "",
        "repeat.text": "link ago",
        "repeat.pinned": "link",
        "repeat.just_now": "",
        "repeat.minutes_ago": "minutes",
        "repeat.minute_ago": "",
        # Where dk2 is not in the server (a user install), and new forum posts.
        "install.add_to_server": "link",
        "forum.intro": "",
    }.items()
}


def _model(name: str, tree: dict[str, Any]) -> type[Model]:
    fields: dict[str, Any] = {}
    for key, node in tree.items():
        if isinstance(node, dict):
            fields[key] = (_model(f"{name}_{key}", node), ...)
        else:
            description = "placeholders: " + (" ".join(f"{{{f}}}" for f in sorted(node)) or "none")
            fields[key] = (Text, Field(description=description))
    return create_model(name, __base__=Model, **fields)


def _tree() -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for dotted, placeholders in MESSAGE_FIELDS.items():
        *groups, last = dotted.split(".")
        node = tree
        for group in groups:
            node = node.setdefault(group, {})
        node[last] = placeholders
    return tree


MessagesFile = _model("Messages", _tree())


def templates_of(messages: BaseModel, prefix: str = "") -> dict[str, str]:
    """A validated messages.yaml as templates by dotted key ("errors.too_long")."""
    templates: dict[str, str] = {}
    for key in type(messages).model_fields:
        value = getattr(messages, key)
        if isinstance(value, BaseModel):
            templates.update(templates_of(value, f"{prefix}{key}."))
        else:
            templates[f"{prefix}{key}"] = value
    return templates
