"""/dk2 topics, /dk2 about and /dk2 help: what dk2 knows, where it comes from, how to ask."""

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


# The commands `/dk2 help` lists, in this order; each has `help.<name>` in messages.yaml.
HELP_COMMANDS = ("dose", "level", "explain", "topics", "about", "help")


def help_reply(kb: KnowledgeBase) -> Reply:
    """Every command with one example of it."""
    msg = kb.messages
    lines = "\n".join(f"• {msg.get(f'help.{name}')}" for name in HELP_COMMANDS)
    return Reply(
        command="help",
        ok=True,
        title=msg.get("help.title"),
        body=msg.get("help.text"),
        sections=(
            Section(msg.get("headings.commands"), lines),
            Section(msg.get("help.moderators_heading"), msg.get("help.moderators")),
        ),
        colour=INFO_COLOUR,
        data={"commands": list(HELP_COMMANDS)},
    )
