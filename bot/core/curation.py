"""The replies moderators' curation commands give: `/dk2-admin reload` and `/dk2 pins`.

Plain values in, a `Reply` out, so the texts (from messages.yaml) and the cut to Discord's
limits are the same wherever they are shown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from bot.core.explain import INFO_COLOUR
from bot.core.holder import KnowledgeHolder, Reload, problem_lines
from bot.core.model import Messages
from bot.core.reply import Reply
from bot.core.watch import log_reload

log = logging.getLogger(__name__)

# An embed description holds 4,096 characters; leave room for the lead sentence.
LIST_BUDGET = 3500
# A topic list in a section (an embed field holds 1,024 characters).
SECTION_BUDGET = 1000


def fit_lines(lines: Sequence[str], budget: int, more: str) -> list[str]:
    """As many `lines` as fit in `budget` characters (newlines counted), then `more`
    (a template with `{count}`) saying how many were left out."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        left_after = len(lines) - index - 1
        tail = len(more.format(count=left_after)) + 1 if left_after else 0
        if used + len(line) + 1 + tail > budget:
            # The previous step made sure this tail fits.
            return [*kept, more.format(count=len(lines) - index)]
        kept.append(line)
        used += len(line) + 1
    return kept


def _ids(messages: Messages, ids: tuple[str, ...]) -> str:
    return ", ".join(f"`{topic_id}`" for topic_id in ids) or messages.get("reload.none")


def reload_reply(messages: Messages, outcome: Reload, root: Path) -> Reply:
    """What a moderator is told after `/dk2-admin reload`: the live version and what changed, or
    every problem as `file:line: message` when nothing was swapped in."""
    if not outcome.ok:
        lines = problem_lines(outcome.result.problems, root)
        lead = messages.get(
            "reload.failed", count=str(len(lines)), version=outcome.previous.version
        )
        more = messages.get("reload.more", count="{count}")
        listed = fit_lines([f"• {line}" for line in lines], LIST_BUDGET - len(lead), more)
        text = lead + "\n\n" + "\n".join(listed)
        return Reply(
            command="reload",
            ok=False,
            title=messages.get("reload.failed_title"),
            body=text,
            error=text,
            data={"reloaded": False, "problems": lines, "version": outcome.previous.version},
        )
    kb = outcome.current
    loaded = kb.loaded_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    body = messages.get("reload.ok", version=kb.version, loaded=loaded, topics=str(len(kb.topics)))
    changes = messages.get(
        "reload.changes",
        added=_ids(messages, outcome.added),
        removed=_ids(messages, outcome.removed),
        changed=_ids(messages, outcome.changed),
    )
    if len(changes) > SECTION_BUDGET * 3:
        changes = changes[: SECTION_BUDGET * 3 - 1] + "…"
    return Reply(
        command="reload",
        ok=True,
        title=messages.get("reload.ok_title"),
        body=body + "\n\n" + changes,
        colour=INFO_COLOUR,
        data={
            "reloaded": True,
            "version": kb.version,
            "previous_version": outcome.previous.version,
            "topics": len(kb.topics),
            "added": list(outcome.added),
            "removed": list(outcome.removed),
            "changed": list(outcome.changed),
        },
    )


def pins_reply(messages: Messages, pins: Sequence[tuple[str, str]]) -> Reply:
    """`/dk2 pins`: each pinned dk2 answer as a link, `pins` being (title, jump url) pairs,
    most recently pinned first."""
    if not pins:
        body = messages.get("pins.none")
    else:
        untitled = messages.get("pins.untitled")
        lines = [f"• [{_link_text(title) or untitled}]({url})" for title, url in pins]
        more = messages.get("pins.more", count="{count}")
        body = "\n".join(fit_lines(lines, LIST_BUDGET, more))
    return Reply(
        command="pins",
        ok=True,
        title=messages.get("pins.title"),
        body=body,
        colour=INFO_COLOUR,
        data={"pins": [{"title": title, "url": url} for title, url in pins]},
    )


def _link_text(title: str) -> str:
    """A title safe inside `[...](...)`: no brackets, one line, at most 100 characters."""
    text = " ".join(title.replace("[", "(").replace("]", ")").split())
    return text if len(text) <= 100 else text[:99].rstrip() + "…"


async def reload_now(
    holder: KnowledgeHolder, who: str, on_reload: Callable[[], Awaitable[None]] | None
) -> Reply:
    """A moderator's reload, the same from either transport: validated and swapped off the
    loop (it takes tens of milliseconds), logged, announced to other dk2 processes when it
    took (`on_reload`; a failure there is logged, the reload stands), and the reply."""
    outcome = await asyncio.to_thread(holder.reload_report)
    log_reload(outcome, holder.path, who)
    if outcome.ok and on_reload is not None:
        try:
            await on_reload()
        except Exception:
            log.exception("telling other dk2 processes about the reload failed")
    return reload_reply(outcome.current.messages, outcome, holder.path)
