"""A phone screen as rows of text, and dose replies measured against it.

The model: a 6.1-inch phone (393 x 852 points) showing Discord at its default font. An embed
there has about 280 points of text width, about 44 characters of its 14-point font, and the
message list about 650 points of height, about 36 rows of 18 points. Each embed part is
wrapped at word boundaries at the embed's width: the title, each line of the description,
each field's name (a row of its own) and value, and the footer. An embed image (the gauge
picture) is drawn at the embed's width: PICTURE_ROWS rows.

Where the model is generous: it counts no spacing between fields, no author row above the
embed, and a 44-character row for bold titles and field names (a little wider than they
are). So a reply that fits here fits with little to spare on a real phone.
"""

from __future__ import annotations

import textwrap

import discord

from bot.core.commands import reply_for_text
from bot.core.reply import Reply
from bot.discord_layer.embeds import reply_embed
from tests.discord_layer.helpers import knowledge

PHONE_COLUMNS = 44
PHONE_ROWS = 36
# The gauge picture: 800 px wide and about 212 px tall for the dose scale, shown 280 points
# wide, is about 74 points tall: 5 rows of 18 points, with its margin.
PICTURE_ROWS = 5


def text_rows(text: str | None, width: int = PHONE_COLUMNS) -> int:
    """Rows `text` takes wrapped at `width` (an empty line is a row too)."""
    if not text:
        return 0
    return sum(max(1, len(textwrap.wrap(line, width))) for line in text.splitlines())


def embed_lines(reply: Reply) -> list[str]:
    """The reply's embed as the rows a phone shows: title, description, each field's name
    and value, footer."""
    embed: discord.Embed = reply_embed(reply)
    parts = [embed.title, embed.description]
    for field in embed.fields:
        parts += [field.name, field.value]
    parts.append(embed.footer.text)
    rows: list[str] = []
    for part in parts:
        for line in (part or "").splitlines():
            rows += textwrap.wrap(line, PHONE_COLUMNS) or [""]
    if embed.image.url:
        rows += ["[picture]"] * PICTURE_ROWS
    return rows


def embed_rows(reply: Reply) -> int:
    return len(embed_lines(reply))


DOSE_LINES = [
    "/dk2 dose 500",
    "/dk2 dose 1500",
    "/dk2 dose 3000",
    "/dk2 dose 5000",
    "/dk2 dose 20000",
    "/dk2 dose 3000 k2:100",
    "/dk2 dose 5000 k2:100",
    "/dk2 dose 5000 k2:100 mcg mk-7",
    "/dk2 dose 5000 k2:300 mcg mk-4",
    "/dk2 dose 20000 k2:100",
    "/dk2 dose 50000 weekly",
    "/dk2 dose 50000 weekly k2:100",
    "/dk2 dose 100000 monthly k2:100 mg",
    "/dk2 dose 5000 mcg k2:100",
    "/dk2 dose 1000 mcg weekly k2:100",
    "/dk2 dose 125 IU k2:100",
    "/dk2 dose 400 age:2",
    "/dk2 dose 3000 age:2",
    "/dk2 dose 50000 weekly age:8 months k2:100",
    "/dk2 dose 5000 mcg age:6",
    "/dk2 dose 3000 age:40",
]


def dose_samples() -> list[tuple[str, Reply]]:
    kb = knowledge()
    return [(line, reply_for_text(kb, line)[0]) for line in DOSE_LINES]
