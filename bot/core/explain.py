"""/dk2 explain: the curated answer for a term or question, quoting where it comes from."""

from __future__ import annotations

from bot.core.amounts import InputError, parse_level, read_dose, too_long
from bot.core.bandtext import cautions_text
from bot.core.citing import source_refs
from bot.core.model import KnowledgeBase, Topic
from bot.core.replies import input_error_reply
from bot.core.reply import Reply, Section
from bot.core.sanitize import echo
from bot.core.search import index_for

INFO_COLOUR = 0x3498DB
URGENT_COLOUR = 0xE74C3C
# The longest amount a "no curated answer" quotes whole as a command to type.
_TYPED_CHARS = 100
# A dose read whole but too large or too small to place is still a dose.
_OUT_OF_RANGE = frozenset({"too_high", "too_small"})


def explain_reply(kb: KnowledgeBase, term: str) -> Reply:
    if error := too_long(term, kb.units.max_input_chars):
        return input_error_reply(kb, "explain", error)
    if not term.strip():
        return input_error_reply(kb, "explain", InputError("empty_term"))
    result = index_for(kb).search(term)
    if result.how == "urgent":
        return _urgent(kb)
    if result.topic is None:
        return _not_found(
            kb, term.strip(), result.suggestions, out_of_scope=result.how == "out-of-scope"
        )
    return topic_reply(kb, kb.topics[result.topic], how=result.how)


def topic_reply(kb: KnowledgeBase, topic: Topic, *, how: str = "exact") -> Reply:
    msg = kb.messages
    more = msg.get("headings.more_detail")
    sections = [Section(more, topic.long)] if topic.long != topic.short else []
    if topic.source.quotes:
        where = (
            msg.get("explain.source_article", section=topic.source.section)
            if topic.source.section
            else kb.source_name("article")
        )
        quotes = "\n".join(f"> {quote}" for quote in topic.source.quotes)
        sections.append(Section(msg.get("headings.from_source", where=where), quotes))
    if topic.cautions:
        sections.append(Section(msg.get("headings.cautions"), cautions_text(kb, topic.cautions)))
    if topic.related:
        related = ", ".join(f"`{other}`" for other in topic.related)
        sections.append(
            Section(msg.get("headings.related"), msg.get("explain.read_more", topics=related))
        )
    return Reply(
        command="explain",
        ok=True,
        title=topic.title,
        body=topic.short,
        sections=tuple(sections),
        sources=source_refs(
            kb, [topic.source], [ref for cid in topic.cautions for ref in kb.cautions[cid].refs]
        ),
        disclaimer=msg.get("disclaimer"),
        colour=INFO_COLOUR,
        data={"topic": topic.id, "suggestions": [], "match": how, "kind": topic.kind},
    )


def _not_found(
    kb: KnowledgeBase, term: str, suggestions: tuple[str, ...], *, out_of_scope: bool
) -> Reply:
    msg = kb.messages
    shown = echo(term, 80)
    sections: tuple[Section, ...] = ()
    # A bare amount ("5000 IU") is pointed to the command that places it, before any topic.
    asked = "not_found" if out_of_scope else _amount_asked(kb, term)
    if out_of_scope:
        topics = ", ".join(f"`{topic_id}`" for topic_id in kb.topics)
        body = msg.get("explain.out_of_scope", term=shown, topics=topics)
    elif asked != "not_found" or not suggestions:
        body = msg.get(f"explain.{asked}", term=shown, typed=echo(term, _TYPED_CHARS, code=True))
    else:
        body = msg.get("explain.not_found_suggest", term=shown)
    if suggestions and not out_of_scope:
        lines = "\n".join(
            f"• `/dk2 explain {topic_id}`: {kb.topics[topic_id].title}" for topic_id in suggestions
        )
        sections = (Section(msg.get("headings.suggestions"), lines),)
    return Reply(
        command="explain",
        ok=True,
        title=msg.get("explain.not_found_title"),
        body=body,
        sections=sections,
        # Sending the member to a clinician or to health topics is health content; "no
        # curated answer, try `/dk2 topics`" alone is not.
        disclaimer=msg.get("disclaimer") if out_of_scope or suggestions else None,
        colour=INFO_COLOUR,
        # The member's own words: the Discord layer shows this reply to them only.
        data={
            "topic": None,
            "suggestions": list(suggestions),
            "match": "none",
            "kind": None,
            "private": True,
            "out_of_scope": out_of_scope,
        },
    )


def amount_command(kb: KnowledgeBase, text: str) -> str | None:
    """The command that reads `text` when it is a bare amount: "dose" for "5000 IU", "level"
    for "42 ng/mL"; None for anything else. A dose among other words ("is 5000 IU too
    much") is a question, not an amount."""
    if not any(ch.isnumeric() for ch in text):  # most questions: no reading needed
        return None
    dose = read_dose(text, None, kb.units)
    if isinstance(dose, InputError):
        if dose.key in _OUT_OF_RANGE:  # `/dk2 dose` says why it can't place that amount
            return "dose"
    elif not any(note.key == "set_aside" for note in dose.notes):
        return "dose"
    level = parse_level(text, kb.units)
    if not isinstance(level, InputError) and level.unit is not None:
        return "level"
    return None


def _amount_asked(kb: KnowledgeBase, term: str) -> str:
    """Which "no curated answer" to give: a bare amount asked as a question points to the
    command that places it; anything else to the topics."""
    command = amount_command(kb, term) if len(term) <= _TYPED_CHARS else None
    return f"not_found_{command}" if command else "not_found"


def _urgent(kb: KnowledgeBase) -> Reply:
    """Someone may need care now: where to get it, first and alone. No topic (not even
    toxicity's symptoms) and no echo of the words: nothing to read before acting."""
    msg = kb.messages
    return Reply(
        command="explain",
        ok=True,
        title=msg.get("explain.urgent_title"),
        body=msg.get("explain.urgent"),
        colour=URGENT_COLOUR,
        disclaimer=msg.get("disclaimer"),
        data={
            "topic": None,
            "suggestions": [],
            "match": "urgent",
            "kind": None,
            "out_of_scope": True,
            "urgent": True,
        },
    )
