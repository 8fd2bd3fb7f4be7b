"""The reply for bad input, shared by every command, and the words for a reading's notes."""

from __future__ import annotations

from bot.core.amounts import InputError, Note
from bot.core.model import KnowledgeBase
from bot.core.numbers import fmt
from bot.core.reply import Reply, error_reply

# Errors that state where amounts sit on the scale ("10,000 IU is over the adult upper
# limit"): health content, so they carry the not-medical-advice line as the placed replies do.
HEALTH_ERRORS = frozenset({"range_spans"})


def input_error_reply(
    kb: KnowledgeBase, command: str, error: InputError, *, option: str | None = None
) -> Reply:
    """Bad input as a reply: the message that says what to type instead, after the name of
    the option that is wrong (when one is)."""
    message = kb.messages.get(f"errors.{error.key}", **error.values)
    named = option or error.option
    if named:
        message = f"`{named}`: {message}"
    reply = error_reply(command, message, title=kb.messages.get("errors.title"))
    if error.key in HEALTH_ERRORS:
        reply = reply._replace(disclaimer=kb.messages.get("disclaimer"))
    return reply._replace(data={"error_key": error.key, "error_option": named or None})


def note_text(kb: KnowledgeBase, note: Note) -> str:
    """A reading's note in words, with what only the knowledge base knows filled in."""
    values = dict(note.values)
    if note.key == "d2":
        reading = kb.units.reading
        mcg = next(unit for unit in kb.units.vitamin_d.units if "mcg" in unit.names)
        values["iu_per_mcg"] = fmt(mcg.factor)
        values["unit_sources"] = "; ".join(kb.source_name(ref) for ref in reading.d2.sources)
        values["compare_sources"] = "; ".join(
            kb.source_name(ref) for ref in reading.d2.compare_sources
        )
    return kb.messages.get(f"hints.{note.key}", **values)
