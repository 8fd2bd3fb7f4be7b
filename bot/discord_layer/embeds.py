"""A core `Reply` as Discord embeds, always within Discord's limits.

The renderer reads only the `Reply`, like `render_text` does for the console, so chat and the
console show the same answer. What goes where:

- title: the reply's title; description: the body, then the gauge on its own line;
- one field per section, a long section continued over several fields ("(cont.)") split at
  line boundaries;
- the footer: the source line ("Sources: …"), then the disclaimer on its own line (the
  source line is a compact line there, not a field whose heading would take a phone row);
- the band's colour (a default blue when the reply has none);
- a reply's picture as the embed's image, `attachment://gauge.png`, uploaded with it.

A reply that can't fit in one embed loses its lowest-priority sections first (the core lists
sections most important first), then has its body shortened; the title, source line and
disclaimer are always kept (a source line too long for the footer is shortened, never the
disclaimer before it). `paged_embeds` instead spreads every section over several embeds
(for `/dk2 topics`, where leaving a topic out is not an option).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import discord

from bot.core.reply import Picture, Reply

__all__ = [
    "ERROR_COLOUR",
    "LIMITS",
    "Limits",
    "embed_total",
    "error_embed",
    "limit_problems",
    "paged_embeds",
    "reply_embed",
    "split_text",
    "truncate",
]

ELLIPSIS: Final = "…"
DEFAULT_COLOUR: Final = 0x3498DB
ERROR_COLOUR: Final = 0xE74C3C
CONTINUED: Final = " (cont.)"
SOURCES_NAME: Final = "Sources"
SHORTENED_NAME: Final = "More"
SHORTENED_VALUE: Final = "Some parts were left out to fit Discord's limits."


@dataclass(frozen=True, slots=True)
class Limits:
    """Discord's embed limits (characters, except `fields`)."""

    title: int = 256
    description: int = 4096
    fields: int = 25
    field_name: int = 256
    field_value: int = 1024
    footer: int = 2048
    author: int = 256
    total: int = 6000


LIMITS: Final = Limits()


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when something was cut."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    cut = text[: limit - 1].rstrip()
    return cut + ELLIPSIS


def _split_line(line: str, limit: int) -> list[str]:
    """A single over-long line as pieces of at most `limit`, cut at spaces when possible."""
    pieces: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", limit // 2, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    if line:
        pieces.append(line)
    return pieces


def split_text(text: str, limit: int) -> list[str]:
    """`text` as chunks of at most `limit` characters, split at line boundaries.

    Lines are kept whole where they fit; a line longer than `limit` is split at spaces. No
    text is lost and no chunk is empty (an empty `text` gives one "-" so a field stays valid).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    lines: list[str] = []
    for line in text.strip().splitlines():
        lines.extend(_split_line(line, limit) if len(line) > limit else [line])
    chunks: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            chunks.append(current)
        current = line
    if current.strip():
        chunks.append(current)
    return chunks or ["-"]


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    value: str

    @property
    def size(self) -> int:
        return len(self.name) + len(self.value)


def _section_fields(reply: Reply, limits: Limits) -> list[_Field]:
    fields: list[_Field] = []
    for section in reply.sections:
        name = section.name.strip() or "-"
        chunks = split_text(section.value, limits.field_value)
        for number, chunk in enumerate(chunks):
            if number == 0:
                shown = truncate(name, limits.field_name)
            else:
                shown = truncate(name, limits.field_name - len(CONTINUED)) + CONTINUED
            fields.append(_Field(shown, chunk))
    return fields


def _description(reply: Reply, limit: int) -> str:
    body = reply.body.strip()
    if not reply.gauge:
        return truncate(body, limit)
    gauge = truncate(reply.gauge, limit)
    room = limit - len(gauge) - 2
    if not body or room <= 0:
        return gauge
    return f"{truncate(body, room)}\n{gauge}"


def _footer(reply: Reply, limits: Limits, *, sources: bool = True) -> str:
    """The source line ("Sources: A; B"), then the disclaimer on a line of its own; the
    disclaimer is kept whole where it fits, the source line shortened to leave it room."""
    disclaimer = truncate(reply.disclaimer.strip(), limits.footer) if reply.disclaimer else ""
    # A blank label names nothing.
    labels = [s.label.strip() for s in reply.sources if s.label and s.label.strip()]
    if not sources or not labels:
        return disclaimer
    room = limits.footer - (len(disclaimer) + 1 if disclaimer else 0)
    line = f"{SOURCES_NAME}: " + "; ".join(labels)
    if room <= len(SOURCES_NAME) + 3:
        return disclaimer  # only a disclaimer near the footer's whole limit leaves no room
    shown = truncate(line, room)
    return f"{shown}\n{disclaimer}" if disclaimer else shown


def _build(
    title: str,
    description: str,
    fields: list[_Field],
    colour: int,
    footer: str,
    picture: Picture | None,
) -> discord.Embed:
    embed = discord.Embed(title=title or None, description=description or None, colour=colour)
    for item in fields:
        embed.add_field(name=item.name, value=item.value, inline=False)
    if footer:
        embed.set_footer(text=footer)
    if picture is not None:
        # The PNG travels with the message as an attachment of this name (see `picture_file`).
        embed.set_image(url=f"attachment://{picture.filename}")
    return embed


def embed_total(embed: discord.Embed) -> int:
    """The characters Discord counts against an embed's 6,000 total."""
    return len(embed)


