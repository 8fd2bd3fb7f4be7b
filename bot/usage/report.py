"""Turning a `UsageSummary` into the `/dk2 stats` reply moderators see."""

from __future__ import annotations

from bot.core.reply import Reply, Section
from bot.usage.summary import Counts, UsageSummary

MAX_ENTRIES = 10
DEFAULT_DAYS = 30  # what `/dk2 stats` and `python -m bot stats` count without a number
MAX_DAYS = 36_500  # as the longest retention config allows
FIELD_LIMIT = 1024  # Discord's limit on an embed field's value
ENTRY_CHARS = 100  # an unanswered term may be 200 characters; a list line needn't be


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _count_list(counts: Counts, *, quoted: bool = False) -> str:
    """One line per entry, most frequent first, cut to fit a section's value."""
    if not counts:
        return "None."
    lines: list[str] = []
    length = 0
    shown = counts[:MAX_ENTRIES]
    for index, (name, count) in enumerate(shown):
        label = _clip(name, ENTRY_CHARS)
        line = f'"{label}" — {count}' if quoted else f"{label} — {count}"
        more = f"… and {len(shown) - index} more"
        if length + len(line) + 1 + len(more) > FIELD_LIMIT:
            lines.append(more)
            break
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines)


def _window(days: int, guild_id: int | None) -> str:
    period = "the last day" if days == 1 else f"the last {days} days"
    return f"{period} in this server" if guild_id is not None else f"{period} across all servers"


def stats_reply(summary: UsageSummary, days: int) -> Reply:
    """The moderators' usage report for the last `days` days."""
    title = "dk2 usage"
    window = _window(days, summary.guild_id)
    data = {
        "days": days,
        "guild_id": summary.guild_id,
        "total_answered": summary.total_answered,
        "total_unanswered": summary.total_unanswered,
        "commands": dict(summary.commands),
        "top_topics": dict(summary.top_topics),
        "dose_bands": dict(summary.dose_bands),
        "k2_bands": dict(summary.k2_bands),
        "level_bands": dict(summary.level_bands),
        "unanswered_terms": dict(summary.unanswered_terms),
    }
    if summary.error is not None:
        body = (
            f"The usage log can't be read right now ({_clip(summary.error, 300)}). "
            "Answering is not affected."
        )
        return Reply(command="stats", ok=True, title=title, body=body, data=data)
    if summary.is_empty:
        body = f"No usage recorded in {window} yet."
        return Reply(command="stats", ok=True, title=title, body=body, data=data)

    body = (
        f"{summary.total} request(s) in {window}: {summary.total_answered} answered, "
        f"{summary.total_unanswered} without an answer."
    )
    if summary.commands:
        body += "\nBy command: " + ", ".join(f"{name} {n}" for name, n in summary.commands)
    sections = (
        Section("Top topics", _count_list(summary.top_topics)),
        Section("Dose bands", _count_list(summary.dose_bands)),
        Section("K2 bands", _count_list(summary.k2_bands)),
        Section("Level bands", _count_list(summary.level_bands)),
        Section("Unanswered terms", _count_list(summary.unanswered_terms, quoted=True)),
    )
    return Reply(command="stats", ok=True, title=title, body=body, sections=sections, data=data)
