"""/dk2 topics and /dk2 about: what dk2 knows, and where it comes from."""

from __future__ import annotations

from bot.core.explain import INFO_COLOUR
from bot.core.model import KnowledgeBase
from bot.core.reply import Reply, Section


def topics_reply(kb: KnowledgeBase) -> Reply:
    """Every topic, grouped; each group one section listing `id`: title."""
    groups: dict[str, list[str]] = {}
    for topic in sorted(kb.topics.values(), key=lambda t: t.title):
        groups.setdefault(topic.group, []).append(f"`{topic.id}`: {topic.title}")
    sections = tuple(Section(group, "\n".join(lines)) for group, lines in sorted(groups.items()))
    example = next(iter(kb.topics))
    return Reply(
        command="topics",
        ok=True,
        title=kb.messages.get("topics.title"),
        body=kb.messages.get("topics.footer", example=example),
        sections=sections,
        colour=INFO_COLOUR,
        data={"topics": sorted(kb.topics)},
    )


def about_reply(kb: KnowledgeBase) -> Reply:
    msg = kb.messages
    sources = "\n".join(f"• {source.name}: {source.citation}" for source in kb.sources.values())
    loaded = kb.loaded_at.strftime("%Y-%m-%d %H:%M UTC")
    version = msg.get(
        "about.version_line", version=kb.version, loaded=loaded, topics=str(len(kb.topics))
    )
    return Reply(
        command="about",
        ok=True,
        title=msg.get("about.title"),
        body=msg.get("about.text"),
        sections=(
            Section(msg.get("headings.commands"), msg.get("about.commands")),
            Section(msg.get("headings.sources"), sources),
            Section(msg.get("headings.version"), version),
        ),
        disclaimer=msg.get("disclaimer"),
        colour=INFO_COLOUR,
        data={"version": kb.version, "loaded_at": kb.loaded_at.isoformat()},
    )