def reply_embed(reply: Reply, limits: Limits = LIMITS) -> discord.Embed:
    """One embed for a reply, shortened to fit when it has to be (see the module docstring)."""
    if not reply.ok:
        return error_embed(reply.title, reply.error or reply.body, reply.disclaimer)
    colour = reply.colour if reply.colour is not None else DEFAULT_COLOUR
    title = truncate(reply.title.strip(), limits.title)
    footer = _footer(reply, limits)
    fixed = len(title) + len(footer)
    description = _description(reply, limits.description)
    fields = _section_fields(reply, limits)
    field_room = limits.fields
    note = _Field(SHORTENED_NAME, SHORTENED_VALUE)

    def total(kept: list[_Field], with_note: bool) -> int:
        return (
            fixed + len(description) + sum(f.size for f in kept) + (note.size if with_note else 0)
        )

    kept = fields
    shortened = False
    if len(kept) > field_room or total(kept, False) > limits.total:
        shortened = True
        kept = kept[: field_room - 1]
        # The core lists sections most important first: drop from the end.
        while kept and total(kept, True) > limits.total:
            kept = kept[:-1]
    if total(kept, shortened) > limits.total:
        # Still too long with no sections at all: only the body can give way.
        room = limits.total - total([], shortened) + len(description)
        description = _description(reply, max(room, 0)) if room > 0 else ""
    final = list(kept)
    if shortened:
        final.append(note)
    return _build(title, description, final, colour, footer, reply.picture)


def paged_embeds(reply: Reply, limits: Limits = LIMITS) -> list[discord.Embed]:
    """Every section of a reply over as many embeds as it takes, one embed per message.

    Each embed keeps the title (numbered "(2/3)" from the second on), the colour and the
    disclaimer in the footer; the body and gauge go on the first, the source line (in the
    footer) on the last.
    """
    if not reply.ok:
        return [error_embed(reply.title, reply.error or reply.body, reply.disclaimer)]
    colour = reply.colour if reply.colour is not None else DEFAULT_COLOUR
    # Every page is budgeted with the longer footer, the last page's (with the source line).
    footer = len(_footer(reply, limits))
    # Room for " (99/99)" after the title, so numbering never pushes it over.
    title = truncate(reply.title.strip(), limits.title - 8)
    description = _description(reply, min(limits.description, limits.total // 2))
    pages: list[list[_Field]] = [[]]
    used = len(title) + 8 + footer + len(description)
    for item in _section_fields(reply, limits):
        page = pages[-1]
        if len(page) >= limits.fields - 1 or used + item.size > limits.total - 300:
            pages.append([])
            used = len(title) + 8 + footer
        pages[-1].append(item)
        used += item.size
    embeds: list[discord.Embed] = []
    for number, page in enumerate(pages, start=1):
        shown = title if number == 1 else f"{title} ({number}/{len(pages)})"
        first, last = number == 1, number == len(pages)
        page_footer = _footer(reply, limits, sources=last)
        picture = reply.picture if first else None
        embeds.append(
            _build(shown, description if first else "", page, colour, page_footer, picture)
        )
    return embeds


def error_embed(title: str, message: str, disclaimer: str | None = None) -> discord.Embed:
    """A plain red embed for a user error or a failure; sent privately. An error that says
    where amounts sit (a range across two bands) has the disclaimer in its footer."""
    embed = discord.Embed(
        title=truncate(title.strip(), LIMITS.title) or None,
        description=truncate(message.strip(), LIMITS.description) or None,
        colour=ERROR_COLOUR,
    )
    if disclaimer and disclaimer.strip():
        embed.set_footer(text=truncate(disclaimer.strip(), LIMITS.footer))
    return embed


def limit_problems(embeds: list[discord.Embed], limits: Limits = LIMITS) -> list[str]:
    """Every way these embeds (sent in one message) break Discord's limits; empty when fine."""
    problems: list[str] = []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds in one message (limit 10)")
    if sum(len(embed) for embed in embeds) > limits.total:
        problems.append(f"total {sum(len(e) for e in embeds)} characters (limit {limits.total})")
    for n, embed in enumerate(embeds):
        checks = [
            ("title", len(embed.title or ""), limits.title),
            ("description", len(embed.description or ""), limits.description),
            ("fields", len(embed.fields), limits.fields),
            ("footer", len(embed.footer.text or ""), limits.footer),
            ("author", len(embed.author.name or ""), limits.author),
        ]
        for index, field in enumerate(embed.fields):
            checks.append((f"field {index} name", len(field.name or ""), limits.field_name))
            checks.append((f"field {index} value", len(field.value or ""), limits.field_value))
            if not (field.name or "").strip() or not (field.value or "").strip():
                problems.append(f"embed {n} field {index} is empty")
        problems += [
            f"embed {n} {what}: {size} (limit {limit})"
            for what, size, limit in checks
            if size > limit
        ]
    return problems
