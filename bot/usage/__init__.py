"""The usage log behind moderators' `/dk2-admin stats`: what was asked, never who asked.

Recording never blocks or breaks answering: events go to one background writer thread, and
database trouble becomes a rate-limited warning. See `store.UsageStore`.
"""

from bot.usage.events import UsageEvent, normalise_term
from bot.usage.report import stats_reply
from bot.usage.store import UsageStore
from bot.usage.summary import UsageSummary, open_summary

__all__ = [
    "UsageEvent",
    "UsageStore",
    "UsageSummary",
    "normalise_term",
    "open_summary",
    "stats_reply",
]
