"""Watching `knowledge/` and reloading when a curator saves a change (`watch_knowledge`).

A plain poll of every file's modification time and size, no extra dependency: every
`interval` seconds the folder is listed off the event loop. A change is reloaded once the
folder has stayed the same for one more poll, so an editor saving several files (or writing
one in pieces) causes one reload, not several. The reload follows the same rules as
`/dk2-admin reload`: invalid knowledge is logged with every problem and the running knowledge
base stays.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path

from bot.core.holder import KnowledgeHolder, Reload, problem_lines

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 2.0

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """Every file under `root` with its modification time (ns) and size."""
    found: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue  # editors' swap and lock files
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue  # deleted between listing and stat
            found[os.path.relpath(path, root)] = (stat.st_mtime_ns, stat.st_size)
    return found


def log_reload(outcome: Reload, root: Path, why: str) -> None:
    """Log what a reload did: the new version and topic changes, or every problem."""
    if outcome.ok:
        kb = outcome.current
        log.info(
            "%s: knowledge reloaded, version %s, %d topics (added %s; removed %s; changed %s)",
            why,
            kb.version,
            len(kb.topics),
            ", ".join(outcome.added) or "none",
            ", ".join(outcome.removed) or "none",
            ", ".join(outcome.changed) or "none",
        )
        return
    problems = problem_lines(outcome.result.problems, root)
    log.warning(
        "%s: knowledge in %s NOT reloaded, %d problem(s); still answering from version %s:\n  %s",
        why,
        root,
        len(problems),
        outcome.previous.version,
        "\n  ".join(problems),
    )


async def watch_knowledge(
    holder: KnowledgeHolder,
    *,
    interval: float = DEFAULT_INTERVAL,
    on_reload: Callable[[Reload], None] | None = None,
) -> None:
    """Poll `holder.path` until cancelled, reloading each settled change."""
    root = holder.path
    seen = await asyncio.to_thread(snapshot, root)
    pending: Snapshot | None = None
    log.info("watching %s for changes every %.1f s", root, interval)
    while True:
        await asyncio.sleep(interval)
        # A folder that is gone or unreadable lists as empty (os.walk skips what it cannot
        # read): a change, whose reload is refused with "knowledge folder not found".
        now = await asyncio.to_thread(snapshot, root)
        if now == seen:
            pending = None
            continue
        if now != pending:
            pending = now  # still changing, or just changed: wait for it to settle
            continue
        seen, pending = now, None
        try:
            outcome = await asyncio.to_thread(holder.reload_report)
        except Exception:  # a loader bug must not end the watch
            log.exception("reloading %s after a change failed", root)
            continue
        log_reload(outcome, root, "knowledge changed")
        if on_reload is not None:
            on_reload(outcome)
