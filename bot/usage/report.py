"""Turning a `UsageSummary` into the `/dk2-admin stats` reply moderators see."""

from __future__ import annotations

from bot.core.model import Messages
from bot.core.reply import Reply, Section
from bot.core.sanitize import echo
from bot.usage.summary import Counts, UsageSummary

MAX_ENTRIES = 10
DEFAULT_DAYS = 30  # what `/dk2-admin stats` and `python -m bot stats` count without a number
MAX_DAYS = 36_500  # as the longest retention config allows
FIELD_LIMIT = 1024  # Discord's limit on an embed field's value
ENTRY_CHARS = 100  # an unanswered term may be 200 characters; a list line needn't be


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _count_list(messages: Messages, counts: Counts, *, quoted: bool = False) -> str:
    """One line per entry, most frequent first, cut to fit a section's value."""
    if not counts:
        return messages.get("stats.none")
    lines: list[str] = []
    length = 0
    shown = counts[:MAX_ENTRIES]
    for index, (name, count) in enumerate(shown):
        # Quoted entries are what members typed: shown to moderators, so sanitized and escaped.
        label = echo(name, ENTRY_CHARS) if quoted else _clip(name, ENTRY_CHARS)
        line = f'"{label}" — {count}' if quoted else f"{label} — {count}"
        more = messages.get("stats.more", count=str(len(shown) - index))
        if length + len(line) + 1 + len(more) > FIELD_LIMIT:
            lines.append(more)
            break
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines)


def window_text(messages: Messages, days: int, guild_id: int | None) -> str:
    if days == 1:
        period = messages.get("stats.last_day")
    else:
        period = messages.get("stats.last_days", days=str(days))
    key = "stats.in_server" if guild_id is not None else "stats.all_servers"
    return messages.get(key, period=period)


def stats_reply(summary: UsageSummary, days: int, messages: Messages) -> Reply:
    """The moderators' usage report for the last `days` days, in the knowledge's words."""
    title = messages.get("stats.title")
    window = window_text(messages, days, summary.guild_id)
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
        body = messages.get("stats.unreadable", error=_clip(summary.error, 300))
        return Reply(command="stats", ok=True, title=title, body=body, data=data)
    if summary.is_empty:
        body = messages.get("stats.empty", window=window)
        return Reply(command="stats", ok=True, title=title, body=body, data=data)

    body = messages.get(
        "stats.totals",
        total=str(summary.total),
        window=window,
        answered=str(summary.total_answered),
        unanswered=str(summary.total_unanswered),
    )
    if summary.commands:
        counts = ", ".join(f"{name} {n}" for name, n in summary.commands)
        body += "\n" + messages.get("stats.by_command", counts=counts)
    sections = (
        Section(messages.get("stats.top_topics"), _count_list(messages, summary.top_topics)),
        Section(messages.get("stats.dose_bands"), _count_list(messages, summary.dose_bands)),
        Section(messages.get("stats.k2_bands"), _count_list(messages, summary.k2_bands)),
        Section(messages.get("stats.level_bands"), _count_list(messages, summary.level_bands)),
        Section(
            messages.get("stats.unanswered_terms"),
            _count_list(messages, summary.unanswered_terms, quoted=True),
        ),
    )
    return Reply(command="stats", ok=True, title=title, body=body, sections=sections, data=data)
